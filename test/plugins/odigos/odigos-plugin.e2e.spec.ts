import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ServerErrorResponseType, ServerToAgentFlags } from '../../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { AgentPersistence } from '../../../src/modules/persistence/index.js';
import { postMessage, type HttpExchange } from '../../support/http-agent.js';
import { type StoredObject } from '../../support/fake-kube-apiserver/index.js';
import { attr } from '../../support/opamp-messages.js';
import { parsePrometheusText } from '../../support/prometheus-text.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { WsTestAgent } from '../../support/ws-agent.js';
import {
  CONTAINER,
  containerConfig,
  DEVICE_ID,
  NAMESPACE,
  OdigosCluster,
  POD,
  POD_UID,
} from './odigos-cluster.js';

const FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
const NODE_HEADERS = { 'content-type': ' application/x-protobuf' };
let nextUid = 0;
/** Odigos agents send the 36-byte text of a UUIDv7 (docs/odigos.md). */
const textUid = (): Buffer => Buffer.from(`0192a0e4-7c1e-7b3a-9a55-${String(++nextUid).padStart(12, '0')}`);
const intAttr = (key: string, value: number): KeyValue => ({
  key,
  value: { value: { $case: 'intValue', value: BigInt(value) } },
});

const odigosDescription = (extra: KeyValue[] = []) => ({
  identifyingAttributes: [
    attr('telemetry.sdk.language', 'nodejs'),
    attr('k8s.namespace.name', NAMESPACE),
    attr('k8s.pod.name', POD),
    attr('k8s.container.name', CONTAINER),
    intAttr('process.vpid', 42),
    ...extra,
  ],
  nonIdentifyingAttributes: [],
});

const configFiles = (exchange: HttpExchange): Record<string, string> =>
  Object.fromEntries(
    Object.entries(exchange.message?.remoteConfig?.config?.configMap ?? {}).map(([key, file]) => [
      key,
      file.body.toString(),
    ]),
  );

