import { Inject } from '@nestjs/common';
import { type ServerConfig } from '../config/index.js';

/** Options of the {@link ConnectionSettingsModule}. */
export interface ConnectionSettingsOptions {
  /** Own-telemetry endpoints offered to agents that report their own metrics, traces or logs (`OWN_*_ENDPOINT`). */
  readonly ownTelemetry: ServerConfig['connectionSettings'];
  /**
   * The OpAMP endpoint named in the offer when a request carries no `Host` header; `secure` when the
   * listener serves TLS (the offer then names `https://` / `wss://`).
   */
  readonly opamp: {
    readonly host: string;
    readonly port: number;
    readonly path: string;
    readonly secure: boolean;
  };
}

/** DI token of the {@link ConnectionSettingsOptions}, mapped from the settings by the module. */
export const CONNECTION_SETTINGS_OPTIONS = 'OPAMP:CONNECTION_SETTINGS_OPTIONS';

/** Injects the {@link ConnectionSettingsOptions}. */
export const InjectConnectionSettingsOptions = (): ParameterDecorator => Inject(CONNECTION_SETTINGS_OPTIONS);

/** DI token of the {@link ConnectionOfferStore} (memory, or ConfigMaps as `CONFIG_STORE` says). */
export const CONNECTION_OFFER_STORE = 'OPAMP:CONNECTION_OFFER_STORE';
