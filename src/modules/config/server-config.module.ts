import { Module } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from '../../common/clock.js';
import { parseServerConfig } from './server-config.schema.js';
import { SERVER_CONFIG, type ServerConfig } from './server-config.js';
import {
  SERVER_CONFIG_MODULE_OPTIONS,
  ServerConfigConfigurableModule,
  type ServerConfigModuleOptions,
} from './server-config.module-definition.js';

/**
 * The settings every module reads, parsed and validated once ({@link SERVER_CONFIG}), and the clock
 * ({@link CLOCK}); global. Each module maps the part of the settings it needs to options of its own.
 * `forRoot({ env })` / `forRootAsync({ useFactory })`; a bad variable stops start-up with a
 * `ConfigValidationError` naming every bad variable and what it accepts.
 */
@Module({
  providers: [
    {
      provide: SERVER_CONFIG,
      useFactory: (options: ServerConfigModuleOptions): ServerConfig =>
        options.config ?? parseServerConfig(options.env ?? process.env),
      inject: [SERVER_CONFIG_MODULE_OPTIONS],
    },
    {
      provide: CLOCK,
      useFactory: (options: ServerConfigModuleOptions): Clock => options.clock ?? systemClock,
      inject: [SERVER_CONFIG_MODULE_OPTIONS],
    },
  ],
  exports: [SERVER_CONFIG, CLOCK],
})
export class ServerConfigModule extends ServerConfigConfigurableModule {}
