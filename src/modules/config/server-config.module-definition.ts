import { ConfigurableModuleBuilder } from '@nestjs/common';
import { type Clock } from '../../common/clock.js';
import { type ServerConfig } from './server-config.js';

/** Where the server's settings and clock come from. */
export interface ServerConfigModuleOptions {
  /**
   * Settings already parsed (e.g. by `parseServerConfig` in your bootstrap). When given, `env` is not read.
   */
  config?: ServerConfig;
  /**
   * Variables to parse instead of `process.env` (tests, embedding). When set, `process.env` is not read at
   * all. Default: `process.env`.
   */
  env?: Record<string, string | undefined>;
  /** The clock every module reads. Default: the system clock. */
  clock?: Clock;
}

export const {
  ConfigurableModuleClass: ServerConfigConfigurableModule,
  MODULE_OPTIONS_TOKEN: SERVER_CONFIG_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<ServerConfigModuleOptions>({
  moduleName: 'ServerConfig',
  optionsInjectionToken: 'OPAMP:SERVER_CONFIG_MODULE_OPTIONS',
})
  .setClassMethodName('forRoot')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
