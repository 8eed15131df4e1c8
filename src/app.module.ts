import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pinoOptions } from './logging.js';
import { AdminModule } from './modules/admin/index.js';
import { SERVER_CONFIG, type ServerConfig } from './modules/config/index.js';
import { OpampModule } from './opamp.module.js';
import { type OpampModuleExtras } from './opamp.module-definition.js';

/** Options of {@link AppModule.forRoot}. */
export interface AppModuleOptions extends OpampModuleExtras {
  /** Environment to configure from instead of `process.env` (tests). Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** The opamp-nest server as `npm start` runs it: the OpAMP module, logging and the admin plane. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        OpampModule.forRoot(options),
        LoggerModule.forRootAsync({
          inject: [SERVER_CONFIG],
          useFactory: (config: ServerConfig) => pinoOptions(config),
        }),
        AdminModule,
      ],
    };
  }
}
