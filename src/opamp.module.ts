import { type DynamicModule, Module } from '@nestjs/common';
import {
  parseServerConfig,
  SERVER_CONFIG,
  ServerConfigModule,
  type ServerConfig,
} from './modules/config/index.js';
import { CommandsModule } from './modules/commands/index.js';
import { ConnectionSettingsModule } from './modules/connection-settings/index.js';
import { FleetModule } from './modules/fleet/index.js';
import { HeartbeatModule } from './modules/heartbeat/index.js';
import { KubernetesModule } from './modules/kubernetes/index.js';
import { PersistenceModule } from './modules/persistence/index.js';
import { ProtocolModule } from './modules/protocol/index.js';
import { SessionModule } from './modules/session/index.js';
import { TransportModule } from './modules/transport/index.js';
import { PluginsModule } from './plugins/index.js';
import { builtInPluginModules } from './plugins/built-in-plugins.js';
import {
  OPAMP_ASYNC_OPTIONS_TYPE,
  OPAMP_MODULE_OPTIONS,
  OPAMP_OPTIONS_TYPE,
  OpampConfigurableModule,
  type OpampModuleOptions,
} from './opamp.module-definition.js';

const CORE = [
  KubernetesModule,
  ProtocolModule,
  SessionModule,
  PluginsModule,
  TransportModule,
  HeartbeatModule,
  PersistenceModule,
  ConnectionSettingsModule,
  FleetModule,
  CommandsModule,
];
const EXPORTS = [
  SessionModule,
  TransportModule,
  PluginsModule,
  HeartbeatModule,
  PersistenceModule,
  FleetModule,
  CommandsModule,
];

/**
 * The OpAMP server as a module to embed in a NestJS application: the OpAMP listener, the session
 * pipeline, the plugins, remote configuration (FleetModule), commands and custom messages. Built-in
 * plugins are chosen with `PLUGINS`; your own go in `plugins`.
 *
 * @example
 * ```ts
 * @Module({ imports: [OpampModule.forRoot({ env: { OPAMP_PORT: '4320' }, plugins: [MyPlugin] })] })
 * export class AppModule {}
 * ```
 */
@Module({})
export class OpampModule extends OpampConfigurableModule {
  /** Configured synchronously; the configuration is validated by `@nestjs/config` at start-up. */
  static override forRoot(options: typeof OPAMP_OPTIONS_TYPE = {}): DynamicModule {
    const definition = super.forRoot(options);
    return {
      ...definition,
      global: true,
      imports: [
        ServerConfigModule.forRoot({ env: options.env }),
        ...CORE,
        ...builtInPluginModules(parseServerConfig(options.env ?? process.env).plugins.enabled),
        ...(definition.imports ?? []),
      ],
      exports: [...EXPORTS, ServerConfigModule],
    };
  }

  /**
   * Configured from a factory (e.g. your own ConfigService). Built-in plugins named in `PLUGINS` must
   * then also be passed in `imports`, since the module's shape cannot wait for the factory.
   */
  static override forRootAsync(options: typeof OPAMP_ASYNC_OPTIONS_TYPE): DynamicModule {
    const definition = super.forRootAsync(options);
    return {
      ...definition,
      global: true,
      imports: [...(definition.imports ?? []), ...CORE],
      providers: [
        ...(definition.providers ?? []),
        {
          provide: SERVER_CONFIG,
          useFactory: (resolved: OpampModuleOptions): ServerConfig =>
            parseServerConfig(resolved.env ?? process.env),
          inject: [OPAMP_MODULE_OPTIONS],
        },
      ],
      exports: [...EXPORTS, SERVER_CONFIG],
    };
  }
}
