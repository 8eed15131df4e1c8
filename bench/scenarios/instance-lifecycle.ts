import { type BenchContext } from '../lib/bench-context.js';
import { FakeCluster } from '../lib/fake-cluster.js';
import { forEachConcurrently, HttpPoster } from '../lib/http-poster.js';
import { type ServerProcess } from '../lib/server-process.js';
import { newCounters, SimulatedAgent } from '../lib/simulated-agent.js';
import { sleep, waitFor } from '../lib/sleep.js';
import { judge, round, type Scenario, type ScenarioResult } from './scenario.types.js';

/** Senders at once (the agents take turns on as many keep-alive sockets). */
const CONCURRENCY = 50;
const SETTLE_TIMEOUT_MS = 900_000;
/**
 * Agents wait (silent) while a phase's records are written; with the default 75 s a slow API would make
 * them stale, and a stale agent's record is deleted: this scenario measures life cycles, not staleness.
 */
const STALE_AFTER_S = '3600';

const gauge = (metrics: string, name: string): number | undefined => {
  const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1];
  return value === undefined ? undefined : Number(value);
};

/** The write-behind queue's state as `/metrics` shows it. */
interface QueueSample {
  readonly depth: number;
  readonly concurrency: number;
}

async function queueSample(server: ServerProcess): Promise<QueueSample> {
  const metrics = await server.metrics();
  return {
    depth: gauge(metrics, 'opamp_persistence_queue_depth') ?? 1,
    concurrency: gauge(metrics, 'opamp_persistence_write_concurrency') ?? 0,
  };
}

