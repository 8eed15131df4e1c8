import { ConfigurableModuleBuilder, type DynamicModule, type Provider, type Type } from '@nestjs/common';

/** Options of {@link OpampModule} that may come from a factory (`forRootAsync`). */
export interface OpampModuleOptions {
  /**
   * Configuration variables (the same names as the environment: `OPAMP_PORT`, `PLUGINS`, ...). Default:
   * `process.env`. When given, `process.env` is not read.
   */
  env?: Record<string, string | undefined>;
}

/** Options of {@link OpampModule} that shape the module itself, so they are never asynchronous. */
export interface OpampModuleExtras {
  /** Your `@OpampPlugin` providers. Default none. */
  plugins?: Type[];
  /** Modules that provide plugins or what they depend on. Default none. */
  imports?: Array<Type | DynamicModule>;
  /** Replacements of infrastructure tokens, e.g. `{ provide: AGENT_STORE, useClass: MyStore }`. Default none. */
  providers?: Provider[];
}

export const {
  ConfigurableModuleClass: OpampConfigurableModule,
  MODULE_OPTIONS_TOKEN: OPAMP_MODULE_OPTIONS,
  OPTIONS_TYPE: OPAMP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: OPAMP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OpampModuleOptions>({ moduleName: 'Opamp' })
  .setClassMethodName('forRoot')
  .setExtras<OpampModuleExtras>({ plugins: [], imports: [], providers: [] }, (definition, extras) => ({
    ...definition,
    imports: [...(definition.imports ?? []), ...(extras.imports ?? [])],
    providers: [...(definition.providers ?? []), ...(extras.plugins ?? []), ...(extras.providers ?? [])],
  }))
  .build();
