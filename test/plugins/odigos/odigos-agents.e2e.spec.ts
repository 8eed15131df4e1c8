import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { AgentPersistence } from '../../../src/modules/persistence/index.js';
import { eventually } from '../../support/eventually.js';
import { OdigosNodeAgentSimulator, OdigosPythonAgentSimulator } from '../../support/odigos-agents/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import {
  CONTAINER,
  containerConfig,
  DEVICE_ID,
  NAMESPACE,
  OdigosCluster,
  POD,
  POD_UID,
} from './odigos-cluster.js';

interface InstrumentationInstance {
  metadata: { name: string; labels: Record<string, string>; ownerReferences: Array<Record<string, unknown>> };
  spec: { containerName: string };
  status?: {
    healthy?: boolean;
    reason?: string;
    message?: string;
    identifyingAttributes?: Array<{ key: string; value: string }>;
    components?: Array<{
      name: string;
      type: string;
      healthy?: boolean;
      nonIdentifyingAttributes?: unknown[];
    }>;
  };
}

const FAST = { firstMessageRetryDelayMs: 5, autoHeartbeat: false, requestTimeoutMs: 4000 };

/** The Odigos compatibility contract (docs/odigos.md), replayed by simulators of the real agents. */
describe('odigos agents against opamp-nest', () => {
  let cluster: OdigosCluster;
  let server: TestServer;
  const socketDir = mkdtempSync(join(tmpdir(), 'opamp-odigos-'));
  const socketPath = join(socketDir, 'exchange.sock');
  const hostPort = () => new URL(server.opampUrl).host;
  const record = (vpid: number): InstrumentationInstance | undefined =>
    cluster.api.get('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE, `${POD}-${vpid}`) as
      InstrumentationInstance | undefined;
  const settled = () => server.app.get(AgentPersistence).flush(5000);

  const startServer = async (port = '0'): Promise<void> => {
    server = await startTestServer({
      env: {
        OPAMP_PORT: port,
        PLUGINS: 'odigos',
        PERSISTENCE: 'kubernetes',
        NODE_NAME: 'node-1',
        OPAMP_UNIX_SOCKET: socketPath,
        KUBELET_POD_RESOURCES_SOCKET: cluster.kubelet.socketPath,
      },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(cluster.api.kubeConfig()),
    });
  };

  beforeAll(async () => {
    cluster = await OdigosCluster.start();
  });
  afterEach(async () => {
    await server?.close();
    cluster.seedWorkload();
    for (const object of cluster.api.list('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE)) {
      cluster.api.remove(
        'odigos.io',
        'v1alpha1',
        'instrumentationinstances',
        NAMESPACE,
        object.metadata.name as string,
      );
    }
  });
  afterAll(async () => {
    await cluster.close();
    rmSync(socketDir, { recursive: true, force: true });
  });

  describe('the Node.js agent (HTTP over TCP)', () => {
    const node = (vpid: number) =>
      new OdigosNodeAgentSimulator({
        target: hostPort(),
        namespace: NAMESPACE,
        podName: POD,
        containerName: CONTAINER,
        vpid,
        ...FAST,
      });

    it('gets its container_config on the first message and reports Healthy (§6 points 1, 3, 4, 6, 9, 10)', async () => {
      await startServer();
      const agent = node(101);
      await agent.start();
      expect(agent.instanceUidBytes).toHaveLength(36);
      expect(agent.usedFallbackConfig).toBe(false);
      expect(agent.containerConfig).toEqual(containerConfig());
      const first = agent.responses[0]!;
      expect(first.status).toBe(200);
      expect(Buffer.from(first.message!.instanceUid)).toEqual(agent.instanceUidBytes);
      expect(Object.keys(first.message!.remoteConfig!.config!.configMap).sort()).toEqual([
        'InstrumentationLibraries',
        'container_config',
      ]);
      await agent.stop('kill');
    });

    it('writes its InstrumentationInstance exactly as odiglet does (§6 point 15)', async () => {
      await startServer();
      const agent = node(102);
      await agent.start();
      await agent.idle();
      await settled();
      const object = record(102)!;
      expect(object.metadata.labels).toEqual(
        expect.objectContaining({ 'instrumented-app': 'deployment-frontend', ownerPodName: POD }),
      );
      expect(object.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'v1',
          kind: 'Pod',
          name: POD,
          uid: POD_UID,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      expect(object.spec).toEqual({ containerName: CONTAINER });
      expect(object.status).toEqual(expect.objectContaining({ healthy: true, reason: 'Healthy' }));
      expect(object.status!.identifyingAttributes).toEqual(
        expect.arrayContaining([
          { key: 'process.vpid', value: '102' },
          { key: 'telemetry.sdk.language', value: 'nodejs' },
        ]),
      );
      await agent.stop('kill');
    });

    it('causes no write when it only heartbeats (§1.5)', async () => {
      await startServer();
      const agent = node(103);
      await agent.start();
      await agent.idle();
      await settled();
      cluster.api.requests.clear();
      for (let i = 0; i < 5; i++) expect((await agent.heartbeatNow())?.remoteConfig).toBeUndefined();
      await settled();
      expect(cluster.api.requests.filter((r) => r.method !== 'GET')).toEqual([]);
      await agent.stop('kill');
    });

    it('keeps an unhealthy record after SIGTERM, as odiglet does for ProcessTerminated (§6 point 16)', async () => {
      await startServer();
      const agent = node(104);
      await agent.start();
      await agent.heartbeatNow();
      await agent.stop('SIGTERM');
      await settled();
      expect(record(104)?.status).toEqual(
        expect.objectContaining({
          healthy: false,
          reason: 'ProcessTerminated',
          message: 'runtime received SIGTERM',
        }),
      );
      expect(server.registry.size).toBe(0);
    });

    it('resends its full state when a restarted server asks for it, and keeps its record (§6 point 8)', async () => {
      await startServer();
      const agent = node(105);
      await agent.start();
      await agent.idle();
      await settled();
      const port = new URL(server.opampUrl).port;
      await server.close();
      await startServer(port);
      const reply = await agent.heartbeatNow();
      expect(reply?.flags).toBe(1n);
      await agent.idle();
      const session = [...server.registry.list()].find(
        (s) => s.identity?.attributes?.['process.pid'] === 105,
      );
      expect(session?.status.description).toBeDefined();
      await settled();
      expect(record(105)?.status?.healthy).toBeDefined();
      await agent.stop('kill');
    });

    it('receives a changed InstrumentationConfig on its next heartbeat (§6 points 12, 13)', async () => {
      await startServer();
      const agent = node(106);
      await agent.start();
      await agent.idle();
      cluster.setInstrumentationConfig([containerConfig({ logs: {} })]);
      await eventually(() => server.registry.list().length > 0);
      let applied = false;
      for (let i = 0; i < 50 && !applied; i++) {
        const reply = await agent.heartbeatNow();
        applied = reply?.remoteConfig !== undefined;
        if (!applied) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(agent.containerConfig).toEqual(containerConfig({ logs: {} }));
      await agent.stop('kill');
    });

    it('gets the SDK section with its resource attributes when it sends X-Odigos-DeviceId (the seeds)', async () => {
      await startServer();
      const agent = new OdigosNodeAgentSimulator({
        target: hostPort(),
        deviceId: DEVICE_ID,
        vpid: 107,
        ...FAST,
      });
      await agent.start();
      expect(agent.legacyConfig).toBeDefined();
      const sdk = agent.responses[0]!.message!.remoteConfig!.config!.configMap.SDK!;
      expect(JSON.parse(sdk.body.toString()).remoteResourceAttributes).toEqual(
        expect.arrayContaining([{ key: 'k8s.deployment.name', value: 'frontend' }]),
      );
      await agent.stop('kill');
    });
  });

  describe('the Python agent (HTTP over the Unix socket)', () => {
    const python = (vpid: number) =>
      new OdigosPythonAgentSimulator({
        unixSocket: socketPath,
        namespace: NAMESPACE,
        podName: POD,
        containerName: CONTAINER,
        vpid,
        ...FAST,
      });

    it('starts, reports its libraries as components, and its record is deleted on a clean exit (§6 points 2, 15, 16)', async () => {
      await startServer();
      const agent = python(201);
      await agent.start();
      expect(agent.state).toBe('running');
      expect(agent.containerConfig).toEqual(containerConfig());
      await agent.idle();
      await settled();
      const components = record(201)?.status?.components ?? [];
      expect(components.map((c) => c.name)).toEqual(expect.arrayContaining(['flask', 'urllib']));
      expect(components[0]).toEqual(expect.objectContaining({ type: 'instrumentation', healthy: true }));
      await agent.stop('clean');
      await settled();
      expect(record(201)).toBeUndefined();
    });

    it('keeps an unhealthy record when it crashes (§6 point 16)', async () => {
      await startServer();
      const agent = python(202);
      await agent.start();
      await agent.stop({ exitCode: 3 });
      await settled();
      expect(record(202)?.status).toEqual(
        expect.objectContaining({ healthy: false, reason: 'AgentFailure' }),
      );
    });

    it('records an unsupported runtime from a first message that is also its last (§1.7)', async () => {
      await startServer();
      const agent = new OdigosPythonAgentSimulator({
        unixSocket: socketPath,
        namespace: NAMESPACE,
        podName: POD,
        containerName: CONTAINER,
        vpid: 203,
        instrumentedLibraries: {},
        ...FAST,
      });
      await agent.start('unsupportedRuntime');
      await settled();
      expect(record(203)?.status).toEqual(
        expect.objectContaining({ healthy: false, reason: 'UnsupportedRuntimeVersion' }),
      );
      expect(server.registry.size).toBe(0);
    });

    it('is forgotten after 75 s of silence, and its record deleted (§6 points 14, 16)', async () => {
      await startServer();
      const agent = python(204);
      await agent.start();
      await agent.idle();
      await settled();
      const session = server.registry.list()[0]!;
      server.server.disconnect(session, 'stale');
      await settled();
      expect(record(204)).toBeUndefined();
      await agent.stop('kill');
    });
  });
});
