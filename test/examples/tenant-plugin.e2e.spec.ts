import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentCapabilities } from 'opamp-nest';
import {
  postAgentMessage,
  randomInstanceUid,
  startOpampTestApp,
  type OpampTestApp,
} from 'opamp-nest/testing';
import { WebSocket } from 'ws';
import { TenantPluginModule } from '../../examples/tenant-plugin/index.js';
import { description } from '../support/opamp-messages.js';
import { WsTestAgent } from '../support/ws-agent.js';

const ACCEPTS_REMOTE_CONFIG = BigInt(AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig);

describe('example: tenant plugin (built against the package entry)', () => {
  let server: OpampTestApp;

  beforeAll(async () => {
    server = await startOpampTestApp({
      plugins: [
        TenantPluginModule.forRoot({
          tokens: { s3cret: 'acme' },
          staticAttributes: { 'deployment.environment': 'prod' },
        }),
      ],
    });
  });
  afterAll(() => server.close());

  it('refuses an HTTP agent without a known bearer token with 401', async () => {
    const missing = await postAgentMessage(server.opampUrl, { instanceUid: randomInstanceUid() });
    expect(missing.status).toBe(401);
    expect(missing.reply?.errorResponse?.errorMessage).toMatch(/Bearer/);
    const wrong = await postAgentMessage(
      server.opampUrl,
      { instanceUid: randomInstanceUid() },
      { authorization: 'Bearer nope' },
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

  it('identifies an agent by tenant and site and delivers its attributes in the remote config', async () => {
    const uid = randomInstanceUid();
    const exchange = await postAgentMessage(
      server.opampUrl,
      { instanceUid: uid, capabilities: ACCEPTS_REMOTE_CONFIG, agentDescription: description('billing') },
      { authorization: 'Bearer s3cret', 'x-site': 'eu-1' },
    );
    expect(exchange.status).toBe(200);
    const agent = server.agents.list().find((a) => Buffer.from(a.instanceUid).equals(uid))!;
    expect(agent.identity?.labels).toEqual({ tenant: 'acme', site: 'eu-1' });
    const file = exchange.reply?.remoteConfig?.config?.configMap['resource-attributes.json'];
    expect(file?.contentType).toBe('application/json');
    expect(JSON.parse(Buffer.from(file!.body).toString())).toEqual({
      'tenant.id': 'acme',
      'site.name': 'eu-1',
      'deployment.environment': 'prod',
    });
  });

  it('serves an authorized WebSocket agent', async () => {
    const ws = await WsTestAgent.connect(server.wsUrl, { authorization: 'Bearer s3cret' });
    const uid = randomInstanceUid();
    const reply = await ws.request({ instanceUid: uid, agentDescription: description('ws') });
    expect(reply.errorResponse).toBeUndefined();
    const agent = server.agents.list().find((a) => Buffer.from(a.instanceUid).equals(uid));
    expect(agent?.identity?.labels?.site).toBe('unknown');
    ws.close();
  });
});
