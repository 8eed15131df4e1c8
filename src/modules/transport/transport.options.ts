import { Inject } from '@nestjs/common';
import { type ServerConfig } from '../config/index.js';

/**
 * Options of the {@link TransportModule}: the OpAMP listener's address, limits and timeouts (the `OPAMP_*`,
 * `MAX_*`, `HTTP_*_TIMEOUT_S`, `WS_*` and `RETRY_AFTER_S` settings; defaults in `docs/configuration.md`).
 */
export type TransportOptions = ServerConfig['opamp'];

/** DI token of the {@link TransportOptions}, mapped from the settings by the module. */
export const TRANSPORT_OPTIONS = 'OPAMP:TRANSPORT_OPTIONS';

/** Injects the {@link TransportOptions}. */
export const InjectTransportOptions = (): ParameterDecorator => Inject(TRANSPORT_OPTIONS);
