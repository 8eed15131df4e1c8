import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { FakeKubeApiServer } from '../../test/support/fake-kube-apiserver/index.js';
import { type BenchContext } from '../lib/bench-context.js';
import { LatencyRecorder, type LatencySummary } from '../lib/latency.js';
import { PROFILES_DIR, SERVER_MAIN } from '../lib/paths.js';
import { freePort } from '../lib/ports.js';
import { type ServerProcess } from '../lib/server-process.js';
import { waitFor } from '../lib/sleep.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import { judge, round, type Scenario } from './scenario.types.js';

const TOKEN = 'bench-hub-token-0123456789';
const NAMESPACE = 'opamp-nest';
const SERVICE = 'opamp-nest-nodes';
const PAGE = 100;

/** Times `rounds` sequential GETs of `url` (after 3 warm-up calls). */
async function timeGets(url: string, rounds: number): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < rounds + 3; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as { partial?: boolean };
    if (response.status !== 200 || body.partial === true) {
      throw new Error(`GET ${url} answered ${response.status}${body.partial ? ' (partial)' : ''}`);
    }
    if (i >= 3) recorder.recordMs(performance.now() - started);
  }
  return recorder.summary();
}

/**
 * Times `rounds` rounds of GETs of every url at once (after 3 warm-up rounds): each round's time is its
 * slowest answer. On one machine the nodes share its cores, so this, not one node asked alone, is the
 * slowest node the hub waits for.
 */
async function timeAtOnce(urls: readonly string[], rounds: number): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  for (let i = 0; i < rounds + 3; i++) {
    const started = performance.now();
    await Promise.all(
      urls.map(async (url) => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
      }),
    );
    if (i >= 3) recorder.recordMs(performance.now() - started);
  }
  return recorder.summary();
}

