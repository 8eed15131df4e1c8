import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module.js';
import { type OpampModuleExtras } from '../../src/opamp.module-definition.js';
import { setupAdminOpenApi } from '../../src/modules/admin/index.js';
import { HealthListener } from '../../src/modules/health/index.js';
import { OpampListener } from '../../src/modules/transport/index.js';
import { AgentRegistry, AgentEvents, MessagePipeline } from '../../src/modules/session/index.js';

/** A running opamp-nest app on 127.0.0.1 with free ports. */
export interface TestServer {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<port>/v1/opamp (https with `OPAMP_TLS_CERT_FILE`) */
  opampUrl: string;
  /** ws://127.0.0.1:<port>/v1/opamp (wss with `OPAMP_TLS_CERT_FILE`) */
  wsUrl: string;
  /** http://127.0.0.1:<admin port> */
  adminUrl: string;
  /** http://127.0.0.1:<probes and metrics port>: /healthz, /readyz, /metrics */
  healthUrl: string;
  registry: AgentRegistry;
  events: AgentEvents;
  server: MessagePipeline;
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  /** Environment variables on top of the test defaults (loopback, port 0, quiet logs). */
  env?: Record<string, string>;
  /** Plugins, modules and provider replacements, as for `OpampModule.forRoot`. */
  extras?: OpampModuleExtras;
  /** Provider overrides, e.g. a fake clock. */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** Starts the real app, both listeners on 127.0.0.1 port 0. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const env: Record<string, string> = {
    OPAMP_HOST: '127.0.0.1',
    OPAMP_PORT: '0',
    ADMIN_HOST: '127.0.0.1',
    ADMIN_PORT: '0',
    HEALTH_HOST: '127.0.0.1',
    HEALTH_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
    ...options.env,
  };
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot({ env, ...options.extras })] });
  if (options.customize) builder = options.customize(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // The UI's static files need @fastify/static, whose ESM-only dependency Jest cannot load on Node 20.
  setupAdminOpenApi(app, { ui: false });
  await app.listen(0, '127.0.0.1');
  const opampPort = app.get(OpampListener).address().port;
  const adminAddress = app.getHttpServer().address();
  const adminPort = typeof adminAddress === 'object' && adminAddress ? adminAddress.port : 0;
  const path = env.OPAMP_PATH ?? '/v1/opamp';
  const secure = env.OPAMP_TLS_CERT_FILE ? 's' : '';
  return {
    app,
    opampUrl: `http${secure}://127.0.0.1:${opampPort}${path}`,
    wsUrl: `ws${secure}://127.0.0.1:${opampPort}${path}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    healthUrl: `http://127.0.0.1:${app.get(HealthListener).address().port}`,
    registry: app.get(AgentRegistry),
    events: app.get(AgentEvents),
    server: app.get(MessagePipeline),
    close: () => app.close(),
  };
}
