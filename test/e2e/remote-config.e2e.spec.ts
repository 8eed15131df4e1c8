import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  AgentCapabilities,
  RemoteConfigStatuses,
  type AgentRemoteConfig,
} from '../../src/generated/opamp/v1/opamp.js';
import { OpampPlugin } from '../../src/modules/plugins/index.js';
import { type OpampPluginHooks } from '../../src/plugin-api/index.js';
import { bitmask, formatInstanceUid } from '../../src/modules/protocol/index.js';
import { type AgentSession } from '../../src/modules/session/index.js';
import { adminCall, oneFileConfig, type JsonObject } from '../support/admin-client.js';
import { eventually } from '../support/eventually.js';
import { postMessage } from '../support/http-agent.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool, type WsTestAgent } from '../support/ws-agent.js';

const ACCEPTS_CONFIG = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig,
);
const REPORTS_ONLY = bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus);
const { RemoteConfigStatuses_APPLYING: APPLYING, RemoteConfigStatuses_APPLIED: APPLIED } =
  RemoteConfigStatuses;

interface AgentView extends JsonObject {
  remoteConfig: {
    source: string;
    config: string | null;
    state: string;
    hash: string | null;
    reported: { status: string; hash: string; errorMessage: string } | null;
    assignment: JsonObject | null;
  };
  effectiveConfig: { files: Record<string, { body: string; encoding: string }> } | null;
}

/** A user plugin that configures agents whose service.name is "special", before the config store. */
@OpampPlugin({ name: 'special-configs' })
@Injectable()
class SpecialConfigPlugin implements OpampPluginHooks {
  remoteConfig(session: AgentSession): AgentRemoteConfig | undefined {
    const name = session.status.description?.identifyingAttributes.find((a) => a.key === 'service.name');
    if (name?.value?.value?.value !== 'special') return undefined;
    return {
      config: { configMap: { '': { body: Buffer.from('from a plugin'), contentType: 'text/plain' } } },
      configHash: Buffer.alloc(0),
    };
  }
}

