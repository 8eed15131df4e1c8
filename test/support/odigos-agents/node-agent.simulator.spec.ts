import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { AgentToServer, RemoteConfigStatuses } from '../../../src/generated/opamp/v1/opamp.js';
import { type AnyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { FakeOdiglet } from './fake-odiglet.js';
import { OdigosNodeAgentSimulator, type OdigosNodeAgentOptions } from './node-agent.simulator.js';
import { headerLine } from './raw-http.js';

/** AnyValue → plain JS for readable expectations. */
const plain = (value: AnyValue | undefined): unknown => {
  const v = value?.value;
  if (!v) return undefined;
  if (v.$case === 'arrayValue') return v.value.values.map(plain);
  if (v.$case === 'intValue') return Number(v.value);
  if (v.$case === 'kvlistValue' || v.$case === 'bytesValue') return v.value;
  return v.value;
};
const attributes = (message: AgentToServer): Array<[string, unknown]> =>
  (message.agentDescription?.identifyingAttributes ?? []).map((kv) => [kv.key, plain(kv.value)]);

describe('OdigosNodeAgentSimulator', () => {
  let odiglet: FakeOdiglet;
  const agents: OdigosNodeAgentSimulator[] = [];
  const agent = (options: Partial<OdigosNodeAgentOptions> = {}): OdigosNodeAgentSimulator => {
    const sim = new OdigosNodeAgentSimulator({
      target: odiglet.serverHost,
      namespace: 'shop',
      podName: 'frontend-7d9f-abcde',
      containerName: 'app',
      serviceName: 'frontend',
      vpid: 42,
      pollingIntervalMs: 60_000,
      firstMessageRetryDelayMs: 2,
      ...options,
    });
    agents.push(sim);
    return sim;
  };

  beforeEach(async () => {
    odiglet = await FakeOdiglet.start();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop('kill')));
    await odiglet.close();
  });

  it('sends the full state first, with the raw " application/x-protobuf" header', async () => {
    const sim = agent({ resourceAttributes: { 'odigos.workload.kind': 'Deployment' } });
    await sim.start();

    const [first] = odiglet.requests;
    expect(first).toBeDefined();
    // node:http keeps the leading space: two spaces follow the colon on the wire.
    expect(headerLine(first!.headers, 'content-type')?.line).toBe('Content-Type:  application/x-protobuf');
    expect(first!.headers.map((h) => h.name)).toEqual([
      'Accept',
      'Content-Type',
      'User-Agent',
      'Content-Length',
      'Accept-Encoding',
      'Host',
      'Connection',
    ]);
    expect(headerLine(first!.headers, 'connection')?.rawValue).toBe(' keep-alive');
    expect(first!.method).toBe('POST');
    expect(first!.path).toBe('/v1/opamp');

    const message = first!.message!;
    expect(message.instanceUid).toHaveLength(36);
    expect(message.instanceUid.toString('utf8')).toBe(sim.instanceUid);
    expect(message.sequenceNum).toBe(0n);
    expect(message.capabilities).toBe(0n);
    expect(message.remoteConfigStatus).toBeUndefined();
    expect(message.agentDisconnect).toBeUndefined();
    expect(message.packageStatuses).toEqual({
      packages: {},
      serverProvidedAllPackagesHash: Buffer.alloc(0),
      errorMessage: '',
    });
    expect(message.agentDescription?.nonIdentifyingAttributes).toEqual([]);
    expect(message.health).toMatchObject({
      healthy: false,
      status: 'Starting',
      lastError: 'Node.js OpenTelemetry agent is starting',
    });
    expect(attributes(message)).toEqual([
      ['host.name', 'odigos-node-agent-sim'],
      ['host.arch', 'amd64'],
      ['process.executable.name', 'node'],
      ['process.executable.path', '/usr/local/bin/node'],
      ['process.command_args', ['/usr/local/bin/node', '/app/index.js']],
      ['process.runtime.version', '20.19.0'],
      ['process.runtime.name', 'nodejs'],
      ['process.runtime.description', 'Node.js'],
      ['process.command', '/app/index.js'],
      ['process.owner', 'node'],
      ['process.vpid', 42],
      ['k8s.namespace.name', 'shop'],
      ['k8s.pod.name', 'frontend-7d9f-abcde'],
      ['k8s.container.name', 'app'],
      ['odigos.workload.kind', 'Deployment'],
      ['service.name', 'frontend'],
      ['telemetry.distro.name', 'nodejs-community'],
      ['telemetry.distro.version', 'development'],
      ['service.instance.id', sim.instanceUid],
      ['telemetry.sdk.language', 'nodejs'],
    ]);
    const vpid = message.agentDescription!.identifyingAttributes.find((kv) => kv.key === 'process.vpid');
    expect(vpid?.value?.value?.$case).toBe('intValue');
    expect(attributes(message).some(([key]) => key === 'process.pid')).toBe(false);
  });

  it('applies container_config, then reports Healthy once without a config status yet', async () => {
    odiglet.setContainerConfig({
      containerName: 'app',
      agentEnabled: true,
      traces: { idGenerator: 'random' },
    });
    const sim = agent();
    await sim.start();

    expect(sim.state).toBe('running');
    expect(sim.containerConfig).toEqual({
      containerName: 'app',
      agentEnabled: true,
      traces: { idGenerator: 'random' },
    });
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'healthy']);
    const healthy = sim.sentFor('healthy')[0]!;
    expect(healthy).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 1n,
        health: { healthy: true, status: 'Healthy' },
      }),
    );
    expect(sim.remoteConfigStatus).toMatchObject({
      lastRemoteConfigHash: odiglet.configHash,
      status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
    });
    expect(sim.responses[0]?.status).toBe(200);
    expect(sim.responses[0]?.message?.remoteConfig?.configHash).toEqual(odiglet.configHash);
    // Keep-alive: both requests on one connection.
    expect(new Set(odiglet.requests.map((r) => r.connectionId)).size).toBe(1);
  });

  it('heartbeats with only uid, seq and remote_config_status; applies a changed config', async () => {
    const sim = agent();
    await sim.start();
    await sim.heartbeatNow();
    expect(sim.sentFor('heartbeat')[0]).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 2n,
        remoteConfigStatus: {
          lastRemoteConfigHash: odiglet.configHash,
          status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
        },
      }),
    );
    expect(sim.responses[2]?.message?.remoteConfig).toBeUndefined();

    odiglet.setContainerConfig({ containerName: 'app', agentEnabled: true, metrics: {} });
    const reply = await sim.heartbeatNow();
    expect(reply?.remoteConfig?.configHash).toEqual(odiglet.configHash);
    expect(sim.containerConfig).toEqual({ containerName: 'app', agentEnabled: true, metrics: {} });
    await sim.heartbeatNow();
    expect(sim.sentFor('heartbeat')[2]?.remoteConfigStatus?.lastRemoteConfigHash).toEqual(odiglet.configHash);
    // Healthy is sent only once.
    expect(sim.sentFor('healthy')).toHaveLength(1);
  });

  it('heartbeats on its own every pollingIntervalMs', async () => {
    const sim = agent({ pollingIntervalMs: 5 });
    await sim.start();
    const deadline = Date.now() + 1000;
    while (sim.sentFor('heartbeat').length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(sim.sentFor('heartbeat').length).toBeGreaterThanOrEqual(2);
    await sim.stop('kill');
    const count = odiglet.requests.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(odiglet.requests.length).toBe(count);
  });

  it('retries the first message while replies lack remote_config or fail', async () => {
    let firsts = 0;
    odiglet.interceptor = (request) => {
      if (!request.message?.agentDescription) return undefined;
      firsts++;
      if (firsts === 1) return { message: {} };
      if (firsts === 2) return { status: 500 };
      return undefined;
    };
    const sim = agent();
    await sim.start();
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'first', 'first', 'healthy']);
    expect(sim.sentFor('first').map((m) => m.sequenceNum)).toEqual([0n, 1n, 2n]);
    expect(sim.usedFallbackConfig).toBe(false);
  });

  it('falls back to {traces:{}} after 5 failed attempts and heartbeats without a config status', async () => {
    odiglet.interceptor = () => ({ message: {} });
    const sim = agent();
    await sim.start();
    expect(sim.sentFor('first')).toHaveLength(5);
    expect(sim.usedFallbackConfig).toBe(true);
    expect(sim.containerConfig).toEqual({ traces: {} });
    expect(sim.sentFor('healthy')[0]?.remoteConfigStatus).toBeUndefined();
    await sim.heartbeatNow();
    expect(sim.sentFor('heartbeat')[0]).toEqual(
      AgentToServer.fromPartial({ instanceUid: sim.instanceUidBytes, sequenceNum: 6n }),
    );
  });

  it('reports FAILED and stays Starting when container_config is missing', async () => {
    odiglet.setContainerConfig(null);
    const sim = agent();
    await sim.start();
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first']);
    expect(sim.containerConfig).toBeUndefined();
    expect(sim.remoteConfigStatus).toEqual({
      lastRemoteConfigHash: odiglet.configHash,
      status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
      errorMessage: 'failed to apply the new remote config',
    });
    await sim.heartbeatNow();
    expect(sim.sentFor('heartbeat')[0]?.remoteConfigStatus?.status).toBe(
      RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
    );
  });

  it('resends description, packages and last health on ReportFullState', async () => {
    const sim = agent();
    await sim.start();
    odiglet.forgetAgents();
    const reply = await sim.heartbeatNow();
    expect(reply?.flags).toBe(1n);
    const [fullState] = sim.sentFor('fullState');
    expect(fullState?.agentDescription?.identifyingAttributes).toEqual(
      sim.sent[0]?.agentDescription?.identifyingAttributes,
    );
    expect(fullState?.packageStatuses).toBeDefined();
    expect(fullState?.health).toMatchObject({ healthy: true, status: 'Healthy', lastError: '' });
    expect(fullState?.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
    expect(odiglet.knows(sim.instanceUid)).toBe(true);
  });

  it.each([
    ['SIGTERM', 'runtime received SIGTERM'],
    ['SIGINT', 'runtime received SIGINT'],
    ['exit', 'node.js runtime is exiting'],
  ] as const)('on %s sends agent_disconnect + ProcessTerminated', async (reason, text) => {
    const sim = agent();
    await sim.start();
    await sim.stop(reason);
    expect(sim.state).toBe('stopped');
    const [disconnect] = sim.sentFor('disconnect');
    expect(disconnect).toEqual(
      AgentToServer.fromPartial({
        instanceUid: sim.instanceUidBytes,
        sequenceNum: 2n,
        agentDisconnect: {},
        health: { healthy: false, status: 'ProcessTerminated', lastError: text },
        remoteConfigStatus: sim.remoteConfigStatus,
      }),
    );
    expect(odiglet.knows(sim.instanceUid)).toBe(false);
  });

  it('stop() during the retry pause abandons startup and sends nothing, like shutdown() before heartbeats', async () => {
    odiglet.interceptor = () => ({ message: {} });
    const sim = agent({ firstMessageRetryDelayMs: 60_000 });
    const started = sim.start();
    while (odiglet.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
    await sim.stop('SIGTERM');
    await started;
    expect(sim.state).toBe('stopped');
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first']);
    expect(sim.usedFallbackConfig).toBe(false);
  });

  it('sends nothing on kill', async () => {
    const sim = agent();
    await sim.start();
    await sim.stop('kill');
    expect(sim.sentFor('disconnect')).toHaveLength(0);
  });

  it('unhealthy start: full state + disconnect + health, then stops (and still reports Healthy)', async () => {
    const sim = agent();
    await sim.start({
      unhealthy: { status: 'UnsupportedRuntimeVersion', errorMessage: 'Node.js 14 is not supported' },
    });
    expect(sim.state).toBe('stopped');
    const first = sim.sent[0]!;
    expect(first.agentDisconnect).toEqual({});
    expect(first.agentDescription).toBeDefined();
    expect(first.packageStatuses).toBeDefined();
    expect(first.health).toMatchObject({
      healthy: false,
      status: 'UnsupportedRuntimeVersion',
      lastError: 'Node.js 14 is not supported',
    });
    // The returned config is applied, which triggers setSdkHealthy(): a quirk of client-http.ts.
    expect(sim.exchanges.map((e) => e.purpose)).toEqual(['first', 'healthy']);
    expect(sim.responses[1]?.message?.flags).toBe(1n);
    await expect(sim.heartbeatNow()).rejects.toThrow('no heartbeats');
    await sim.stop('SIGTERM');
    expect(sim.sentFor('disconnect')).toHaveLength(0);
  });

  it('device-id mode: X-Odigos-DeviceId on every request, no k8s attributes, legacy SDK config', async () => {
    await odiglet.close();
    odiglet = await FakeOdiglet.start({
      extraSections: {
        SDK: {
          remoteResourceAttributes: [{ key: 'k8s.pod.name', value: 'frontend-7d9f-abcde' }],
          traceSignal: { enabled: true, defaultEnabledValue: true },
        },
      },
    });
    const sim = agent({ deviceId: 'odigos.io/generic-abc123', serviceName: undefined });
    await sim.start();
    await sim.heartbeatNow();
    await sim.stop('SIGTERM');

    expect(odiglet.requests).toHaveLength(4);
    for (const request of odiglet.requests) {
      expect(headerLine(request.headers, 'x-odigos-deviceid')?.line).toBe(
        'X-Odigos-DeviceId: odigos.io/generic-abc123',
      );
    }
    const keys = attributes(sim.sent[0]!).map(([key]) => key);
    expect(keys.filter((k) => k.startsWith('k8s.'))).toEqual([]);
    expect(attributes(sim.sent[0]!)).toContainEqual(['service.name', 'odigos.io/generic-abc123']);
    expect(sim.legacyConfig).toEqual({
      sdk: {
        remoteResourceAttributes: [{ key: 'k8s.pod.name', value: 'frontend-7d9f-abcde' }],
        traceSignal: { enabled: true, defaultEnabledValue: true },
      },
      instrumentationLibraries: [],
    });
    expect(sim.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_APPLIED);
  });

  it('device-id mode without an SDK section reports FAILED', async () => {
    const sim = agent({ deviceId: 'dev-1' });
    await sim.start();
    expect(sim.remoteConfigStatus?.status).toBe(RemoteConfigStatuses.RemoteConfigStatuses_FAILED);
    expect(sim.legacyConfig).toBeUndefined();
  });

  it('can talk over a Unix socket (not something the real Node agent does)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odigos-node-sim-'));
    const socketPath = join(dir, 'exchange.sock');
    const unixOdiglet = await FakeOdiglet.start({ socketPath });
    try {
      const sim = agent({ target: { socketPath } });
      await sim.start();
      expect(sim.state).toBe('running');
      expect(headerLine(unixOdiglet.requests[0]!.headers, 'host')?.rawValue).toBe(' localhost');
      await sim.stop();
    } finally {
      await unixOdiglet.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
