import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { builtInPluginModules } from './built-in-plugins.js';
import { pinoOptions } from './logging.js';
import { AdminModule } from './modules/admin/index.js';
import { HealthModule } from './modules/health/index.js';
import {
  ConfigValidationError,
  parseServerConfig,
  SERVER_CONFIG,
  type ServerConfig,
} from './modules/config/index.js';
import { HubModule } from './modules/hub/index.js';
import { loadKubeConfig } from './modules/kubernetes/index.js';
import { WebUiModule } from './modules/web-ui/index.js';
import { OpampModule } from './opamp.module.js';
import { type OpampModuleExtras, type OpampModuleOptions } from './opamp.module-definition.js';

/** Options of {@link AppModule.forRoot}: those of `OpampModule.forRoot`. */
export type AppModuleOptions = OpampModuleOptions & OpampModuleExtras;

/**
 * The opamp-nest server as `npm start` runs it: the OpAMP module with the built-in plugins `PLUGINS` names,
 * logging, the admin API, the web UI at `/` of the admin listener and the probes and metrics listener; with
 * `MODE=hub`, the cluster-wide hub (with the same web UI) instead (docs/hub.md). The variables are parsed here, once.
 * @throws ConfigValidationError for `MODE=hub` without a Kubernetes client configuration.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions = {}): DynamicModule {
    const env = options.env ?? process.env;
    const config = options.config ?? parseServerConfig(env);
    const logging = LoggerModule.forRootAsync({
      inject: [SERVER_CONFIG],
      useFactory: (settings: ServerConfig) => pinoOptions(settings),
    });
    if (config.mode === 'hub') {
      const kubeConfig = options.kubeConfig === undefined ? loadKubeConfig(config, env) : options.kubeConfig;
      if (!kubeConfig) {
        throw new ConfigValidationError([
          {
            name: 'MODE',
            problem:
              'is hub, which finds the node servers through the Kubernetes API, but there is no cluster',
            accepts: 'node; or hub in a pod (in-cluster service account) or with KUBECONFIG set',
          },
        ]);
      }
      const hub = HubModule.forRoot({
        config,
        kubeConfig,
        configStore: options.configStore,
        clock: options.clock,
      });
      return { module: AppModule, imports: [hub, logging, WebUiModule] };
    }
    return {
      module: AppModule,
      imports: [
        OpampModule.forRoot({
          ...options,
          config,
          plugins: [...builtInPluginModules(env), ...(options.plugins ?? [])],
        }),
        logging,
        AdminModule,
        HealthModule,
        WebUiModule,
      ],
    };
  }
}
