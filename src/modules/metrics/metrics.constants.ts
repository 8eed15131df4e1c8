import { Inject } from '@nestjs/common';

/**
 * DI token of the prom-client `Registry` served at `/metrics`. Register your plugin's metrics in it:
 * `new Counter({ name, help, registers: [registry] })`.
 */
export const METRICS_REGISTRY = 'OPAMP:METRICS_REGISTRY';

/** Injects the prom-client `Registry` under {@link METRICS_REGISTRY}. */
export const InjectMetricsRegistry = (): ParameterDecorator => Inject(METRICS_REGISTRY);
