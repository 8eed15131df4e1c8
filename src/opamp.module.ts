import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { CommandsModule } from './modules/commands/index.js';
import { ConnectionSettingsModule } from './modules/connection-settings/index.js';
import { FleetModule } from './modules/fleet/index.js';
import { HeartbeatModule } from './modules/heartbeat/index.js';
import { KubernetesModule } from './modules/kubernetes/index.js';
import { PackagesModule } from './modules/packages/index.js';
import { PersistenceModule } from './modules/persistence/index.js';
import { PluginsModule } from './modules/plugins/index.js';
import { ProtocolModule } from './modules/protocol/index.js';
import { SessionModule } from './modules/session/index.js';
import { TransportModule } from './modules/transport/index.js';
import {
  OPAMP_ASYNC_OPTIONS_TYPE,
  OPAMP_MODULE_OPTIONS,
  OPAMP_OPTIONS_TYPE,
  OpampConfigurableModule,
  type OpampModuleExtras,
} from './opamp.module-definition.js';
import {
  MODULE_OPTION_TOKENS,
  moduleOptionProviders,
  settingsModule,
  splitPlugins,
} from './opamp.providers.js';

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
  PackagesModule,
];
const EXPORTS = [
  SessionModule,
  PackagesModule,
  TransportModule,
  PluginsModule,
  HeartbeatModule,
  PersistenceModule,
  FleetModule,
  CommandsModule,
];

/**
 * The OpAMP server as a module to embed in a NestJS application: the OpAMP listener, the session pipeline,
 * the plugins, persistence, remote configuration (FleetModule), commands and custom messages. Global.
 *
 * @example
 * ```ts
 * @Module({ imports: [OpampModule.forRoot({ env: { OPAMP_PORT: '4320' }, plugins: [MyPlugin] })] })
 * export class AppModule {}
 * ```
 */
@Module({})
export class OpampModule extends OpampConfigurableModule {
  /** Configured from values. */
  static override forRoot(options: typeof OPAMP_OPTIONS_TYPE = {}): DynamicModule {
    return OpampModule.compose(super.forRoot(options), options);
  }

  /** Configured from a factory (e.g. your own ConfigService); plugins and imports are given beside it. */
  static override forRootAsync(options: typeof OPAMP_ASYNC_OPTIONS_TYPE): DynamicModule {
    return OpampModule.compose(super.forRootAsync(options), options);
  }

  private static compose(definition: DynamicModule, extras: OpampModuleExtras): DynamicModule {
    const plugins = splitPlugins(extras.plugins);
    return {
      ...definition,
      global: true,
      imports: [
        ...(definition.imports ?? []),
        settingsModule(),
        ScheduleModule.forRoot(),
        ...CORE,
        ...plugins.imports,
        ...(extras.imports ?? []),
      ],
      providers: [
        ...(definition.providers ?? []),
        ...moduleOptionProviders(),
        ...plugins.providers,
        ...(extras.providers ?? []),
      ],
      exports: [...EXPORTS, OPAMP_MODULE_OPTIONS, ...MODULE_OPTION_TOKENS],
    };
  }
}
