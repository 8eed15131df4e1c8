import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { AgentCapabilities, RemoteConfigStatuses } from '../../src/generated/opamp/v1/opamp.js';
import { PERSISTENCE_STATS, type PersistenceStats } from '../../src/modules/metrics/index.js';
import { AgentPersistence } from '../../src/modules/persistence/index.js';
import { OpampPlugin } from '../../src/modules/plugins/index.js';
import { bitmask } from '../../src/modules/protocol/index.js';
import { type AuthorizeDecision, type ConnectionRequest } from '../../src/plugin-api/index.js';
import { eventually } from '../support/eventually.js';
import { adminCall, oneFileConfig } from '../support/admin-client.js';
import { postMessage, postRaw } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-text.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool, WsTestAgent } from '../support/ws-agent.js';

const ACCEPTS_CONFIG = bitmask(
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
);

describe('GET /metrics', () => {
  let server: TestServer;
  let persistence: { depth: number; writes: PersistenceStats['writes']; dropped: number };
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeEach(async () => {
    persistence = {
      depth: 0,
      writes: { upsert: { ok: 0, failed: 0 }, remove: { ok: 0, failed: 0 } },
      dropped: 0,
    };
    server = await startTestServer({
      customize: (builder) =>
        builder.overrideProvider(PERSISTENCE_STATS).useValue({ stats: () => persistence }),
    });
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  const scrape = async (): Promise<{
    samples: Sample[];
    types: Map<string, string>;
    contentType: string | null;
  }> => {
    const response = await fetch(`${server.healthUrl}/metrics`);
    expect(response.status).toBe(200);
    return {
      ...parsePrometheusText(await response.text()),
      contentType: response.headers.get('content-type'),
    };
  };

  it('serves every series in the Prometheus text format, and they move with traffic', async () => {
    const before = await scrape();
    expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(before.types.get('opamp_connected_agents')).toBe('gauge');
    expect(before.types.get('opamp_messages_total')).toBe('counter');
    expect(before.types.get('opamp_decode_errors_total')).toBe('counter');
    expect(before.types.get('opamp_message_duration_seconds')).toBe('histogram');
    expect(before.types.get('opamp_remote_config_agents')).toBe('gauge');
    expect(before.types.get('opamp_persistence_queue_depth')).toBe('gauge');
    expect(before.types.get('opamp_persistence_writes_total')).toBe('counter');
    expect(sampleValue(before.samples, 'opamp_connected_agents', { transport: 'websocket' })).toBe(0);
    expect(sampleValue(before.samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(before.samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);

    // Traffic: a WebSocket agent (first, heartbeat, status), an HTTP agent that leaves, bad messages.
    await adminCall(server.adminUrl, 'PUT', '/api/v1/configs/all', oneFileConfig('a: 1'));
    await adminCall(server.adminUrl, 'PUT', '/api/v1/configs/all/assignments/all', { selector: {} });
    const agent = await pool.connect();
    const uid = randomUid();
    const first = await agent.request({
      instanceUid: uid,
      capabilities: ACCEPTS_CONFIG,
      agentDescription: description('m'),
    });
    await agent.request({ instanceUid: uid, sequenceNum: 1n, capabilities: ACCEPTS_CONFIG });
    await agent.request({
      instanceUid: uid,
      sequenceNum: 2n,
      capabilities: ACCEPTS_CONFIG,
      remoteConfigStatus: {
        lastRemoteConfigHash: first.remoteConfig!.configHash,
        status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
        errorMessage: '',
      },
    });
    const pollerUid = randomUid();
    await postMessage(server.opampUrl, {
      instanceUid: pollerUid,
      capabilities: ACCEPTS_CONFIG,
      agentDescription: description('p'),
    });
    await postRaw(server.opampUrl, Buffer.from('not protobuf at all'));
    agent.sendRaw('a text message');
    await agent.nextMessage(3);
    persistence = {
      depth: 3,
      writes: { upsert: { ok: 5, failed: 2 }, remove: { ok: 1, failed: 0 } },
      dropped: 1,
    };

    const after = await scrape();
    const value = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after.samples, name, labels);
    expect(value('opamp_connected_agents', { transport: 'websocket' })).toBe(1);
    expect(value('opamp_connected_agents', { transport: 'http' })).toBe(1);
    expect(value('opamp_messages_total', { transport: 'websocket', kind: 'first' })).toBe(1);
    expect(value('opamp_messages_total', { transport: 'websocket', kind: 'heartbeat' })).toBe(1);
    expect(value('opamp_messages_total', { transport: 'websocket', kind: 'status' })).toBe(1);
    expect(value('opamp_messages_total', { transport: 'http', kind: 'first' })).toBe(1);
    expect(value('opamp_decode_errors_total', { transport: 'http', reason: 'malformed' })).toBe(1);
    expect(value('opamp_decode_errors_total', { transport: 'websocket', reason: 'non-binary-frame' })).toBe(
      1,
    );
    expect(value('opamp_message_duration_seconds_count', { transport: 'websocket', outcome: 'ok' })).toBe(3);
    expect(value('opamp_message_duration_seconds_count', { transport: 'http', outcome: 'refused' })).toBe(1);
    expect(
      value('opamp_message_duration_seconds_bucket', { transport: 'http', outcome: 'ok', le: '+Inf' }),
    ).toBe(1);
    expect(value('opamp_remote_config_agents', { state: 'applied' })).toBe(1);
    expect(value('opamp_remote_config_agents', { state: 'pending' })).toBe(1);
    expect(value('opamp_persistence_queue_depth')).toBe(3);
    expect(value('opamp_persistence_writes_total', { operation: 'upsert', result: 'failed' })).toBe(2);
    expect(value('opamp_persistence_writes_total', { operation: 'upsert', result: 'ok' })).toBe(5);
    expect(value('opamp_persistence_dropped_total')).toBe(1);

    await postMessage(server.opampUrl, { instanceUid: pollerUid, sequenceNum: 1n, agentDisconnect: {} });
    const last = await scrape();
    expect(sampleValue(last.samples, 'opamp_messages_total', { transport: 'http', kind: 'disconnect' })).toBe(
      1,
    );
    expect(sampleValue(last.samples, 'opamp_connected_agents', { transport: 'http' })).toBe(0);
  });
});

describe('persistence metrics without overrides', () => {
  it('come from the running PersistenceModule', async () => {
    const server = await startTestServer();
    try {
      const text = await (await fetch(`${server.healthUrl}/metrics`)).text();
      expect(text).toMatch(/^opamp_persistence_queue_depth 0$/m);
    } finally {
      await server.close();
    }
  });
});

/** Refuses connections that carry `x-deny`, as an authentication plugin would. */
@OpampPlugin({ name: 'gate' })
@Injectable()
class GatePlugin {
  authorize(request: ConnectionRequest): AuthorizeDecision | undefined {
    return request.headers['x-deny'] ? { accept: false, status: 403, reason: 'denied' } : undefined;
  }
}

describe('operator metrics on a real server', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeEach(async () => {
    server = await startTestServer({
      env: { MAX_CONNECTIONS: '1' },
      extras: { plugins: [GatePlugin] },
    });
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  const scrape = async (): Promise<Sample[]> => {
    const response = await fetch(`${server.healthUrl}/metrics`);
    expect(response.status).toBe(200);
    return parsePrometheusText(await response.text()).samples;
  };

  it('counts refusals apart from decode errors, connections opened and closed, and persistence writes in seconds', async () => {
    const before = await scrape();
    expect(sampleValue(before, 'opamp_build_info', { node_version: process.version })).toBe(1);
    expect(sampleValue(before, 'opamp_persistence_write_duration_seconds_count')).toBe(0);

    const agent = await pool.connect();
    const uid = randomUid();
    await agent.request({ instanceUid: uid, agentDescription: description('w') });
    // MAX_CONNECTIONS=1: a second WebSocket is refused at the upgrade; a plugin refuses one with x-deny.
    await expect(WsTestAgent.connect(server.wsUrl)).rejects.toThrow(/503/);
    const denied = await postMessage(
      server.opampUrl,
      { instanceUid: randomUid(), agentDescription: description('h') },
      { 'content-type': 'application/x-protobuf', 'x-deny': '1' },
    );
    expect(denied.status).toBe(403);
    agent.close();
    await agent.waitClosed();
    await eventually(() => server.registry.list().length === 0, 2_000, 'the session to end');
    await expect(WsTestAgent.connect(server.wsUrl, { 'x-deny': '1' })).rejects.toThrow(/403/);
    await eventually(() => server.app.get(AgentPersistence).stats().depth === 0, 2_000, 'writes done');

    const after = await scrape();
    const value = (name: string, labels: Record<string, string> = {}) => sampleValue(after, name, labels);
    expect(value('opamp_refusals_total', { transport: 'websocket', reason: 'too-many-connections' })).toBe(1);
    expect(value('opamp_refusals_total', { transport: 'websocket', reason: 'rejected' })).toBe(1);
    expect(value('opamp_refusals_total', { transport: 'http', reason: 'rejected' })).toBe(1);
    expect(after.filter((sample) => sample.name === 'opamp_decode_errors_total')).toEqual([]);
    expect(value('opamp_connections_opened_total', { transport: 'websocket' })).toBe(1);
    expect(
      value('opamp_connections_closed_total', { transport: 'websocket', reason: 'connection-closed' }),
    ).toBe(1);
    // The agent's record was written when it connected (and removed, or kept, when it left): real store calls.
    const writes = value('opamp_persistence_write_duration_seconds_count')!;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(value('opamp_persistence_write_duration_seconds_bucket', { le: '+Inf' })).toBe(writes);
    expect(value('opamp_persistence_write_duration_seconds_bucket', { le: '10' })).toBe(writes);
    expect(
      value('opamp_persistence_writes_total', { operation: 'upsert', result: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value('opamp_persistence_oldest_pending_seconds')).toBe(0);
    expect(value('opamp_persistence_retries_total')).toBe(0);
  });
});
