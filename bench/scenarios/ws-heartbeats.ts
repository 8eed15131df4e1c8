import { type BenchContext } from '../lib/bench-context.js';
import { type GeneratorProcess } from '../lib/generator-process.js';
import { type ProcessUsage } from '../lib/proc-stats.js';
import { type RunResult } from '../lib/generator-protocol.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import { measurement, runNotes } from './measure.js';
import { judge, round, type Scenario, type ScenarioResult, type TargetCheck } from './scenario.types.js';

interface WsRunSpec {
  readonly agents: number;
  readonly mode: 'rate' | 'closed-loop';
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Also measure the bare echo (fixed frame, nothing decoded) as a ceiling beside the baseline. */
  readonly bare?: boolean;
}

/** Connects `agents`, runs them, closes them; one side. */
async function wsSide(
  ctx: BenchContext,
  generator: GeneratorProcess,
  url: string,
  serverPid: number,
  spec: WsRunSpec,
): Promise<{ result: RunResult; usage: Record<string, ProcessUsage>; connectFailed: number }> {
  const connected = await connectWsAgents(ctx, generator, url, spec.agents, { statusEvery: 30 });
  const run = await generator.run(
    {
      type: 'ws-run',
      mode: spec.mode,
      ratePerAgentPerS: 1,
      warmupMs: spec.warmupMs,
      measureMs: spec.measureMs,
    },
    { server: serverPid, generator: generator.pid },
  );
  await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
  return { ...run, connectFailed: connected.failed };
}

async function wsScenario(
  ctx: BenchContext,
  name: string,
  title: string,
  spec: WsRunSpec,
  targets: (real: ReturnType<typeof measurement>, result: RunResult) => TargetCheck[],
): Promise<ScenarioResult> {
  const server = await ctx.server('default');
  const generator = ctx.generator('ws-load');
  try {
    const base = await wsSide(ctx, generator, ctx.baseline.wsUrl, ctx.baseline.pid, spec);
    const bare = spec.bare
      ? await wsSide(ctx, generator, ctx.baseline.bareWsUrl, ctx.baseline.pid, spec)
      : undefined;
    const real = await wsSide(ctx, generator, server.wsUrl, server.pid, spec);
    const baseline = measurement(base.result, base.usage, 'baseline');
    const bareRoute = bare ? measurement(bare.result, bare.usage, 'bare') : undefined;
    const measured = measurement(real.result, real.usage);
    const notes = [
      ...runNotes('baseline', base.result),
      ...(bare ? runNotes('bare', bare.result) : []),
      ...runNotes('server', real.result),
    ];
    const bareRatio = bareRoute ? round(measured.msgsPerS! / bareRoute.msgsPerS!, 3) : undefined;
    if (bareRatio !== undefined)
      notes.push(`server ÷ bare echo (fixed frame, nothing decoded): ${bareRatio}×`);
    if (base.connectFailed + real.connectFailed > 0)
      notes.push(
        `connections refused or failed: baseline ${base.connectFailed}, server ${real.connectFailed}`,
      );
    if (real.result.unanswered > 0)
      notes.push(`server: ${real.result.unanswered} messages unanswered after 5 s`);
    const cpuRatio =
      baseline.serverCpu && measured.serverCpu
        ? round(measured.serverCpu / baseline.serverCpu, 1)
        : undefined;
    if (spec.mode === 'rate' && cpuRatio !== undefined)
      notes.push(`server CPU ${cpuRatio}× the minimal-OpAMP echo's at the same rate`);
    return {
      name,
      title,
      agents: spec.agents,
      real: measured,
      baseline,
      ...(bareRoute ? { bareRoute, bareRatio } : {}),
      ratio: round(measured.msgsPerS! / baseline.msgsPerS!, 3),
      ratioOf: 'messages/s (server ÷ minimal-OpAMP baseline)',
      settings: { mode: spec.mode, warmupMs: spec.warmupMs, measureMs: spec.measureMs, rounds: 1 },
      targets: targets(measured, real.result),
      notes,
      ...(cpuRatio !== undefined ? { details: { serverCpuRatio: cpuRatio } } : {}),
    };
  } finally {
    await ctx.stopGenerator(generator);
  }
}

/** Closed loop over WebSocket: the most messages per second 100 agents can get answered. */
export const wsThroughput: Scenario = {
  name: 'ws-throughput',
  title: 'WebSocket heartbeats, closed loop (max throughput)',
  run: (ctx) =>
    wsScenario(
      ctx,
      'ws-throughput',
      'WebSocket heartbeats, closed loop (max throughput)',
      {
        agents: 100,
        mode: 'closed-loop',
        warmupMs: ctx.size(3000, 500),
        measureMs: ctx.size(8000, 1500),
        bare: true,
      },
      () => [],
    ),
};

/** Open loop: `agents` WebSocket agents, one message per agent per second. */
export function wsAtRate(fullAgents: number, quickAgents: number): Scenario {
  const name = `ws-${fullAgents / 1000}k`;
  return {
    name,
    title: `WebSocket heartbeats, ${fullAgents.toLocaleString('en')} agents × 1 msg/s`,
    run: (ctx) => {
      const agents = ctx.size(fullAgents, quickAgents);
      return wsScenario(
        ctx,
        name,
        `WebSocket heartbeats, ${agents.toLocaleString('en')} agents × 1 msg/s`,
        // After connecting, the server digests every agent's full state (and a GC follows): warm up past it.
        {
          agents,
          mode: 'rate',
          warmupMs: ctx.size(5000, agents >= 2000 ? 2000 : 1000),
          measureMs: ctx.size(20_000, 1500),
        },
        (real, result) => {
          const keptUp = real.msgsPerS! >= agents * 0.97 && result.unanswered === 0 && real.errors === 0;
          const saturated = real.generatorBound === true;
          const checks: TargetCheck[] = [
            judge(
              `${agents} agents at 1 msg/s answered in full, no errors`,
              `${real.msgsPerS} msg/s`,
              keptUp,
              saturated,
            ),
          ];
          if (fullAgents >= 10_000) {
            checks.push(
              judge(
                `${agents.toLocaleString('en')} WebSocket agents at 1 msg/s: p99 < 50 ms`,
                `p99 ${real.p99Ms} ms`,
                real.p99Ms! < 50 && keptUp,
                saturated,
              ),
            );
          }
          return checks;
        },
      );
    },
  };
}
