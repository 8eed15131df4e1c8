import { type BenchContext } from '../lib/bench-context.js';
import { FakeCluster, type VerbCounts } from '../lib/fake-cluster.js';
import { forEachConcurrently, HttpPoster } from '../lib/http-poster.js';
import { newCounters, SimulatedAgent } from '../lib/simulated-agent.js';
import { sleep, waitFor } from '../lib/sleep.js';
import { type ServerProcess } from '../lib/server-process.js';
import { judge, round, type Scenario, type ScenarioResult } from './scenario.types.js';

const HEARTBEATS = 5;

/** Waits until the server's write-behind queue is empty and no request reached the API for 300 ms. */
async function settled(server: ServerProcess, cluster: FakeCluster): Promise<void> {
  await waitFor(
    async () => {
      const before = cluster.requestCount;
      await sleep(300);
      const metrics = await server.metrics();
      const depth = Number(/^opamp_persistence_queue_depth (\S+)$/m.exec(metrics)?.[1] ?? '1');
      return depth === 0 && cluster.requestCount === before ? true : undefined;
    },
    120_000,
    'persistence to settle',
    0,
  );
}

/**
 * The life cycle of Odigos agents over HTTP with `PERSISTENCE=kubernetes` against the fake API server:
 * first report, heartbeats, a health change, `agent_disconnect`. Counts the InstrumentationInstance calls
 * of each phase — heartbeats must write nothing.
 */
export const persistenceLifecycle: Scenario = {
  name: 'persistence',
  title: 'Persistence on the (fake) Kubernetes API: calls per agent life cycle',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const agentCount = ctx.size(1000, 100);
    const cluster = await FakeCluster.start(agentCount);
    try {
      const server = await ctx.server('odigos-kubernetes', { env: cluster.serverEnv('kubernetes') });
      const http = new HttpPoster(server.opampUrl, 50);
      const counters = newCounters();
      const agents = Array.from(
        { length: agentCount },
        (_, i) => new SimulatedAgent(i, 'odigos', 0, `${ctx.salt}-persistence`, counters),
      );
      let failures = 0;
      const post = async (agent: SimulatedAgent, body: Uint8Array): Promise<void> => {
        const reply = await http.post(body, { 'content-type': ' application/x-protobuf' });
        if (reply.status !== 200) failures++;
        else agent.onReplyBytes(reply.body);
      };
      const phases: Record<string, VerbCounts> = {};
      const phase = async (name: string, send: (agent: SimulatedAgent) => Promise<void>): Promise<number> => {
        const from = cluster.requestCount;
        const started = performance.now();
        await forEachConcurrently(agents, 50, send);
        await settled(server, cluster);
        phases[name] = cluster.instanceRequests(from);
        return performance.now() - started;
      };

      await settled(server, cluster);
      const firstMs = await phase('first report', (agent) => post(agent, agent.next()));
      const created = cluster.instances();
      await phase(`${HEARTBEATS} heartbeats`, async (agent) => {
        for (let i = 0; i < HEARTBEATS; i++) await post(agent, agent.next());
      });
      await phase('health change', (agent) => post(agent, agent.healthChange()));
      await phase('agent_disconnect (healthy)', (agent) => post(agent, agent.disconnect()));
      const left = cluster.instances();
      http.close();
      await ctx.stopServer('odigos-kubernetes');

      const writes = Object.fromEntries(
        Object.entries(phases).map(([name, counts]) => [name, FakeCluster.writes(counts)]),
      );
      const heartbeatWrites = writes[`${HEARTBEATS} heartbeats`]!;
      const totalWrites = Object.values(writes).reduce((a, b) => a + b, 0);
      const perAgent = round(totalWrites / agentCount, 2);
      const describe = (counts: VerbCounts): string =>
        Object.entries(counts)
          .map(([verb, n]) => `${verb} ${round(n / agentCount, 2)}`)
          .join(', ') || 'none';
      return {
        name: this.name,
        title: `${this.title}, ${agentCount} agents`,
        agents: agentCount,
        real: {
          msgsPerS: round((agentCount * 1) / (firstMs / 1000), 0),
          errors: failures + counters.errorReplies,
        },
        settings: { agents: agentCount, heartbeats: HEARTBEATS, concurrency: 50, rounds: 1 },
        targets: [
          // Counts of API calls: the pace of the sender (this process) cannot change them.
          judge(
            'no Kubernetes write per heartbeat',
            `${heartbeatWrites} writes for ${agentCount * HEARTBEATS} heartbeats`,
            heartbeatWrites === 0,
          ),
          judge(
            'a record per agent while it runs, none after a healthy disconnect',
            `${created} created, ${left} left`,
            created === agentCount && left === 0,
          ),
        ],
        notes: [
          `${perAgent} writes per agent life cycle (first report, ${HEARTBEATS} heartbeats, a health change, disconnect)`,
          ...Object.entries(phases).map(([name, counts]) => `${name}: per agent ${describe(counts)}`),
          'msgs/s here is first reports per second including enrichment and record creation in the background',
        ],
        details: { writesPerPhase: writes, callsPerPhase: phases, writesPerAgent: perAgent },
      };
    } finally {
      await cluster.close();
    }
  },
};
