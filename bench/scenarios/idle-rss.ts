import { type BenchContext } from '../lib/bench-context.js';
import { type GeneratorProcess } from '../lib/generator-process.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import { sampleProcess } from '../lib/proc-stats.js';
import { sleep } from '../lib/sleep.js';
import { round, type Scenario } from './scenario.types.js';

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
      const heapBefore = await inspector.memoryAfterGc();
      const rssBefore = sampleProcess(server.pid).rssBytes;
      const connected = await connect(ctx, generator, server.wsUrl, agents);
      await sleep(ctx.size(1000, 400));
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
      const baseHeapBefore = await ctx.baseline.memoryAfterGc();
      const baseBefore = sampleProcess(ctx.baseline.pid).rssBytes;
      const baseConnected = await connect(ctx, generator, ctx.baseline.wsUrl, agents);
      await sleep(ctx.size(1000, 400));
      const baseHeapWith = await ctx.baseline.memoryAfterGc();
      const baseWith = sampleProcess(ctx.baseline.pid).rssBytes;
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');

      const rssPerAgent = (rssWith - rssBefore) / connected / KIB;
      const heapPerAgent = (heapWith.heapUsed - heapBefore.heapUsed) / connected / KIB;
      const externalPerAgent =
        (heapWith.external + heapWith.arrayBuffers - heapBefore.external - heapBefore.arrayBuffers) /
        connected /
        KIB;
      const basePerAgent = (baseWith - baseBefore) / baseConnected / KIB;
      const baseHeapPerAgent =
        (baseHeapWith.heapUsed +
          baseHeapWith.arrayBuffers -
          baseHeapBefore.heapUsed -
          baseHeapBefore.arrayBuffers) /
        baseConnected /
        KIB;
      const heapAndBuffersPerAgent =
        (heapWith.heapUsed + heapWith.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) /
        connected /
        KIB;
      return {
        name: this.name,
        title: `${this.title}, ${agents.toLocaleString('en')} agents`,
        agents,
        real: { serverRssMb: round(rssWith / 1048576, 1) },
        baseline: { serverRssMb: round(baseWith / 1048576, 1) },
        ratio: round(heapAndBuffersPerAgent / baseHeapPerAgent, 2),
        ratioOf: 'JS heap + buffers per agent after a GC (server ÷ bare echo)',
        targets: [
          {
            description: 'RSS growth per connected idle agent ≤ 20 KiB',
            value: `${round(rssPerAgent, 1)} KiB`,
            met: rssPerAgent <= 20,
          },
        ],
        notes: [
          `server: ${round(rssPerAgent, 1)} KiB RSS, ${round(heapPerAgent, 1)} KiB JS heap, ${round(externalPerAgent, 1)} KiB buffers per agent (after a full GC)`,
          `bare echo: ${round(baseHeapPerAgent, 1)} KiB JS heap + buffers, ${round(basePerAgent, 1)} KiB RSS per socket (RSS moves with what V8 returns to the OS)`,
          `after every agent left: heap ${round(heapAfter.heapUsed / 1048576, 1)} MiB (before ${round(heapBefore.heapUsed / 1048576, 1)} MiB), RSS ${round(rssAfter / 1048576, 1)} MiB`,
        ],
        details: {
          rssPerAgentKiB: round(rssPerAgent, 2),
          heapPerAgentKiB: round(heapPerAgent, 2),
          buffersPerAgentKiB: round(externalPerAgent, 2),
          baselineRssPerSocketKiB: round(basePerAgent, 2),
          baselineHeapAndBuffersPerSocketKiB: round(baseHeapPerAgent, 2),
          heapBeforeMiB: round(heapBefore.heapUsed / 1048576, 2),
          heapAfterLeavingMiB: round(heapAfter.heapUsed / 1048576, 2),
        },
      };
    } finally {
      await ctx.stopGenerator(generator);
    }
  },
};
