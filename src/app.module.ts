import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { builtInPluginModules } from './built-in-plugins.js';
import { pinoOptions } from './logging.js';
import { AdminModule } from './modules/admin/index.js';
import { HealthModule } from './modules/health/index.js';
import { parseServerConfig, SERVER_CONFIG, type ServerConfig } from './modules/config/index.js';
import { WebUiModule } from './modules/web-ui/index.js';
import { OpampModule } from './opamp.module.js';
import { type OpampModuleExtras, type OpampModuleOptions } from './opamp.module-definition.js';

/** Options of {@link AppModule.forRoot}: those of `OpampModule.forRoot`. */
export type AppModuleOptions = OpampModuleOptions & OpampModuleExtras;

/**
 * The opamp-nest server as `npm start` runs it: the OpAMP module with the built-in plugins `PLUGINS` names,
 * logging, the admin API, the web UI at `/` of the admin listener and the probes and metrics listener. The variables are parsed here, once.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    const env = options.env ?? process.env;
    const config = options.config ?? parseServerConfig(env);
    return {
      module: AppModule,
      imports: [
        OpampModule.forRoot({
          ...options,
          config,
          plugins: [...builtInPluginModules(env), ...(options.plugins ?? [])],
        }),
        LoggerModule.forRootAsync({
          inject: [SERVER_CONFIG],
          useFactory: (settings: ServerConfig) => pinoOptions(settings),
        }),
        AdminModule,
        HealthModule,
        WebUiModule,
      ],
    };
  }
}
