import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TenantPluginModule } from '../../examples/tenant-plugin/index.js';
import { postMessage } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsTestAgent } from '../support/ws-agent.js';
import { WebSocket } from 'ws';

describe('example: tenant plugin', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      extras: {
        imports: [
          TenantPluginModule.forRoot({
            tokens: { s3cret: 'acme' },
            staticAttributes: { 'deployment.environment': 'prod' },
          }),
        ],
      },
    });
  });
  afterAll(() => server.close());

  it('refuses an HTTP agent without a known bearer token with 401', async () => {
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() });
    expect(exchange.status).toBe(401);
    expect(exchange.message?.errorResponse?.errorMessage).toMatch(/Bearer/);
    const wrong = await postMessage(
      server.opampUrl,
      { instanceUid: randomUid() },
      {
        'content-type': 'application/x-protobuf',
        authorization: 'Bearer nope',
      },
    );
    expect(wrong.status).toBe(401);
  });

  it('refuses a WebSocket upgrade without a known token with 401', async () => {
    const status = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(server.wsUrl);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode));
      socket.on('open', () => resolve(undefined));
    });
    expect(status).toBe(401);
  });

  it('identifies an agent by tenant and site and gives it the static attributes', async () => {
    const uid = randomUid();
    const exchange = await postMessage(
      server.opampUrl,
      { instanceUid: uid, agentDescription: description('billing') },
      { 'content-type': 'application/x-protobuf', authorization: 'Bearer s3cret', 'x-site': 'eu-1' },
    );
    expect(exchange.status).toBe(200);
    const session = server.registry.get(uid)!;
    expect(session.identity).toEqual({ provider: 'tenant', labels: { tenant: 'acme', site: 'eu-1' } });
    expect(session.resourceAttributes?.map((a) => a.key)).toEqual([
      'tenant.id',
      'site.name',
      'deployment.environment',
    ]);
  });

  it('serves an authorized WebSocket agent', async () => {
    const agent = await WsTestAgent.connect(server.wsUrl, { authorization: 'Bearer s3cret' });
    const uid = randomUid();
    const reply = await agent.request({ instanceUid: uid, agentDescription: description('ws') });
    expect(reply.errorResponse).toBeUndefined();
    expect(server.registry.get(uid)?.identity?.labels?.site).toBe('unknown');
    agent.close();
  });
});
