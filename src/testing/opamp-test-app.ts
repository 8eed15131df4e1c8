import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { OpampListener } from '../modules/transport/index.js';
import { OpampAgents } from '../modules/session/index.js';
import { OpampModule } from '../opamp.module.js';
import { type OpampModuleExtras, type OpampModuleOptions } from '../opamp.module-definition.js';

/** Options of {@link startOpampTestApp}: those of `OpampModule.forRoot`, plus modules of your own. */
export interface OpampTestAppOptions extends OpampModuleOptions, OpampModuleExtras {
  /** Modules of the application under test, imported beside `OpampModule`. Default none. */
  appImports?: Array<Type | DynamicModule>;
}

/** A running application with the OpAMP listener on 127.0.0.1 and a free port. */
export interface OpampTestApp {
  readonly app: NestFastifyApplication;
  /** `http://127.0.0.1:<port>/v1/opamp` */
  readonly opampUrl: string;
  /** `ws://127.0.0.1:<port>/v1/opamp` */
  readonly wsUrl: string;
  /** The agents the server holds, as plugins see them. */
  readonly agents: OpampAgents;
  close(): Promise<void>;
}

/**
 * Starts `OpampModule.forRoot(options)` in a Nest application for a test: OpAMP on 127.0.0.1 port 0 (unless
 * `env` says otherwise), logs quiet, memory persistence, no Kubernetes unless given. Close it when done.
 */
export async function startOpampTestApp(options: OpampTestAppOptions = {}): Promise<OpampTestApp> {
  const { appImports = [], env, ...opamp } = options;
  const settings: Record<string, string | undefined> = {
    OPAMP_HOST: '127.0.0.1',
    OPAMP_PORT: '0',
    PERSISTENCE: 'memory',
    CONFIG_STORE: 'memory',
    ...env,
  };
  @Module({
    imports: [OpampModule.forRoot({ kubeConfig: null, ...opamp, env: settings }), ...appImports],
  })
  class OpampTestAppModule {}
  const app = await NestFactory.create<NestFastifyApplication>(OpampTestAppModule, new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  const { port } = app.get(OpampListener).address();
  const path = settings.OPAMP_PATH ?? '/v1/opamp';
  return {
    app,
    opampUrl: `http://127.0.0.1:${port}${path}`,
    wsUrl: `ws://127.0.0.1:${port}${path}`,
    agents: app.get(OpampAgents),
    close: () => app.close(),
  };
}
