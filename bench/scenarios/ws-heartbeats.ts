import { type BenchContext } from '../lib/bench-context.js';
import {
  busiestGeneratorCpu,
  describeGenerators,
  GENERATOR_MAX_LAG_MS,
  isGeneratorBound,
} from '../lib/generator-bound.js';
import { WsLoadFleet, memberLoads, type FleetRun } from '../lib/ws-load-fleet.js';
import { measurement, runNotes, type Side } from './measure.js';
import {
  judge,
  round,
  type Measurement,
  type Scenario,
  type ScenarioResult,
  type TargetCheck,
} from './scenario.types.js';

interface WsRunSpec {
  readonly agents: number;
  readonly mode: 'rate' | 'closed-loop';
  readonly warmupMs: number;
  readonly measureMs: number;
  /** Generator processes the agents are spread over. */
  readonly generators: number;
  /** Also measure the bare echo (fixed frame, nothing decoded) as a ceiling beside the baseline. */
  readonly bare?: boolean;
}

/** Connects `agents` over the fleet, runs them, closes them; one side. */
async function wsSide(
  fleet: WsLoadFleet,
  url: string,
  serverPid: number,
  spec: WsRunSpec,
): Promise<{ run: FleetRun; connectFailed: number }> {
  const connected = await fleet.connect(url, spec.agents, { statusEvery: 30 });
  const run = await fleet.run(
    {
      type: 'ws-run',
      mode: spec.mode,
      ratePerAgentPerS: 1,
      warmupMs: spec.warmupMs,
      measureMs: spec.measureMs,
    },
    serverPid,
  );
  await fleet.close();
  return { run, connectFailed: connected.failed };
}

/**
 * A {@link Measurement} of one side's run: the generator column is the busiest process's CPU, and the ⚠ is
 * set when any process was saturated or (open loop) behind its schedule ({@link isGeneratorBound}).
 */
function fleetMeasurement(run: FleetRun, side: Side = 'server'): Measurement {
  const loads = memberLoads(run.members);
  return {
    ...measurement(run.result, { server: run.server }, side),
    generatorCpu: round(busiestGeneratorCpu(loads)),
    generatorBound: isGeneratorBound(loads),
  };
}

async function wsScenario(
  ctx: BenchContext,
  name: string,
  title: string,
  spec: WsRunSpec,
  targets: (real: Measurement, result: FleetRun['result']) => TargetCheck[],
): Promise<ScenarioResult> {
  const server = await ctx.server('default');
  const fleet = await WsLoadFleet.start(ctx, spec.generators);
  try {
    const base = await wsSide(fleet, ctx.baseline.wsUrl, ctx.baseline.pid, spec);
    const bare = spec.bare ? await wsSide(fleet, ctx.baseline.bareWsUrl, ctx.baseline.pid, spec) : undefined;
    const real = await wsSide(fleet, server.wsUrl, server.pid, spec);
    const baseline = fleetMeasurement(base.run, 'baseline');
    const bareRoute = bare ? fleetMeasurement(bare.run, 'bare') : undefined;
    const measured = fleetMeasurement(real.run);
    const notes = [
      ...runNotes('baseline', base.run.result),
      ...(bare ? runNotes('bare', bare.run.result) : []),
      ...runNotes('server', real.run.result),
    ];
    if (spec.generators > 1 || spec.mode === 'rate') {
      const sides = [
        `baseline ${describeGenerators(memberLoads(base.run.members))}`,
        ...(bare ? [`bare ${describeGenerators(memberLoads(bare.run.members))}`] : []),
        `server ${describeGenerators(memberLoads(real.run.members))}`,
      ];
      notes.push(
        `agents spread over ${fleet.size} generator process${fleet.size === 1 ? '' : 'es'}; generator CPU${spec.mode === 'rate' ? ' and schedule lag' : ''} per process: ${sides.join('; ')}${spec.mode === 'rate' ? ` (⚠ at ≥ 90 % of a core or > ${GENERATOR_MAX_LAG_MS} ms behind)` : ''}`,
      );
    }
    const bareRatio = bareRoute ? round(measured.msgsPerS! / bareRoute.msgsPerS!, 3) : undefined;
    if (bareRatio !== undefined)
      notes.push(`server ÷ bare echo (fixed frame, nothing decoded): ${bareRatio}×`);
    if (base.connectFailed + real.connectFailed > 0)
      notes.push(
        `connections refused or failed: baseline ${base.connectFailed}, server ${real.connectFailed}`,
      );
    if (real.run.result.unanswered > 0)
      notes.push(`server: ${real.run.result.unanswered} messages unanswered after 5 s`);
    const cpuRatio =
      baseline.serverCpu && measured.serverCpu
        ? round(measured.serverCpu / baseline.serverCpu, 1)
        : undefined;
    if (spec.mode === 'rate' && cpuRatio !== undefined)
      notes.push(`server CPU ${cpuRatio}× the minimal-OpAMP echo's at the same rate`);
    const generatorDetails = (run: FleetRun): unknown[] =>
      run.members.map((m) => ({
        name: m.name,
        cpu: round(m.usage.cpuCores),
        maxSendLagMs: round(m.result.maxSendLagMs, 1),
        messages: m.result.messages,
      }));
    return {
      name,
      title,
      agents: spec.agents,
      real: measured,
      baseline,
      ...(bareRoute ? { bareRoute, bareRatio } : {}),
      ratio: round(measured.msgsPerS! / baseline.msgsPerS!, 3),
      ratioOf: 'messages/s (server ÷ minimal-OpAMP baseline)',
      settings: {
        mode: spec.mode,
        warmupMs: spec.warmupMs,
        measureMs: spec.measureMs,
        rounds: 1,
        generators: spec.generators,
      },
      targets: targets(measured, real.run.result),
      notes,
      details: {
        ...(cpuRatio !== undefined ? { serverCpuRatio: cpuRatio } : {}),
        generators: {
          baseline: generatorDetails(base.run),
          ...(bare ? { bare: generatorDetails(bare.run) } : {}),
          server: generatorDetails(real.run),
        },
      },
    };
  } finally {
    await fleet.stop();
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
        // One process, as before: the server takes a core here, and a second busy sender would only compete
        // with it for the machine's other one.
        generators: 1,
        bare: true,
      },
      () => [],
    ),
};

/**
 * Open loop: `agents` WebSocket agents, one message per agent per second. The figures get the ⚠ when a
 * generator process was saturated or fell more than {@link GENERATOR_MAX_LAG_MS} ms behind its schedule.
 */
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
          // 10,000 agents are split so that no one process falls behind its 10,000 sends a second.
          generators: fullAgents >= 10_000 ? 2 : 1,
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