/** Time to walk every page of `baseUrl` (`limit` 1000), ms, and the agents seen. */
async function walkAll(baseUrl: string): Promise<{ ms: number; agents: number }> {
  const started = performance.now();
  let cursor: string | null = null;
  let agents = 0;
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const response = await fetch(`${baseUrl}/api/v1/agents?limit=1000${suffix}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    agents += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return { ms: performance.now() - started, agents };
}

/** `node dist/main.js` with MODE=hub against the fake API server; ready once its `/readyz` answers 200. */
async function startHub(
  ctx: BenchContext,
  kubeconfig: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const log = openSync(join(ctx.logDir, 'server-hub.log'), 'a');
  // `--cpu-prof` profiles the hub as it does the node servers (written when the hub exits on SIGTERM).
  const profile = ctx.options.cpuProf
    ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=hub-${port}.cpuprofile`]
    : [];
  const child = spawn(process.execPath, [...profile, SERVER_MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      MODE: 'hub',
      KUBECONFIG: kubeconfig,
      POD_NAMESPACE: NAMESPACE,
      ADMIN_HOST: '127.0.0.1',
      ADMIN_PORT: String(port),
      ADMIN_TOKEN: TOKEN,
      HUB_NODE_SERVICE: SERVICE,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error('the hub exited during start-up; see server-hub.log');
      const status = await fetch(`${url}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      return status === 200 ? true : undefined;
    },
    30_000,
    'the hub to be ready',
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The hub's merged agent list over several node servers (each a `node dist/main.js` with WebSocket agents),
 * against the slowest single node's own list: the first page (`limit` 100) and a walk over every page.
 * The hub asks every node in parallel, so its answer should cost about the slowest node's plus the merge.
 */
export const hubMergedList: Scenario = {
  name: 'hub',
  title: 'Hub: merged agent list over several nodes vs the slowest node',
  async run(ctx) {
    const nodeCount = ctx.size(4, 3);
    const perNode = ctx.size(2500, 500);
    const rounds = ctx.size(50, 15);
    const kube = await FakeKubeApiServer.start();
    const kubeconfig = await kube.writeKubeConfig();
    const generator = ctx.generator('ws-load');
    const nodes: ServerProcess[] = [];
    let hub: { url: string; stop: () => void } | undefined;
    try {
      for (let i = 0; i < nodeCount; i++) {
        const node = await ctx.server(`hub-node-${i}`, { env: { ADMIN_TOKEN: TOKEN } });
        nodes.push(node);
        const connected = await connectWsAgents(ctx, generator, node.wsUrl, perNode);
        if (connected.failed > 0) throw new Error(`hub: ${connected.failed} agents could not connect`);
        kube.seed({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            name: `${SERVICE}-${i}`,
            namespace: NAMESPACE,
            labels: { 'kubernetes.io/service-name': SERVICE },
          },
          addressType: 'IPv4',
          endpoints: [{ addresses: ['127.0.0.1'], nodeName: `bench-node-${i}`, conditions: { ready: true } }],
          ports: [
            { name: 'admin', port: node.adminPort, protocol: 'TCP' },
            { name: 'health', port: Number(new URL(node.healthUrl).port), protocol: 'TCP' },
          ],
        });
      }
      hub = await startHub(ctx, kubeconfig.path);
      const perNodeFirst = [];
      for (const node of nodes)
        perNodeFirst.push(await timeGets(`${node.adminUrl}/api/v1/agents?limit=${PAGE}`, rounds));
      const slowest = perNodeFirst.reduce((a, b) => (b.p50 > a.p50 ? b : a));
      const atOnce = await timeAtOnce(
        nodes.map((node) => `${node.adminUrl}/api/v1/agents?limit=${PAGE}`),
        rounds,
      );
      const merged = await timeGets(`${hub.url}/api/v1/agents?limit=${PAGE}`, rounds);
      const nodeWalks = [];
      for (const node of nodes) nodeWalks.push(await walkAll(node.adminUrl));
      const slowestWalk = nodeWalks.reduce((a, b) => (b.ms > a.ms ? b : a));
      const hubWalk = await walkAll(hub.url);
      if (hubWalk.agents !== nodeCount * perNode) {
        throw new Error(`hub: the walk saw ${hubWalk.agents} agents, not ${nodeCount * perNode}`);
      }
      const ratio = merged.p50 / atOnce.p50;
      return {
        name: 'hub',
        title: this.title,
        agents: nodeCount * perNode,
        real: { p50Ms: merged.p50, p99Ms: merged.p99, maxMs: merged.max, durationMs: round(hubWalk.ms, 1) },
        ratio: round(ratio),
        ratioOf: `hub first page p50 ÷ the slowest of the nodes asked at once, p50 (limit ${PAGE})`,
        settings: { nodes: nodeCount, agentsPerNode: perNode, rounds, page: PAGE },
        targets: [
          judge(
            `hub's merged first page over ${nodeCount} nodes within 1.5× the slowest of the nodes asked at once (p50)`,
            `${merged.p50} ms vs ${atOnce.p50} ms`,
            merged.p50 <= 1.5 * atOnce.p50,
          ),
        ],
        notes: [
          `first page (limit ${PAGE}): hub p50 ${merged.p50} ms, p99 ${merged.p99} ms; the nodes asked at once, slowest p50 ${atOnce.p50} ms; each node alone p50 ${perNodeFirst.map((s) => s.p50).join(', ')} ms (slowest ${slowest.p50} ms)`,
          'one machine runs every node: asked at once they share its cores, which nodes of a cluster do not',
          `every page (limit 1000): hub ${round(hubWalk.ms, 1)} ms for ${hubWalk.agents} agents; slowest node ${round(slowestWalk.ms, 1)} ms for ${slowestWalk.agents}`,
        ],
        details: {
          merged,
          perNodeFirst,
          hubWalkMs: round(hubWalk.ms, 1),
          nodeWalksMs: nodeWalks.map((w) => round(w.ms, 1)),
        },
      };
    } finally {
      await hub?.stop();
      await ctx.stopGenerator(generator);
      for (let i = 0; i < nodes.length; i++) await ctx.stopServer(`hub-node-${i}`);
      await kube.close();
      await kubeconfig.dispose();
    }
  },
};
