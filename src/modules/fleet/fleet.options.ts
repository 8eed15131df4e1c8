import { type ConfigStore } from './config-store.interface.js';

/** Options of the {@link FleetModule}, given by `OpampModule.forRoot({ configStore })`. */
export interface FleetModuleOptions {
  /** Where configs and assignments live. Default: memory or ConfigMaps, as `CONFIG_STORE` says. */
  readonly configStore?: ConfigStore;
}

/** DI token of the {@link FleetModuleOptions}; optional (absent: the defaults). */
export const FLEET_OPTIONS = 'OPAMP:FLEET_OPTIONS';