/** What the InstrumentationInstances say now: how many, and how many per `healthy/reason`. */
function recordStates(cluster: FakeCluster): { count: number; byStatus: Record<string, number> } {
  const byStatus: Record<string, number> = {};
  const objects = cluster.api.list('odigos.io', 'v1alpha1', 'instrumentationinstances');
  for (const object of objects) {
    const status = (object as { status?: { healthy?: boolean; reason?: string } }).status;
    const key = `${status?.healthy ?? '-'}/${status?.reason ?? '-'}`;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  return { count: objects.length, byStatus };
}

/**
 * InstrumentationInstance life cycles against the fake Kubernetes API server: Odigos agents over HTTP with
 * `PERSISTENCE=kubernetes` connect (their first report creates a record), report a degraded status, turn
 * healthy again and leave with `agent_disconnect` (a healthy disconnect deletes the record). After each
 * phase the write-behind queue must drain, and every record must say what its agent reported. The time
 * from the first message to the last record written or deleted is the figure; the write concurrency the
 * queue reached (adaptive, `opamp_persistence_write_concurrency`) is reported beside it.
 */
export const instanceLifecycle: Scenario = {
  name: 'instance-lifecycle',
  title: 'InstrumentationInstance life cycles on the (fake) Kubernetes API',
  async run(ctx: BenchContext): Promise<ScenarioResult> {
    const agentCount = ctx.size(10_000, 1000);
    const cluster = await FakeCluster.start(agentCount);
    try {
      const server = await ctx.server('odigos-lifecycle', {
        env: { ...cluster.serverEnv('kubernetes'), STALE_AFTER_S },
      });
      const http = new HttpPoster(server.opampUrl, CONCURRENCY);
      const counters = newCounters();
      const agents = Array.from(
        { length: agentCount },
        (_, i) => new SimulatedAgent(i, 'odigos', 0, `${ctx.salt}-lifecycle`, counters),
      );
      let failures = 0;
      const post = async (agent: SimulatedAgent, body: Uint8Array): Promise<void> => {
        const reply = await http.post(body, { 'content-type': 'application/x-protobuf' });
        if (reply.status !== 200) failures++;
        else agent.onReplyBytes(reply.body);
      };
      let peakConcurrency = 0;
      /** Waits until the queue is empty and the API saw no request for 300 ms; samples the concurrency. */
      const settled = (): Promise<unknown> =>
        waitFor(
          async () => {
            const before = cluster.requestCount;
            await sleep(300);
            const sample = await queueSample(server);
            peakConcurrency = Math.max(peakConcurrency, sample.concurrency);
            return sample.depth === 0 && cluster.requestCount === before ? true : undefined;
          },
          SETTLE_TIMEOUT_MS,
          'persistence to settle',
          0,
        );
      const phases: Array<{ name: string; sendMs: number; settledMs: number; records: number }> = [];
      const checks: string[] = [];
      let allRight = true;
      const phase = async (
        name: string,
        send: (agent: SimulatedAgent) => Promise<void>,
        expect: { count: number; status?: string },
      ): Promise<void> => {
        const started = performance.now();
        await forEachConcurrently(agents, CONCURRENCY, send);
        const sent = performance.now();
        const sampler = setInterval(() => {
          void queueSample(server).then(
            (sample) => (peakConcurrency = Math.max(peakConcurrency, sample.concurrency)),
            () => undefined,
          );
        }, 250);
        try {
          await settled();
        } finally {
          clearInterval(sampler);
        }
        const states = recordStates(cluster);
        const right =
          states.count === expect.count &&
          (expect.status === undefined || states.byStatus[expect.status] === expect.count);
        if (!right) allRight = false;
        checks.push(
          `${name}: ${states.count} records (want ${expect.count})${
            expect.status ? `, ${states.byStatus[expect.status] ?? 0} with status ${expect.status}` : ''
          } ${right ? '✓' : `✗ ${JSON.stringify(states.byStatus)}`}`,
        );
        phases.push({
          name,
          sendMs: Math.round(sent - started),
          settledMs: Math.round(performance.now() - started),
          records: states.count,
        });
      };

      await settled();
      const from = cluster.requestCount;
      const started = performance.now();
      await phase('connect (first report)', (agent) => post(agent, agent.next()), {
        count: agentCount,
        status: 'true/Healthy',
      });
      await phase('degraded', (agent) => post(agent, agent.healthChange()), {
        count: agentCount,
        status: 'true/Degraded',
      });
      await phase('healthy again', (agent) => post(agent, agent.healthChange()), {
        count: agentCount,
        status: 'true/Healthy',
      });
      await phase('leave (agent_disconnect, healthy)', (agent) => post(agent, agent.disconnect()), {
        count: 0,
      });
      const totalMs = performance.now() - started;
      const calls = cluster.instanceRequests(from);
      const writes = FakeCluster.writes(calls);
      const metrics = await server.metrics();
      const callCount = gauge(metrics, 'opamp_persistence_write_duration_seconds_count') ?? 0;
      const meanCallMs = round(
        ((gauge(metrics, 'opamp_persistence_write_duration_seconds_sum') ?? 0) * 1000) /
          Math.max(1, callCount),
        1,
      );
      http.close();
      await ctx.stopServer('odigos-lifecycle');

      const messages = agentCount * 4;
      return {
        name: this.name,
        title: `${this.title}, ${agentCount} agents`,
        agents: agentCount,
        real: {
          msgsPerS: round(messages / (totalMs / 1000), 0),
          durationMs: round(totalMs, 0),
          errors: failures + counters.errorReplies,
        },
        settings: { agents: agentCount, concurrency: CONCURRENCY, rounds: 1 },
        targets: [
          // Record states and counts: the pace of the sender (this process) cannot change them.
          judge(
            'every InstrumentationInstance right after each phase; none left after healthy disconnects',
            `${agentCount} agents, 4 phases ${allRight ? 'all right' : 'NOT right'}, ${round(totalMs / 1000, 1)} s`,
            allRight && failures + counters.errorReplies === 0,
          ),
        ],
        notes: [
          `${agentCount} agents × (first report, degraded, healthy, agent_disconnect) over HTTP, ${CONCURRENCY} at a time; ${round(totalMs / 1000, 1)} s from the first message to the last record written or deleted`,
          `${writes} InstrumentationInstance writes (${round(writes / agentCount, 2)} per agent; ${round(writes / (totalMs / 1000), 0)}/s); write concurrency reached ${peakConcurrency} (adaptive, sampled every 250 ms); ${callCount} store calls of ${meanCallMs} ms on average`,
          `API requests to InstrumentationInstances by verb: ${JSON.stringify(calls)}`,
          ...phases.map(
            (p) => `${p.name}: messages sent in ${p.sendMs} ms, records settled after ${p.settledMs} ms`,
          ),
          ...checks,
        ],
        details: { phases, calls, writes, peakConcurrency, meanCallMs, checks },
      };
    } finally {
      await cluster.close();
    }
  },
};
