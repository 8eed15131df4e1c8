import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentCapabilities, CommandType } from '../../src/generated/opamp/v1/opamp.js';
import { bitmask, formatInstanceUid } from '../../src/modules/protocol/index.js';
import {
  adminCall,
  adminClient,
  adminOpenApiDocument,
  EventStream,
  oneFileConfig,
} from '../support/admin-client.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { freePort } from '../support/server-process.js';
import { type TestServer } from '../support/test-server.js';
import { WsAgentPool, type WsTestAgent } from '../support/ws-agent.js';
import {
  closeServer,
  HUB_NAMESPACE,
  HUB_TOKEN,
  NODE_SERVICE,
  nodePorts,
  seedNodeSlice,
  startFailingServer,
  startHub,
  startNodeServer,
  startOffContractServer,
  startSlowProxy,
  type TestHub,
} from '../modules/hub/support/hub-cluster.js';

const CAPABILITIES = bitmask(
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_AcceptsRestartCommand,
);
const NODES = ['node-a', 'node-b', 'node-c'];
const AGENTS_PER_NODE = [5, 4, 3];

interface ListedAgent {
  id: string;
  node: string;
}
type MissingNodes = Array<{ node: string; reason: string; detail: string }>;

interface AgentList {
  items: ListedAgent[];
  total: number;
  nextCursor: string | null;
  partial: boolean;
  missingNodes: Array<{ node: string; reason: string; detail: string }>;
}