describe('odigos plugin', () => {
  let cluster: OdigosCluster;
  let server: TestServer | undefined;

  const instanceObject = (name: string): StoredObject | undefined =>
    cluster.api.get('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE, name);
  const instanceNames = (): string[] =>
    cluster.api
      .list('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE)
      .map((object) => object.metadata.name);

  const start = async (env: Record<string, string> = {}): Promise<TestServer> => {
    server = await startTestServer({
      env: {
        PLUGINS: 'odigos',
        NODE_NAME: 'node-1',
        KUBELET_POD_RESOURCES_SOCKET: cluster.kubelet.socketPath,
        ...env,
      },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(cluster.api.kubeConfig()),
    });
    return server;
  };

  beforeAll(async () => {
    cluster = await OdigosCluster.start();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const name of instanceNames()) {
      cluster.api.remove('odigos.io', 'v1alpha1', 'instrumentationinstances', NAMESPACE, name);
    }
    cluster.api.faults.reset();
    cluster.seedWorkload();
  });
  afterAll(() => cluster.close());

  describe('agents that report their Kubernetes attributes', () => {
    it('answers a first message without a description with ReportFullState only', async () => {
      const { opampUrl, registry } = await start();
      const uid = textUid();
      const exchange = await postMessage(opampUrl, { instanceUid: uid }, NODE_HEADERS);
      expect(exchange.status).toBe(200);
      expect(exchange.message!.flags & FULL_STATE).toBe(FULL_STATE);
      expect(exchange.message!.remoteConfig).toBeUndefined();
      expect(registry.get(uid)?.identity).toBeUndefined();
    });

    it('answers the first full report with container_config, InstrumentationLibraries and a hash', async () => {
      const { opampUrl, registry } = await start();
      const uid = textUid();
      const exchange = await postMessage(
        opampUrl,
        {
          instanceUid: uid,
          agentDescription: odigosDescription(),
          health: { healthy: false, status: 'Starting' },
        },
        NODE_HEADERS,
      );
      expect(exchange.status).toBe(200);
      expect(Buffer.from(exchange.message!.instanceUid)).toEqual(uid);
      const files = configFiles(exchange);
      expect(JSON.parse(files.container_config!)).toEqual(containerConfig());
      expect(files.InstrumentationLibraries).toBe('[]');
      expect(files.SDK).toBeUndefined();
      expect(exchange.message!.remoteConfig!.configHash.length).toBeGreaterThan(0);
      const identity = registry.get(uid)!.identity!;
      expect(identity.provider).toBe('odigos');
      expect(identity.key).toBe(`${NAMESPACE}/${POD}/${CONTAINER}`);
      expect(identity.labels).toEqual({
        'k8s.namespace.name': NAMESPACE,
        'k8s.pod.name': POD,
        'k8s.container.name': CONTAINER,
        'odigos.workload.kind': 'Deployment',
        'odigos.workload.name': 'frontend',
      });
      expect(identity.attributes).toEqual({
        'k8s.pod.uid': POD_UID,
        'process.pid': 42,
        'telemetry.sdk.language': 'nodejs',
      });
    });

    it('computes the resource attributes of the agent', async () => {
      const { opampUrl, registry } = await start();
      const uid = textUid();
      await postMessage(opampUrl, { instanceUid: uid, agentDescription: odigosDescription() }, NODE_HEADERS);
      const attributes = Object.fromEntries(
        (registry.get(uid)!.resourceAttributes ?? []).map((a) => [a.key, a.value?.value?.value]),
      );
      expect(attributes).toEqual(
        expect.objectContaining({
          'k8s.node.name': 'node-1',
          'k8s.namespace.name': NAMESPACE,
          'service.name': 'frontend-svc',
          'k8s.pod.name': POD,
          'k8s.container.name': CONTAINER,
          'k8s.deployment.name': 'frontend',
        }),
      );
    });

    it('resends the config only while the reported hash differs', async () => {
      const { opampUrl } = await start();
      const uid = textUid();
      const first = await postMessage(
        opampUrl,
        { instanceUid: uid, agentDescription: odigosDescription() },
        NODE_HEADERS,
      );
      const hash = first.message!.remoteConfig!.configHash;
      const applied = await postMessage(
        opampUrl,
        { instanceUid: uid, sequenceNum: 1n, remoteConfigStatus: { lastRemoteConfigHash: hash, status: 1 } },
        NODE_HEADERS,
      );
      expect(applied.message!.remoteConfig).toBeUndefined();
      const stale = await postMessage(
        opampUrl,
        {
          instanceUid: uid,
          sequenceNum: 2n,
          remoteConfigStatus: { lastRemoteConfigHash: Buffer.from('old'), status: 1 },
        },
        NODE_HEADERS,
      );
      expect(stale.message!.remoteConfig?.configHash).toEqual(hash);
    });

    it('serves a changed InstrumentationConfig on the next poll', async () => {
      const { opampUrl } = await start();
      const uid = textUid();
      const first = await postMessage(
        opampUrl,
        { instanceUid: uid, agentDescription: odigosDescription() },
        NODE_HEADERS,
      );
      const hash = first.message!.remoteConfig!.configHash;
      cluster.setInstrumentationConfig([containerConfig({ logs: {} })]);
      let next: HttpExchange | undefined;
      let seq = 0n;
      for (let i = 0; i < 100 && !next?.message?.remoteConfig; i++) {
        next = await postMessage(
          opampUrl,
          {
            instanceUid: uid,
            sequenceNum: ++seq,
            remoteConfigStatus: { lastRemoteConfigHash: hash, status: 1 },
          },
          NODE_HEADERS,
        );
        if (!next.message?.remoteConfig) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(next!.message!.remoteConfig!.configHash).not.toEqual(hash);
      expect(JSON.parse(configFiles(next!).container_config!)).toEqual(containerConfig({ logs: {} }));
    });

    it('refuses a description without the Kubernetes attributes with a clear 400', async () => {
      const { opampUrl } = await start();
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: textUid(), agentDescription: { identifyingAttributes: [attr('service.name', 'x')] } },
        NODE_HEADERS,
      );
      expect(exchange.status).toBe(400);
      expect(exchange.message!.errorResponse?.errorMessage).toMatch(
        /k8s.namespace.name.*process.vpid or process.pid/,
      );
    });

    it('refuses an agent whose pod does not exist with a 400 naming the pod', async () => {
      const { opampUrl } = await start();
      const exchange = await postMessage(
        opampUrl,
        {
          instanceUid: textUid(),
          agentDescription: {
            identifyingAttributes: [
              attr('k8s.namespace.name', NAMESPACE),
              attr('k8s.pod.name', 'ghost'),
              attr('k8s.container.name', CONTAINER),
              intAttr('process.pid', 7),
            ],
          },
        },
        NODE_HEADERS,
      );
      expect(exchange.status).toBe(400);
      expect(exchange.message!.errorResponse?.errorMessage).toMatch(/ghost/);
    });

    it('answers within the agents 5 s timeout with Unavailable when the Kubernetes API hangs', async () => {
      const { opampUrl } = await start();
      cluster.api.faults.setLatency(20_000);
      const started = Date.now();
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: textUid(), agentDescription: odigosDescription() },
        NODE_HEADERS,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      expect(exchange.status).toBe(503);
      expect(exchange.headers['retry-after']).toBeDefined();
      expect(exchange.message!.errorResponse?.type).toBe(
        ServerErrorResponseType.ServerErrorResponseType_Unavailable,
      );
    });

    it('offers a container missing from the InstrumentationConfig an explicit "not enabled" config', async () => {
      const { opampUrl } = await start();
      cluster.setInstrumentationConfig([containerConfig({ containerName: 'sidecar' })]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: textUid(), agentDescription: odigosDescription() },
        NODE_HEADERS,
      );
      expect(JSON.parse(configFiles(exchange).container_config!)).toEqual(
        expect.objectContaining({ containerName: CONTAINER, agentEnabled: false }),
      );
    });
  });

  describe('agents identified by their kubelet device id', () => {
    it('maps the device to its pod and answers the first message with config and resource attributes', async () => {
      const { opampUrl, registry } = await start({ ODIGOS_IDENTITY: 'device-id' });
      const uid = textUid();
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: uid },
        { ...NODE_HEADERS, 'x-odigos-deviceid': DEVICE_ID },
      );
      expect(exchange.status).toBe(200);
      const sdk = JSON.parse(configFiles(exchange).SDK!) as {
        remoteResourceAttributes: Array<{ key: string; value: string }>;
      };
      expect(sdk.remoteResourceAttributes).toEqual(
        expect.arrayContaining([
          { key: 'k8s.pod.name', value: POD },
          { key: 'k8s.deployment.name', value: 'frontend' },
          { key: 'service.name', value: 'frontend-svc' },
        ]),
      );
      const identity = registry.get(uid)!.identity!;
      expect(identity.labels).toMatchObject({ 'k8s.pod.name': POD, 'k8s.container.name': CONTAINER });
      expect(identity.attributes).toMatchObject({ 'odigos.device.id': DEVICE_ID, 'k8s.pod.uid': POD_UID });
      expect(identity.attributes).not.toHaveProperty('process.pid');
    });

    it('completes the identity with the process id once the agent describes itself', async () => {
      const { opampUrl, registry } = await start({ ODIGOS_IDENTITY: 'device-id' });
      const uid = textUid();
      const headers = { ...NODE_HEADERS, 'x-odigos-deviceid': DEVICE_ID };
      await postMessage(opampUrl, { instanceUid: uid }, headers);
      await postMessage(
        opampUrl,
        {
          instanceUid: uid,
          sequenceNum: 1n,
          agentDescription: { identifyingAttributes: [intAttr('process.pid', 9)] },
        },
        headers,
      );
      expect(registry.get(uid)!.identity!.attributes?.['process.pid']).toBe(9);
      expect(registry.get(uid)!.identity!.key).toBe(`${NAMESPACE}/${POD}/${CONTAINER}`);
    });

    it('persists a device-id agent that never reports a process id, and moves its record once it does', async () => {
      const { opampUrl, app } = await start({ ODIGOS_IDENTITY: 'device-id', PERSISTENCE: 'kubernetes' });
      const persistence = app.get(AgentPersistence);
      const headers = { ...NODE_HEADERS, 'x-odigos-deviceid': DEVICE_ID };
      const uid = textUid();
      await postMessage(
        opampUrl,
        { instanceUid: uid, health: { healthy: false, status: 'Starting', lastError: 'starting' } },
        headers,
      );
      await persistence.flush(5000);
      expect(instanceNames()).toEqual([`${POD}-${CONTAINER}`]);
      expect(instanceObject(`${POD}-${CONTAINER}`)).toMatchObject({
        metadata: { labels: { ownerPodName: POD, 'instrumented-app': 'deployment-frontend' } },
        spec: { containerName: CONTAINER },
        status: { healthy: false, reason: 'Starting', message: 'starting' },
      });

      await postMessage(
        opampUrl,
        {
          instanceUid: uid,
          sequenceNum: 1n,
          agentDescription: { identifyingAttributes: [intAttr('process.pid', 9)] },
        },
        headers,
      );
      await persistence.flush(5000);
      expect(instanceNames()).toEqual([`${POD}-9`]);
      expect(instanceObject(`${POD}-9`)).toMatchObject({
        spec: { containerName: CONTAINER },
        status: {
          healthy: false,
          reason: 'Starting',
          identifyingAttributes: [{ key: 'process.pid', value: '9' }],
        },
      });
      expect(persistence.stats().outcomes).toMatchObject({ created: 2, deleted: 1 });
    });

    it('refuses a request without the device id header with 401 and a reason', async () => {
      const { opampUrl } = await start({ ODIGOS_IDENTITY: 'device-id' });
      const exchange = await postMessage(opampUrl, { instanceUid: textUid() }, NODE_HEADERS);
      expect(exchange.status).toBe(401);
      expect(exchange.message!.errorResponse?.errorMessage).toMatch(/x-odigos-deviceid/i);
    });

    it('refuses an unknown device with a 400', async () => {
      const { opampUrl } = await start({ ODIGOS_IDENTITY: 'device-id' });
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: textUid() },
        { ...NODE_HEADERS, 'x-odigos-deviceid': 'nope' },
      );
      expect(exchange.status).toBe(400);
    });
  });

  describe('node locality: a server acts only for pods of its own node', () => {
    /** `opamp_*` samples of the health listener whose reason label is `not-local`. */
    const notLocalRefusals = async (healthUrl: string): Promise<number> => {
      const { samples } = parsePrometheusText(await (await fetch(`${healthUrl}/metrics`)).text());
      return samples
        .filter((sample) => sample.labels.reason === 'not-local')
        .reduce((sum, sample) => sum + sample.value, 0);
    };

    it('refuses an agent that names a pod of another node, says why, counts it and writes nothing', async () => {
      const { opampUrl, app, registry, healthUrl } = await start({
        NODE_NAME: 'node-2',
        PERSISTENCE: 'kubernetes',
      });
      const uid = textUid();
      const exchange = await postMessage(
        opampUrl,
        {
          instanceUid: uid,
          agentDescription: odigosDescription(),
          health: { healthy: true, status: 'Healthy' },
        },
        NODE_HEADERS,
      );
      expect(exchange.status).toBe(403);
      expect(exchange.message?.errorResponse?.type).toBe(
        ServerErrorResponseType.ServerErrorResponseType_BadRequest,
      );
      expect(exchange.message?.errorResponse?.errorMessage).toMatch(
        new RegExp(`pod ${NAMESPACE}/${POD} runs on node node-1, not on node-2`),
      );
      expect(registry.get(uid)).toBeUndefined();
      await app.get(AgentPersistence).flush(5000);
      expect(instanceNames()).toEqual([]);
      expect(await notLocalRefusals(healthUrl)).toBe(1);
    });

    it('refuses a device id whose pod the API places on another node, and writes nothing', async () => {
      const { opampUrl, app, healthUrl } = await start({
        NODE_NAME: 'node-2',
        ODIGOS_IDENTITY: 'device-id',
        PERSISTENCE: 'kubernetes',
      });
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: textUid(), health: { healthy: true, status: 'Healthy' } },
        { ...NODE_HEADERS, 'x-odigos-deviceid': DEVICE_ID },
      );
      expect(exchange.status).toBe(403);
      expect(exchange.message?.errorResponse?.errorMessage).toMatch(/runs on node node-1, not on node-2/);
      await app.get(AgentPersistence).flush(5000);
      expect(instanceNames()).toEqual([]);
      expect(await notLocalRefusals(healthUrl)).toBe(1);
    });

    it('outside a cluster (no NODE_NAME) places the pod wherever it runs, as before', async () => {
      const { opampUrl, registry } = await start({ NODE_NAME: '' });
      const uid = textUid();
      const exchange = await postMessage(
        opampUrl,
        { instanceUid: uid, agentDescription: odigosDescription() },
        NODE_HEADERS,
      );
      expect(exchange.status).toBe(200);
      expect(registry.get(uid)?.identity?.labels?.['k8s.pod.name']).toBe(POD);
    });
  });

  it('pushes a changed InstrumentationConfig to a WebSocket agent at once', async () => {
    const { wsUrl } = await start();
    const agent = await WsTestAgent.connect(wsUrl);
    try {
      const uid = textUid();
      const first = await agent.request({ instanceUid: uid, agentDescription: odigosDescription() });
      const hash = first.remoteConfig!.configHash;
      await agent.request({
        instanceUid: uid,
        sequenceNum: 1n,
        remoteConfigStatus: { lastRemoteConfigHash: hash, status: 1 },
      });
      const received = agent.received.length;
      cluster.setInstrumentationConfig([containerConfig({ metrics: {} })]);
      const pushed = await agent.nextMessage(received, 3000);
      expect(pushed.remoteConfig!.configHash).not.toEqual(hash);
    } finally {
      agent.close();
    }
  });
});
