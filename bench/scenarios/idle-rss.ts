import { type BenchContext } from '../lib/bench-context.js';
import { type GeneratorProcess } from '../lib/generator-process.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import { sampleProcess } from '../lib/proc-stats.js';
import { sleep } from '../lib/sleep.js';
import { judge, round, type Scenario } from './scenario.types.js';

const KIB = 1024;

async function connect(
  ctx: BenchContext,
  generator: GeneratorProcess,
  url: string,
  agents: number,
): Promise<number> {
  return (await connectWsAgents(ctx, generator, url, agents)).connected;
}

/** Memory per connected idle WebSocket agent (one full-state report each, then silence). */
export const idleRss: Scenario = {
  name: 'idle-rss',
  title: 'RSS growth per connected idle WebSocket agent',
  async run(ctx) {
    const agents = ctx.size(10_000, 1000);
    const server = await ctx.server('idle', { inspect: true });
    const inspector = server.inspector!;
    const generator = ctx.generator('ws-load');
    try {
      // Warm up: code paths compiled, pools and maps grown once.
      await connect(ctx, generator, server.wsUrl, ctx.size(1000, 300));
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
      await sleep(ctx.size(500, 200));
      // RSS is read both before and after a forced full GC: without one it is what an operator sees.
      const rssBeforeNoGc = sampleProcess(server.pid).rssBytes;
      const heapBefore = await inspector.memoryAfterGc();
      const rssBefore = sampleProcess(server.pid).rssBytes;
      const connected = await connect(ctx, generator, server.wsUrl, agents);
      await sleep(ctx.size(1000, 400));
      const rssWithNoGc = sampleProcess(server.pid).rssBytes;
      const heapWith = await inspector.memoryAfterGc();
      const rssWith = sampleProcess(server.pid).rssBytes;
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
      await sleep(ctx.size(1000, 700));
      const heapAfter = await inspector.memoryAfterGc();
      const rssAfter = sampleProcess(server.pid).rssBytes;
      await ctx.stopServer('idle');

      await connect(ctx, generator, ctx.baseline.wsUrl, ctx.size(1000, 300));
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
      await sleep(ctx.size(500, 200));
      const baseBeforeNoGc = sampleProcess(ctx.baseline.pid).rssBytes;
      const baseHeapBefore = await ctx.baseline.memoryAfterGc();
      const baseBefore = sampleProcess(ctx.baseline.pid).rssBytes;
      const baseConnected = await connect(ctx, generator, ctx.baseline.wsUrl, agents);
      await sleep(ctx.size(1000, 400));
      const baseWithNoGc = sampleProcess(ctx.baseline.pid).rssBytes;
      const baseHeapWith = await ctx.baseline.memoryAfterGc();
      const baseWith = sampleProcess(ctx.baseline.pid).rssBytes;
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');

      const perAgent = (with_: number, before: number, n: number): number => (with_ - before) / n / KIB;
      const rssPerAgent = perAgent(rssWith, rssBefore, connected);
      const rssPerAgentNoGc = perAgent(rssWithNoGc, rssBeforeNoGc, connected);
      const heapPerAgent = perAgent(heapWith.heapUsed, heapBefore.heapUsed, connected);
      // `external` already includes `arrayBuffers` (Node docs, process.memoryUsage()): count it alone.
      const externalPerAgent = perAgent(heapWith.external, heapBefore.external, connected);
      const basePerAgent = perAgent(baseWith, baseBefore, baseConnected);
      const basePerAgentNoGc = perAgent(baseWithNoGc, baseBeforeNoGc, baseConnected);
      const baseHeapPerAgent = perAgent(
        baseHeapWith.heapUsed + baseHeapWith.external,
        baseHeapBefore.heapUsed + baseHeapBefore.external,
        baseConnected,
      );
      const heapAndBuffersPerAgent = heapPerAgent + externalPerAgent;
      const worst = Math.max(rssPerAgent, rssPerAgentNoGc);
      return {
        name: this.name,
        title: `${this.title}, ${agents.toLocaleString('en')} agents`,
        agents,
        real: { serverRssMb: round(rssWith / 1048576, 1) },
        baseline: { serverRssMb: round(baseWith / 1048576, 1) },
        ratio: round(heapAndBuffersPerAgent / baseHeapPerAgent, 2),
        ratioOf: 'JS heap + external per agent after a GC (server ÷ minimal-OpAMP baseline)',
        settings: { rounds: 1, warmupAgents: ctx.size(1000, 300) },
        targets: [
          judge(
            'RSS growth per connected idle agent ≤ 20 KiB (before and after a forced GC)',
            `${round(rssPerAgentNoGc, 1)} KiB before GC, ${round(rssPerAgent, 1)} KiB after GC`,
            worst <= 20,
          ),
        ],
        notes: [
          `server per agent: RSS ${round(rssPerAgentNoGc, 1)} KiB before a forced GC, ${round(rssPerAgent, 1)} KiB after; after the GC ${round(heapPerAgent, 1)} KiB JS heap and ${round(externalPerAgent, 1)} KiB external (buffers, arrayBuffers included)`,
          `minimal-OpAMP baseline per socket: RSS ${round(basePerAgentNoGc, 1)} KiB before GC, ${round(basePerAgent, 1)} KiB after; ${round(baseHeapPerAgent, 1)} KiB JS heap + external (RSS moves with what V8 returns to the OS)`,
          `after every agent left: heap ${round(heapAfter.heapUsed / 1048576, 1)} MiB (before ${round(heapBefore.heapUsed / 1048576, 1)} MiB), RSS ${round(rssAfter / 1048576, 1)} MiB`,
        ],
        details: {
          rssPerAgentKiB: round(rssPerAgent, 2),
          rssPerAgentBeforeGcKiB: round(rssPerAgentNoGc, 2),
          heapPerAgentKiB: round(heapPerAgent, 2),
          externalPerAgentKiB: round(externalPerAgent, 2),
          baselineRssPerSocketKiB: round(basePerAgent, 2),
          baselineRssPerSocketBeforeGcKiB: round(basePerAgentNoGc, 2),
          baselineHeapAndExternalPerSocketKiB: round(baseHeapPerAgent, 2),
          heapBeforeMiB: round(heapBefore.heapUsed / 1048576, 2),
          heapAfterLeavingMiB: round(heapAfter.heapUsed / 1048576, 2),
        },
      };
    } finally {
      await ctx.stopGenerator(generator);
    }
  },
};
