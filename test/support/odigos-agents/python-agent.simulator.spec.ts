import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import { FakeOdiglet } from './fake-odiglet.js';
import {
  OdigosPythonAgentSimulator,
  type OdigosPythonAgentOptions,
  type OdigosPythonExit,
} from './python-agent.simulator.js';
import { headerLine } from './raw-http.js';

describe('OdigosPythonAgentSimulator', () => {
  let odiglet: FakeOdiglet;
  const agents: OdigosPythonAgentSimulator[] = [];
  const agent = (options: Partial<OdigosPythonAgentOptions> = {}): OdigosPythonAgentSimulator => {
    const sim = new OdigosPythonAgentSimulator({
      serverHost: odiglet.serverHost,
      namespace: 'shop',
      containerName: 'api',
      podName: 'api-5c6d-xyz12',
      vpid: 7,
      heartbeatIntervalMs: 60_000,
      firstMessageRetryDelayMs: 2,
      ...options,
    });
    agents.push(sim);
    return sim;
  };
  const startingHealth = {
    healthy: false,
    status: 'Starting',
    lastError: 'Connecting to Odigos configuration server',
  };

  beforeEach(async () => {
    odiglet = await FakeOdiglet.start();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop('clean')));
    await odiglet.close();
  });

  it('first message: description + Starting + an empty remote_config_status, plain headers', async () => {
    const sim = agent();
    await sim.start();

    const first = odiglet.requests[0]!;
    expect(first.headers.map((h) => h.line)).toEqual([
      `Host: ${odiglet.serverHost}`,
      'Accept-Encoding: identity',
      `Content-Length: ${first.body.length}`,
      'Content-Type: application/x-protobuf',
    ]);
    expect(first.message).toEqual(
      AgentToServer.fromPartial({
        instanceUid: Buffer.from(sim.instanceUid),
        sequenceNum: 0n,
        agentDescription: {
          identifyingAttributes: [
            {
              key: 'service.instance.id',
              value: { value: { $case: 'stringValue', value: sim.instanceUid } },
            },
            { key: 'process.vpid', value: { value: { $case: 'intValue', value: 7n } } },
            { key: 'telemetry.sdk.language', value: { value: { $case: 'stringValue', value: 'python' } } },
            { key: 'k8s.namespace.name', value: { value: { $case: 'stringValue', value: 'shop' } } },
            { key: 'k8s.container.name', value: { value: { $case: 'stringValue', value: 'api' } } },
            { key: 'k8s.pod.name', value: { value: { $case: 'stringValue', value: 'api-5c6d-xyz12' } } },
          ],
          nonIdentifyingAttributes: [],
        },
        health: startingHealth,
        remoteConfigStatus: {},
      }),
    );
    expect(first.message!.instanceUid).toHaveLength(36);
    expect(first.message!.remoteConfigStatus).toBeDefined();
    expect(first.message!.capabilities).toBe(0n);
  });

  it('startup: first, Healthy, an immediate heartbeat, the libraries report — each on a new connection', async () => {
    const sim = agent({
      instrumentedLibraries: { urllib: { is_standard_lib: true }, flask: { is_standard_lib: false } },
    });
    await sim.start();

    expect(sim.state).toBe('running');
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'healthy', 'heartbeat', 'libraries']);
    expect(new Set(odiglet.requests.map((r) => r.connectionId)).size).toBe(4);
    expect(sim.containerConfig).toEqual({ containerName: 'app', agentEnabled: true, traces: {} });
    const hashOnly = { lastRemoteConfigHash: odiglet.configHash };
    const [, healthy, heartbeat, libraries] = sim.sent;
    expect(healthy).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 1n,
        health: { healthy: true, status: 'Healthy' },
        remoteConfigStatus: hashOnly,
      }),
    );
    expect(heartbeat).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 2n,
        remoteConfigStatus: hashOnly,
      }),
    );
    expect(heartbeat!.remoteConfigStatus?.status).toBe(0);
    expect(libraries?.health).toMatchObject({
      healthy: true,
      status: 'instrumentation libraries report',
      componentHealthMap: {
        urllib: { healthy: true, status: '{"is_standard_lib": true}' },
        flask: { healthy: true, status: '{"is_standard_lib": false}' },
      },
    });
  });

  it('heartbeatNow sends only uid, seq and the hash; a changed config is picked up', async () => {
    const sim = agent({ autoHeartbeat: false, instrumentedLibraries: {} });
    await sim.start();
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'healthy']);
    odiglet.setContainerConfig({ containerName: 'api', agentEnabled: true, traces: { headSampling: {} } });
    const reply = await sim.heartbeatNow();
    expect(reply.remoteConfig?.configHash).toEqual(odiglet.configHash);
    expect(sim.containerConfig).toEqual({
      containerName: 'api',
      agentEnabled: true,
      traces: { headSampling: {} },
    });
    await sim.heartbeatNow();
    expect(sim.sentFor('heartbeat')[1]).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 3n,
        remoteConfigStatus: { lastRemoteConfigHash: odiglet.configHash },
      }),
    );
  });

  it('loops heartbeats every heartbeatIntervalMs and stops them on stop()', async () => {
    const sim = agent({ heartbeatIntervalMs: 5, instrumentedLibraries: {} });
    await sim.start();
    const deadline = Date.now() + 1000;
    while (sim.sentFor('heartbeat').length < 3 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(sim.sentFor('heartbeat').length).toBeGreaterThanOrEqual(3);
    await sim.stop('clean');
    const count = odiglet.requests.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(odiglet.requests.length).toBe(count);
  });

  it('retries once when the first reply is an error, then succeeds', async () => {
    let firsts = 0;
    odiglet.interceptor = (request) =>
      request.message?.agentDescription && ++firsts === 1 ? { status: 500 } : undefined;
    const sim = agent({ instrumentedLibraries: {} });
    await sim.start();
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'first', 'healthy', 'heartbeat']);
    expect(sim.responses[0]?.status).toBe(500);
    expect(sim.state).toBe('running');
  });

  it('after 2 failed attempts reports NoConnectionToOpAMPServer and runs without heartbeats', async () => {
    odiglet.interceptor = (request) => (request.message?.agentDisconnect ? undefined : { message: {} });
    const sim = agent();
    await sim.start();
    expect(sim.state).toBe('offline');
    expect(sim.connectionError).toBe(true);
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'first', 'noConnection']);
    expect(sim.sentFor('noConnection')[0]).toMatchObject({
      sequenceNum: 2n,
      agentDescription: sim.sent[0]!.agentDescription,
      health: {
        healthy: false,
        status: 'NoConnectionToOpAMPServer',
        lastError: 'Failed to connect to Odigos configuration server - dynamic configuration unavailable',
      },
      remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(0), status: 0, errorMessage: '' },
    });
    await expect(sim.heartbeatNow()).rejects.toThrow('no heartbeats');
    expect(await sim.reportInstrumentedLibraries({ flask: { is_standard_lib: false } })).toBeUndefined();
    await sim.stop('clean');
    expect(sim.sentFor('disconnect')[0]?.remoteConfigStatus).toBeUndefined();
  });

  it('stop() during the retry pause skips the remaining attempt, then sends the exit disconnect', async () => {
    odiglet.interceptor = (request) => (request.message?.agentDisconnect ? undefined : { message: {} });
    const sim = agent({ firstMessageRetryDelayMs: 60_000 });
    const started = sim.start();
    while (odiglet.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    await sim.stop('crash');
    await started;
    expect(sim.state).toBe('stopped');
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'disconnect']);
  });

  it('answers ReportFullState with description + Healthy', async () => {
    const sim = agent({ autoHeartbeat: false, instrumentedLibraries: {} });
    await sim.start();
    odiglet.forgetAgents();
    const reply = await sim.heartbeatNow();
    expect(reply.flags).toBe(1n);
    const [fullState] = sim.sentFor('fullState');
    expect(fullState).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 3n,
        agentDescription: sim.sent[0]!.agentDescription,
        health: { healthy: true, status: 'Healthy' },
        remoteConfigStatus: { lastRemoteConfigHash: odiglet.configHash },
      }),
    );
    expect(odiglet.knows(sim.instanceUid)).toBe(true);
  });

  it.each<[OdigosPythonExit, { healthy: boolean; status: string; lastError: string }]>([
    ['clean', { healthy: true, status: 'AgentFailure', lastError: 'Program finished' }],
    ['crash', { healthy: false, status: 'AgentFailure', lastError: 'Program exit with code: 1' }],
    [
      { exitCode: 3, exception: 'boom' },
      { healthy: false, status: 'AgentFailure', lastError: 'Program exit with code: 3 and exception: boom' },
    ],
    [
      { exception: 'boom' },
      { healthy: false, status: 'AgentFailure', lastError: 'Program exit with exception: boom' },
    ],
    [{ initFailure: 'no module' }, { healthy: false, status: 'AgentFailure', lastError: 'no module' }],
    ['terminated', { healthy: false, status: 'ProcessTerminated', lastError: 'Python runtime is exiting' }],
  ])('exit %j sends agent_disconnect + %j', async (exit, expected) => {
    const sim = agent({ autoHeartbeat: false, instrumentedLibraries: {} });
    await sim.start();
    await sim.stop(exit);
    expect(sim.state).toBe('stopped');
    expect(sim.sentFor('disconnect')).toEqual([
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 2n,
        agentDisconnect: {},
        health: expected,
        remoteConfigStatus: { lastRemoteConfigHash: odiglet.configHash },
      }),
    ]);
    expect(odiglet.knows(sim.instanceUid)).toBe(false);
  });

  it('unsupported runtime: description + disconnect + UnsupportedRuntimeVersion, then only the libraries report', async () => {
    const sim = agent({
      pythonVersion: '3.7.9',
      instrumentedLibraries: { flask: { is_standard_lib: false } },
    });
    await sim.start('unsupportedRuntime');
    expect(sim.state).toBe('unsupported');
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['unsupportedRuntime', 'libraries']);
    expect(sim.sent[0]).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 0n,
        agentDescription: sim.sent[0]!.agentDescription,
        agentDisconnect: {},
        health: {
          healthy: false,
          status: 'UnsupportedRuntimeVersion',
          lastError: 'Opentelemetry SDK require Python in version 3.8 or higher [3.7.9 is not supported]',
        },
      }),
    );
    expect(sim.sent[0]!.agentDescription?.identifyingAttributes).toHaveLength(6);
    await sim.stop('clean');
    expect(sim.sentFor('disconnect')).toHaveLength(0);
  });

  it('prefers the Unix socket over the host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odigos-py-sim-'));
    const socketPath = join(dir, 'exchange.sock');
    const unixOdiglet = await FakeOdiglet.start({ socketPath });
    try {
      const sim = agent({ unixSocket: socketPath, serverHost: '127.0.0.1:1', instrumentedLibraries: {} });
      await sim.start();
      expect(sim.state).toBe('running');
      expect(unixOdiglet.requests).toHaveLength(3);
      expect(odiglet.requests).toHaveLength(0);
      expect(headerLine(unixOdiglet.requests[0]!.headers, 'host')?.line).toBe('Host: localhost');
      await sim.stop('clean');
      expect(unixOdiglet.requests.at(-1)?.message?.agentDisconnect).toEqual({});
    } finally {
      await unixOdiglet.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends nothing without ODIGOS_OPAMP_SERVER_HOST or ODIGOS_OPAMP_UNIX_SOCKET', async () => {
    const sim = agent({ serverHost: undefined });
    await sim.start();
    await sim.stop('clean');
    expect(sim.state).toBe('stopped');
    expect(sim.sent).toHaveLength(0);
  });
});
