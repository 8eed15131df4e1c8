import { Inject } from '@nestjs/common';

/** Options of the {@link HealthModule}. */
export interface HealthOptions {
  /** Interface of the probes and metrics listener (`HEALTH_HOST`). Default `0.0.0.0`. */
  readonly host: string;
  /** Its port; 0 picks a free one (`HEALTH_PORT`). Default 4322. */
  readonly port: number;
}

/** DI token of the {@link HealthOptions}, mapped from the settings by the module. */
export const HEALTH_OPTIONS = 'OPAMP:HEALTH_OPTIONS';

/** Injects the {@link HealthOptions}. */
export const InjectHealthOptions = (): ParameterDecorator => Inject(HEALTH_OPTIONS);
