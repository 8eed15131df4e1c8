import { afterEach, describe, expect, it } from '@jest/globals';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AgentCapabilities } from '../../../src/generated/opamp/v1/opamp.js';
import { ScheduleModule } from '@nestjs/schedule';
import { AdminModule } from '../../../src/modules/admin/index.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { KubernetesModule } from '../../../src/modules/kubernetes/index.js';
import { bitmask } from '../../../src/modules/protocol/index.js';
import { AgentRegistry, MessagePipeline } from '../../../src/modules/session/index.js';
import { adminCall, oneFileConfig, type JsonObject } from '../../support/admin-client.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { agentToServer, description, randomUid } from '../../support/opamp-messages.js';

const TOKEN = 'a-token-of-at-least-16-chars';
const RESTARTABLE = bitmask(AgentCapabilities.AgentCapabilities_AcceptsRestartCommand);
const ENV = {
  OPAMP_HOST: '127.0.0.1',
  OPAMP_PORT: '0',
  PERSISTENCE: 'memory',
  CONFIG_STORE: 'memory',
};

describe('AdminModule', () => {
  let app: NestFastifyApplication | undefined;
  let adminUrl: string;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (env: Record<string, string> = {}): Promise<NestFastifyApplication> => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: { ...ENV, ...env } }),
        // The connection offers (ConnectionSettingsModule) use the heartbeat policy, which needs a scheduler.
        ScheduleModule.forRoot(),
        KubernetesModule,
        AdminModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    adminUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    return app;
  };

  /** Connects an HTTP agent through the pipeline; returns its display id. */
  const connectAgent = async (capabilities = 0n, service = 'checkout'): Promise<string> => {
    const uid = randomUid();
    await app!
      .get(MessagePipeline)
      .handle(
        new FakeConnection('http'),
        agentToServer({ instanceUid: uid, capabilities, agentDescription: description(service) }),
      );
    return app!.get(AgentRegistry).get(uid)!.displayId;
  };

  it('lists the connected agents', async () => {
    await start();
    const first = await connectAgent(0n, 'checkout');
    const second = await connectAgent(0n, 'cart');

    const response = await adminCall<{ items: JsonObject[]; total: number }>(
      adminUrl,
      'GET',
      '/api/v1/agents',
    );

    expect(response.status).toBe(200);
    expect(response.body.total).toBe(2);
    expect(response.body.items.map((item) => item.id).sort()).toEqual([first, second].sort());
  });

  it('answers 404 for an agent it does not hold', async () => {
    await start();

    const response = await adminCall(adminUrl, 'GET', `/api/v1/agents/${randomUid().toString('hex')}`);

    expect(response.status).toBe(404);
  });

  it('with ADMIN_TOKEN set, refuses mutating calls without the token or with another one', async () => {
    await start({ ADMIN_TOKEN: TOKEN });
    const agent = await connectAgent(RESTARTABLE);

    const withoutToken = await adminCall(adminUrl, 'POST', `/api/v1/agents/${agent}/restart`);
    const wrongToken = await adminCall(
      adminUrl,
      'PUT',
      '/api/v1/configs/base',
      oneFileConfig('a: 1'),
      'x'.repeat(20),
    );

    expect(withoutToken.status).toBe(401);
    expect(withoutToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(wrongToken.status).toBe(401);
    expect(app!.get(AgentRegistry).findByDisplayId(agent)?.pending).toBeUndefined();
    expect((await adminCall(adminUrl, 'GET', '/api/v1/configs/base', undefined, TOKEN)).status).toBe(404);
  });

  it('with ADMIN_TOKEN set, refuses reads without it and serves reads and changes with it', async () => {
    await start({ ADMIN_TOKEN: TOKEN });
    const agent = await connectAgent(RESTARTABLE);

    const anonymous = await adminCall(adminUrl, 'GET', '/api/v1/agents');
    const list = await adminCall(adminUrl, 'GET', '/api/v1/agents', undefined, TOKEN);
    const restart = await adminCall(adminUrl, 'POST', `/api/v1/agents/${agent}/restart`, undefined, TOKEN);

    expect(anonymous.status).toBe(401);
    expect(list.status).toBe(200);
    expect(restart.status).toBe(202);
    expect(restart.body).toEqual({ agent, command: 'restart', delivery: 'queued' });
  });

  it('without ADMIN_TOKEN, accepts mutating calls and answers 409 for a restart the agent cannot take', async () => {
    await start();
    const agent = await connectAgent(0n);

    const restart = await adminCall(adminUrl, 'POST', `/api/v1/agents/${agent}/restart`);

    expect(restart.status).toBe(409);
  });

  it('serves no probes or metrics: the HealthModule listener serves them, outside the token', async () => {
    await start();

    expect((await adminCall(adminUrl, 'GET', '/readyz')).status).toBe(404);
    expect((await adminCall(adminUrl, 'GET', '/metrics')).status).toBe(404);
  });
});
