import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { parseServerConfig } from './server-config.schema.js';
import { SERVER_CONFIG, type ServerConfig } from './server-config.js';

const CONFIG_KEY = 'opampServer';

/** Options of {@link ServerConfigModule.forRoot}. */
export interface ServerConfigModuleOptions {
  /**
   * Variables to validate instead of `process.env` (tests, embedding). When set, `process.env` is not
   * read at all. Default: `process.env`.
   */
  env?: Record<string, string | undefined>;
}

/**
 * Validates the environment once at start-up (through `@nestjs/config`) and provides the typed
 * {@link ServerConfig} under {@link SERVER_CONFIG}, globally.
 */
@Module({})
export class ServerConfigModule {
  static forRoot(options: ServerConfigModuleOptions = {}): DynamicModule {
    return {
      module: ServerConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          ignoreEnvVars: options.env !== undefined,
          // Nested under one key so @nestjs/config copies nothing back into process.env.
          validate: (raw) => ({ [CONFIG_KEY]: parseServerConfig({ ...raw, ...options.env }) }),
        }),
      ],
      providers: [
        {
          provide: SERVER_CONFIG,
          useFactory: (config: ConfigService): ServerConfig => config.getOrThrow<ServerConfig>(CONFIG_KEY),
          inject: [ConfigService],
        },
      ],
      exports: [SERVER_CONFIG],
    };
  }
}