describe('remote configuration through the admin API', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeEach(async () => {
    server = await startTestServer({ extras: { plugins: [SpecialConfigPlugin] } });
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  const api = <T = JsonObject>(method: string, path: string, body?: unknown) =>
    adminCall<T>(server.adminUrl, method, path, body);
  const agentView = async (id: string): Promise<AgentView> =>
    (await api<AgentView>('GET', `/api/v1/agents/${id}`)).body;

  /** Connects a WebSocket agent and sends its first message; returns it with its id. */
  const wsAgent = async (
    name: string,
    extra: Parameters<typeof description>[1] = [],
    capabilities = ACCEPTS_CONFIG,
  ): Promise<{ agent: WsTestAgent; uid: Buffer; id: string }> => {
    const agent = await pool.connect();
    const uid = randomUid();
    await agent.request({
      instanceUid: uid,
      capabilities,
      agentDescription: description(name, extra),
      remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(0), status: 0, errorMessage: '' },
      effectiveConfig: { configMap: { configMap: {} } },
    });
    return { agent, uid, id: formatInstanceUid(uid) };
  };

  it('pushes a config assigned through the API to a WebSocket agent at once, and shows applying → applied', async () => {
    const { agent, uid, id } = await wsAgent('checkout');
    expect(
      (await api('PUT', '/api/v1/configs/checkout', oneFileConfig('receivers: { otlp: {} }'))).status,
    ).toBe(201);
    const received = agent.received.length;

    const assigned = await api('PUT', `/api/v1/agents/${id}/config`, { config: 'checkout' });

    expect(assigned.status).toBe(200);
    const push = await agent.nextMessage(received);
    expect(push.remoteConfig?.config?.configMap['config.yaml']?.body.toString()).toBe(
      'receivers: { otlp: {} }',
    );
    const hash = push.remoteConfig!.configHash;
    expect((await agentView(id)).remoteConfig).toEqual(
      expect.objectContaining({
        source: 'fleet',
        config: 'checkout',
        state: 'pending',
        hash: hash.toString('hex'),
      }),
    );

    await agent.request({
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: ACCEPTS_CONFIG,
      remoteConfigStatus: { lastRemoteConfigHash: hash, status: APPLYING, errorMessage: '' },
    });
    expect((await agentView(id)).remoteConfig).toEqual(
      expect.objectContaining({
        state: 'applying',
        reported: { status: 'APPLYING', hash: hash.toString('hex'), errorMessage: '' },
      }),
    );

    await agent.request({
      instanceUid: uid,
      sequenceNum: 2n,
      capabilities: ACCEPTS_CONFIG,
      remoteConfigStatus: { lastRemoteConfigHash: hash, status: APPLIED, errorMessage: '' },
      effectiveConfig: { configMap: push.remoteConfig!.config },
    });
    const view = await agentView(id);
    expect(view.remoteConfig.state).toBe('applied');
    expect(view.effectiveConfig?.files['config.yaml']).toEqual(
      expect.objectContaining({ body: 'receivers: { otlp: {} }', encoding: 'utf8' }),
    );
    const config = await api<{ rollout: JsonObject }>('GET', '/api/v1/configs/checkout');
    expect(config.body.rollout).toEqual(expect.objectContaining({ agents: 1, applied: 1, pending: 0 }));
  });

  it('gives an HTTP agent the config with its next poll, and stops once it reports it applied', async () => {
    const uid = randomUid();
    const poll = (sequenceNum: bigint, extra: JsonObject = {}) =>
      postMessage(server.opampUrl, { instanceUid: uid, sequenceNum, capabilities: ACCEPTS_CONFIG, ...extra });
    await poll(0n, {
      agentDescription: description('poller'),
      remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(0), status: 0, errorMessage: '' },
      effectiveConfig: { configMap: { configMap: {} } },
    });
    await api('PUT', '/api/v1/configs/poller', oneFileConfig('level: debug'));

    await api('PUT', `/api/v1/agents/${formatInstanceUid(uid)}/config`, { config: 'poller' });

    const next = (await poll(1n)).message!;
    expect(next.remoteConfig?.config?.configMap['config.yaml']?.body.toString()).toBe('level: debug');
    const hash = next.remoteConfig!.configHash;
    const applied = await poll(2n, {
      remoteConfigStatus: { lastRemoteConfigHash: hash, status: APPLIED, errorMessage: '' },
    });
    expect(applied.message!.remoteConfig).toBeUndefined();
    expect((await poll(3n)).message!.remoteConfig).toBeUndefined();
  });

  it("shows the agent's error when applying fails", async () => {
    const { agent, uid, id } = await wsAgent('fragile');
    await api('PUT', '/api/v1/configs/broken', oneFileConfig('receivers: [nope'));
    const received = agent.received.length;
    await api('PUT', `/api/v1/agents/${id}/config`, { config: 'broken' });
    const hash = (await agent.nextMessage(received)).remoteConfig!.configHash;

    await agent.request({
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: ACCEPTS_CONFIG,
      remoteConfigStatus: {
        lastRemoteConfigHash: hash,
        status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
        errorMessage: 'yaml: line 1: did not find expected node content',
      },
    });

    const view = await agentView(id);
    expect(view.remoteConfig.state).toBe('failed');
    expect(view.remoteConfig.reported?.errorMessage).toBe('yaml: line 1: did not find expected node content');
    const config = await api<{ rollout: JsonObject }>('GET', '/api/v1/configs/broken');
    expect(config.body.rollout).toEqual(expect.objectContaining({ failed: 1, failedAgents: [id] }));
    const failed = await api<{ items: Array<{ id: string }> }>('GET', '/api/v1/agents?state=failed');
    expect(failed.body.items.map((a) => a.id)).toEqual([id]);
  });

  it('never sends a config to an agent that does not accept remote config', async () => {
    const { agent, uid, id } = await wsAgent('read-only', [], REPORTS_ONLY);
    await api('PUT', '/api/v1/configs/everyone', oneFileConfig('x: 1'));
    await api('PUT', '/api/v1/configs/everyone/assignments/all', { selector: {} });
    await api('PUT', `/api/v1/agents/${id}/config`, { config: 'everyone' });
    await agent.request({ instanceUid: uid, sequenceNum: 1n, capabilities: REPORTS_ONLY });

    expect(agent.received.filter((m) => m.remoteConfig !== undefined)).toEqual([]);
    expect((await agentView(id)).remoteConfig.state).toBe('unsupported');
  });

  it('rolls a config out to the agents a selector matches, the most specific assignment winning', async () => {
    const a = await wsAgent('shop', [attr('env', 'prod'), attr('team', 'a')]);
    const b = await wsAgent('shop', [attr('env', 'prod'), attr('team', 'b')]);
    const dev = await wsAgent('shop', [attr('env', 'dev')]);
    await api('PUT', '/api/v1/configs/prod', oneFileConfig('level: warn'));
    await api('PUT', '/api/v1/configs/team-a', oneFileConfig('level: debug'));
    const counts = [a, b, dev].map(({ agent }) => agent.received.length);

    expect(
      (await api('PUT', '/api/v1/configs/prod/assignments/prod', { selector: { env: 'prod' } })).status,
    ).toBe(201);
    expect(
      (
        await api('PUT', '/api/v1/configs/team-a/assignments/team-a', {
          selector: { env: 'prod', team: 'a' },
        })
      ).status,
    ).toBe(201);

    const latest = (agent: WsTestAgent) =>
      agent.received
        .filter((m) => m.remoteConfig)
        .at(-1)
        ?.remoteConfig?.config?.configMap['config.yaml']?.body.toString();
    await eventually(() => latest(a.agent) === 'level: debug' && latest(b.agent) === 'level: warn');
    expect(dev.agent.received.length).toBe(counts[2]);
    expect((await agentView(a.id)).remoteConfig.assignment).toEqual({
      config: 'team-a',
      name: 'team-a',
      selector: { env: 'prod', team: 'a' },
    });
    const prodAgents = await api<{ items: Array<{ id: string }> }>('GET', '/api/v1/agents?config=prod');
    expect(prodAgents.body.items.map((x) => x.id)).toEqual([b.id]);

    // A per-agent assignment beats both selectors; removing it falls back to the selector.
    await api('PUT', `/api/v1/agents/${b.id}/config`, { config: 'team-a' });
    await eventually(() => latest(b.agent) === 'level: debug');
    expect((await api('DELETE', `/api/v1/agents/${b.id}/config`)).status).toBe(204);
    await eventually(() => latest(b.agent) === 'level: warn');

    // A new version of a config goes to every agent it decides.
    await api('PUT', '/api/v1/configs/prod', oneFileConfig('level: error'));
    await eventually(() => latest(b.agent) === 'level: error');
    expect(latest(a.agent)).toBe('level: debug');
  });

  it('leaves agents that a plugin configures to that plugin', async () => {
    const { id } = await wsAgent('special');
    await api('PUT', '/api/v1/configs/everyone', oneFileConfig('x: 1'));
    await api('PUT', '/api/v1/configs/everyone/assignments/all', { selector: {} });
    const view = await agentView(id);
    expect(view.remoteConfig).toEqual(expect.objectContaining({ source: 'plugin', config: null }));
  });
});