describe('hub (MODE=hub) over several node servers', () => {
  let kube: FakeKubeApiServer;
  const nodes: TestServer[] = [];
  const pools: WsAgentPool[] = [];
  /** Agents by node name: their id and socket. */
  const agents = new Map<string, Array<{ id: string; socket: WsTestAgent }>>();
  let hub: TestHub;
  const call = <T>(method: string, path: string, body?: unknown) =>
    adminCall<T>(hub.url, method, path, body, HUB_TOKEN);

  beforeAll(async () => {
    kube = await FakeKubeApiServer.start();
    for (const [index, node] of NODES.entries()) {
      const server = await startNodeServer(kube);
      nodes.push(server);
      const pool = new WsAgentPool(() => server.wsUrl);
      pools.push(pool);
      const connected: Array<{ id: string; socket: WsTestAgent }> = [];
      for (let i = 0; i < AGENTS_PER_NODE[index]!; i++) {
        const uid = randomUid();
        const socket = await pool.connect();
        await socket.request({
          instanceUid: uid,
          capabilities: CAPABILITIES,
          agentDescription: description(`svc-${node}-${i}`, [attr('env', i % 2 === 0 ? 'prod' : 'dev')]),
        });
        connected.push({ id: formatInstanceUid(uid), socket });
      }
      agents.set(node, connected);
      seedNodeSlice(kube, node, nodePorts(server));
    }
    hub = await startHub(kube);
  });
  afterAll(async () => {
    await hub?.close();
    for (const pool of pools) pool.closeAll();
    for (const server of nodes) await server.close();
    await kube.close();
  });

  const everyAgent = (): ListedAgent[] =>
    [...agents.entries()]
      .flatMap(([node, list]) => list.map(({ id }) => ({ id, node })))
      .sort((a, b) => (a.id < b.id ? -1 : 1));

  async function listAll(
    query: string,
    limit: number,
  ): Promise<{ pages: AgentList[]; items: ListedAgent[] }> {
    const pages: AgentList[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${cursor}`;
      const page: { body: AgentList; status: number } = await call<AgentList>(
        'GET',
        `/api/v1/agents?limit=${limit}${query}${suffix}`,
      );
      expect(page.status).toBe(200);
      pages.push(page.body);
      cursor = page.body.nextCursor;
      expect(pages.length).toBeLessThan(50);
    } while (cursor !== null);
    return { pages, items: pages.flatMap((page) => page.items) };
  }

  it('pages through the agents of every node: each exactly once, in id order, with its node', async () => {
    const { pages, items } = await listAll('', 5);
    expect(items.map(({ id, node }) => ({ id, node }))).toEqual(everyAgent());
    expect(pages.map((page) => page.items.length)).toEqual([5, 5, 2]);
    for (const page of pages) {
      expect(page).toEqual(expect.objectContaining({ total: 12, partial: false, missingNodes: [] }));
    }
  });

  it('merges in the order asked for: by last seen, newest first, ties by id, across pages', async () => {
    const { items } = await listAll('&sort=lastSeen&order=desc', 4);
    expect(items.map(({ id }) => id).sort()).toEqual(everyAgent().map(({ id }) => id));
    const keys = (items as unknown as Array<{ id: string; lastSeen: string }>).map((item) => [
      Date.parse(item.lastSeen),
      item.id,
    ]);
    const sorted = [...keys].sort(([aSeen, aId], [bSeen, bId]) =>
      aSeen !== bSeen ? Number(bSeen) - Number(aSeen) : aId! < bId! ? -1 : 1,
    );
    expect(keys).toEqual(sorted);
  });

  it('passes the filters to every node', async () => {
    const { items } = await listAll('&attr.env=prod', 2);
    const prod = [...agents.entries()].flatMap(([node, list]) =>
      list.filter((_agent, i) => i % 2 === 0).map(({ id }) => ({ id, node })),
    );
    expect(items.map(({ id, node }) => ({ id, node }))).toEqual(prod.sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it('refuses a cursor it did not give out', async () => {
    const answer = await call<{ message: string }>('GET', '/api/v1/agents?cursor=bm90LWEtY3Vyc29y');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/cursor/);
  });

  it("fetches an agent's detail from the node that holds it, and 404s an agent no node has", async () => {
    const { id } = agents.get('node-c')![1]!;
    const detail = await call<{ id: string; node: string; capabilities: string[] }>(
      'GET',
      `/api/v1/agents/${id}`,
    );
    expect(detail.status).toBe(200);
    expect(detail.body).toEqual(expect.objectContaining({ id, node: 'node-c' }));
    const missing = await call('GET', `/api/v1/agents/${formatInstanceUid(randomUid())}`);
    expect(missing.status).toBe(404);
  });

  it('routes a restart to the node holding the agent, which delivers it', async () => {
    const { id, socket } = agents.get('node-b')![2]!;
    const before = socket.received.length;
    const answer = await call('POST', `/api/v1/agents/${id}/restart`);
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ agent: id, command: 'restart', delivery: 'sent', node: 'node-b' });
    expect((await socket.nextMessage(before)).command?.type).toBe(CommandType.CommandType_Restart);
  });

  it('writes a config to the shared ConfigMap store, and it reaches agents on every node', async () => {
    const waiting = [...agents.values()].map((list) => list[0]!.socket);
    const counts = waiting.map((socket) => socket.received.length);
    const created = await call(
      'PUT',
      '/api/v1/configs/fleet-wide',
      oneFileConfig('exporters: { debug: {} }'),
    );
    expect(created.status).toBe(201);
    const assigned = await call('PUT', '/api/v1/configs/fleet-wide/assignments/everyone', {
      selector: {},
    });
    expect(assigned.status).toBe(201);
    expect(kube.get('', 'v1', 'configmaps', HUB_NAMESPACE, 'fleet-wide')).toBeDefined();
    for (const [i, socket] of waiting.entries()) {
      const pushed = await socket.nextMessage(counts[i], 5000);
      expect(pushed.remoteConfig?.config?.configMap['config.yaml']?.body.toString()).toBe(
        'exporters: { debug: {} }',
      );
    }
    // Every agent on every node was given it: the rollout, summed over the nodes, counts all twelve.
    const listed = await call<{
      items: Array<{ name: string; rollout: { agents: number } }>;
      partial: boolean;
    }>('GET', '/api/v1/configs');
    expect(listed.body.partial).toBe(false);
    expect(listed.body.items.find((item) => item.name === 'fleet-wide')?.rollout.agents).toBe(12);
    expect((await call('DELETE', '/api/v1/configs/fleet-wide')).status).toBe(204);
  });

  it('lists the node servers with their health, agent count and last contact', async () => {
    const answer = await call<{ service: string; items: Array<Record<string, unknown>> }>(
      'GET',
      '/api/v1/nodes',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.service).toBe(`${HUB_NAMESPACE}/${NODE_SERVICE}`);
    expect(answer.body.items.map((item) => [item.node, item.health, item.agents, item.lastError])).toEqual(
      NODES.map((node, i) => [node, 'ready', AGENTS_PER_NODE[i], null]),
    );
    for (const item of answer.body.items) expect(item.version).toEqual(expect.any(String));
    for (const item of answer.body.items) expect(typeof item.lastContact).toBe('string');
  });

  it("sums the nodes' summaries", async () => {
    const answer = await call<Record<string, unknown>>('GET', '/api/v1/summary');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(
      expect.objectContaining({
        total: 12,
        byTransport: { http: 0, websocket: 12 },
        nodes: { total: 3, answered: 3 },
        partial: false,
        missingNodes: [],
      }),
    );
  });

  it('answers with the typed client: its own identity, mode hub, with the nodes known and answering', async () => {
    const client = adminClient(hub.url, HUB_TOKEN);
    const { data, error } = await client.GET('/api/v1/server');
    expect(error).toBeUndefined();
    expect(data).toEqual(
      expect.objectContaining({
        name: 'opamp-nest',
        mode: 'hub',
        nodeLocal: false,
        agents: 12,
        configStore: 'kubernetes',
        nodes: { known: 3, answering: 3 },
        partial: false,
      }),
    );
    const listed = await client.GET('/api/v1/nodes');
    expect(listed.data?.items.map((item) => item.node)).toEqual(NODES);
  });

  it('previews a selector on every node: the matching agents merged in id order, each with its node', async () => {
    const prod = [...agents.entries()]
      .flatMap(([node, list]) => list.filter((_agent, i) => i % 2 === 0).map(({ id }) => ({ id, node })))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const { data } = await adminClient(hub.url, HUB_TOKEN).POST('/api/v1/configs/preview', {
      body: { selector: { env: 'prod' }, limit: 4 },
    });
    expect(data?.total).toBe(prod.length);
    expect(data?.items.map(({ id, node }) => ({ id, node }))).toEqual(prod.slice(0, 4));
    expect(data?.partial).toBe(false);
  });

  it('serves a document whose every operation and answer is in the committed contract', async () => {
    const served = await adminCall<{ paths: Record<string, Record<string, { responses: object }>> }>(
      hub.url,
      'GET',
      '/api/docs-json',
    );
    const committed = adminOpenApiDocument.paths;
    for (const [path, methods] of Object.entries(served.body.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          const documented = committed[path]?.[method]?.responses[status];
          expect([method, path, status, documented?.content]).toEqual([
            method,
            path,
            status,
            (response as { content?: unknown }).content,
          ]);
        }
      }
    }
  });

  it('names a node whose answers are off the contract as an error of that node', async () => {
    const odd = await startOffContractServer({ items: 'not a list', total: 'many' });
    seedNodeSlice(kube, 'node-odd', { admin: odd.port, health: odd.port });
    try {
      await eventuallyAsync(async () =>
        (await call<AgentList>('GET', '/api/v1/agents')).body.missingNodes.some((m) => m.node === 'node-odd'),
      );
      const answer = await call<AgentList>('GET', '/api/v1/agents?limit=100');
      expect(answer.body.total).toBe(12);
      expect(answer.body.missingNodes).toEqual([
        { node: 'node-odd', reason: 'error', detail: expect.stringMatching(/off the admin API's contract/) },
      ]);
      const preview = await call<{ missingNodes: MissingNodes }>('POST', '/api/v1/configs/preview', {
        selector: {},
      });
      expect(preview.body.missingNodes.map(({ node, reason }) => [node, reason])).toEqual([
        ['node-odd', 'error'],
      ]);
    } finally {
      kube.remove('discovery.k8s.io', 'v1', 'endpointslices', HUB_NAMESPACE, `${NODE_SERVICE}-node-odd`);
      await closeServer(odd);
    }
  });

  it('refuses callers without its token', async () => {
    expect((await adminCall(hub.url, 'GET', '/api/v1/agents')).status).toBe(401);
    expect(
      (await adminCall(hub.url, 'GET', '/api/v1/nodes', undefined, 'not-the-hub-token-at-all')).status,
    ).toBe(401);
  });

  it('is refused by nodes when it presents the wrong token, and says so', async () => {
    const impostor = await startHub(kube, { HUB_NODE_TOKEN: 'wrong-token-0123456789abcdef' });
    try {
      const answer = await adminCall<AgentList>(impostor.url, 'GET', '/api/v1/agents', undefined, HUB_TOKEN);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(expect.objectContaining({ items: [], total: 0, partial: true }));
      expect(answer.body.missingNodes.map(({ node, reason }) => [node, reason])).toEqual(
        NODES.map((node) => [node, 'error']),
      );
      expect(answer.body.missingNodes[0]!.detail).toMatch(/401/);
    } finally {
      await impostor.close();
    }
  });

  it('names the nodes that are slow, down or failing, and answers with the others', async () => {
    const slow = await startSlowProxy(nodePorts(nodes[0]!).admin, 2000);
    const failing = await startFailingServer(500);
    const down = await freePort();
    seedNodeSlice(kube, 'node-slow', { admin: slow.port, health: slow.port });
    seedNodeSlice(kube, 'node-failing', { admin: failing.port, health: failing.port });
    seedNodeSlice(kube, 'node-down', { admin: down, health: down });
    const quick = await startHub(kube, { HUB_NODE_TIMEOUT_S: '0.3' });
    try {
      const started = Date.now();
      const answer = await adminCall<AgentList>(
        quick.url,
        'GET',
        '/api/v1/agents?limit=100',
        undefined,
        HUB_TOKEN,
      );
      // The slow node holds its answer 2 s; the hub answers after its 0.3 s deadline.
      expect(Date.now() - started).toBeLessThan(1900);
      expect(answer.body.partial).toBe(true);
      expect(answer.body.items.map(({ id }) => id)).toEqual(everyAgent().map(({ id }) => id));
      expect(answer.body.missingNodes.map(({ node, reason }) => [node, reason]).sort()).toEqual([
        ['node-down', 'unreachable'],
        ['node-failing', 'error'],
        ['node-slow', 'timeout'],
      ]);
      const listed = await adminCall<{
        items: Array<{ node: string; health: string; lastError: { reason: string } | null }>;
      }>(quick.url, 'GET', '/api/v1/nodes', undefined, HUB_TOKEN);
      const byNode = new Map(listed.body.items.map((item) => [item.node, item]));
      expect(byNode.get('node-down')).toEqual(expect.objectContaining({ health: 'unknown' }));
      expect(byNode.get('node-down')?.lastError?.reason).toBe('unreachable');
      expect(byNode.get('node-failing')).toEqual(expect.objectContaining({ health: 'unready' }));
      expect(byNode.get('node-a')).toEqual(expect.objectContaining({ health: 'ready', lastError: null }));
      const preview = await adminCall<{ total: number; partial: boolean; missingNodes: MissingNodes }>(
        quick.url,
        'POST',
        '/api/v1/configs/preview',
        { selector: {} },
        HUB_TOKEN,
      );
      expect(preview.status).toBe(200);
      expect(preview.body.total).toBe(12);
      expect(preview.body.missingNodes.map(({ node, reason }) => [node, reason]).sort()).toEqual([
        ['node-down', 'unreachable'],
        ['node-failing', 'error'],
        ['node-slow', 'timeout'],
      ]);
    } finally {
      await quick.close();
      for (const node of ['node-slow', 'node-failing', 'node-down'])
        kube.remove('discovery.k8s.io', 'v1', 'endpointslices', HUB_NAMESPACE, `${NODE_SERVICE}-${node}`);
      await closeServer(slow);
      await closeServer(failing);
    }
  });

  it('follows the EndpointSlices: a node server added is listed, one removed is no longer asked', async () => {
    const extra = await startNodeServer(kube);
    const pool = new WsAgentPool(() => extra.wsUrl);
    try {
      const uid = randomUid();
      await (
        await pool.connect()
      ).request({ instanceUid: uid, capabilities: CAPABILITIES, agentDescription: description('late') });
      seedNodeSlice(kube, 'node-d', nodePorts(extra));
      const id = formatInstanceUid(uid);
      const listedOn = async (): Promise<string | undefined> =>
        (await call<AgentList>('GET', '/api/v1/agents?limit=1000')).body.items.find((item) => item.id === id)
          ?.node;
      await eventuallyAsync(async () => (await listedOn()) === 'node-d');
      kube.remove('discovery.k8s.io', 'v1', 'endpointslices', HUB_NAMESPACE, `${NODE_SERVICE}-node-d`);
      await eventuallyAsync(async () => (await listedOn()) === undefined);
      const after = await call<AgentList>('GET', '/api/v1/agents?limit=1000');
      expect(after.body).toEqual(expect.objectContaining({ total: 12, partial: false }));
    } finally {
      pool.closeAll();
      await extra.close();
    }
  });

  it("streams every node's events, each with its node, and follows nodes that fail, leave and come back", async () => {
    const stream = await EventStream.open(hub.url, HUB_TOKEN);
    const failing = await startFailingServer(500);
    let failingCalls = 0;
    failing.on('request', () => failingCalls++);
    const relay = await startSlowProxy(nodePorts(nodes[0]!).admin, 0);
    const down = await freePort();
    const pool = new WsAgentPool(() => nodes[1]!.wsUrl);
    const types = (node: string): string[] =>
      stream.events.filter((e) => e.data.node === node).map((e) => e.data.type);
    try {
      await stream.until(() => NODES.every((node) => types(node).includes('node.connected')));
      // A node answering 500 and one not listening: retried with backoff, the others' events still flow.
      seedNodeSlice(kube, 'node-failing', { admin: failing.port, health: failing.port });
      seedNodeSlice(kube, 'node-relay', { admin: down, health: down });
      const uid = randomUid();
      await (
        await pool.connect()
      ).request({ instanceUid: uid, capabilities: CAPABILITIES, agentDescription: description('streamed') });
      await stream.until(() =>
        stream.events.some(
          (e) => e.data.type === 'agent.connected' && e.data.agent?.id === formatInstanceUid(uid),
        ),
      );
      expect(stream.events.find((e) => e.data.agent?.id === formatInstanceUid(uid))?.data.node).toBe(
        'node-b',
      );
      await stream.until(() => failingCalls >= 3, 5000);
      expect(types('node-failing')).toEqual([]);
      // The node comes back, through discovery, at a reachable address.
      seedNodeSlice(kube, 'node-relay', { admin: relay.port, health: relay.port });
      await stream.until(() => types('node-relay').includes('node.connected'), 5000);
      // Its stream breaks: said, and opened again.
      relay.closeAllConnections();
      await stream.until(
        () => types('node-relay').filter((type) => type === 'node.connected').length === 2,
        5000,
      );
      expect(types('node-relay')).toEqual(['node.connected', 'node.disconnected', 'node.connected']);
      // A config change reaches every node; each says so on its own stream.
      expect((await call('PUT', '/api/v1/configs/streamed', oneFileConfig('a: 1'))).status).toBe(201);
      await stream.until(() =>
        [...NODES, 'node-relay'].every((node) =>
          stream.events.some((e) => e.data.type === 'config.changed' && e.data.node === node),
        ),
      );
      expect((await call('DELETE', '/api/v1/configs/streamed')).status).toBe(204);
      // Gone from discovery: closed, and not retried.
      kube.remove('discovery.k8s.io', 'v1', 'endpointslices', HUB_NAMESPACE, `${NODE_SERVICE}-node-relay`);
      await stream.until(() => types('node-relay').at(-1) === 'node.disconnected', 5000);
    } finally {
      await stream.close();
      pool.closeAll();
      for (const node of ['node-failing', 'node-relay'])
        kube.remove('discovery.k8s.io', 'v1', 'endpointslices', HUB_NAMESPACE, `${NODE_SERVICE}-${node}`);
      await closeServer(failing);
      await closeServer(relay);
    }
  });
});

async function eventuallyAsync(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
