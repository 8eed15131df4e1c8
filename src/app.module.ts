import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './modules/admin/index.js';
import { SERVER_CONFIG, ServerConfigModule, type ServerConfig } from './modules/config/index.js';
import { TransportModule } from './modules/transport/index.js';
import { pinoOptions } from './logging.js';

/** Options of {@link AppModule.forRoot}. */
export interface AppModuleOptions {
  /** Environment to configure from instead of `process.env` (tests). Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The opamp-nest server: configuration, logging, the OpAMP listener and the admin plane. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServerConfigModule.forRoot({ env: options.env }),
        LoggerModule.forRootAsync({
          inject: [SERVER_CONFIG],
          useFactory: (config: ServerConfig) => pinoOptions(config),
        }),
        TransportModule,
        AdminModule,
      ],
    };
  }
}
