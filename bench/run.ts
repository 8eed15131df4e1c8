/**
 * `npm run bench [-- --quick] [--only a,b] [--cpu-prof] [--no-write]`: starts the bare baseline and the real
 * server (`node dist/main.js`) as separate processes on 127.0.0.1, drives them with load generators in
 * their own processes, and prints/writes messages/s, latency, CPU, RSS and the ratio to the baseline.
 */
import { BenchContext } from './lib/bench-context.js';
import { parseBenchOptions } from './lib/bench-options.js';
import { machineInfo } from './lib/machine.js';
import { renderReport, writeReport, type BenchReport } from './lib/report.js';
import { httpHeartbeats } from './scenarios/http-heartbeats.js';
import { idleRss } from './scenarios/idle-rss.js';
import { persistenceLifecycle } from './scenarios/persistence.js';
import { configRollout } from './scenarios/rollout.js';
import { type Scenario, type ScenarioResult } from './scenarios/scenario.types.js';
import { firstMessageStorm, odigosStorm } from './scenarios/storm.js';
import { wsAtRate, wsThroughput } from './scenarios/ws-heartbeats.js';

const SCENARIOS: readonly Scenario[] = [
  httpHeartbeats,
  wsThroughput,
  wsAtRate(1000, 500),
  wsAtRate(10_000, 2000),
  firstMessageStorm,
  configRollout,
  odigosStorm,
  persistenceLifecycle,
  idleRss,
];

const options = parseBenchOptions(process.argv.slice(2));
const selected = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.name));
const startedAt = new Date();
const started = performance.now();
const ctx = await BenchContext.create(options);
const results: ScenarioResult[] = [];
let failed = false;
try {
  for (const scenario of selected) {
    process.stderr.write(`bench: ${scenario.name} ...`);
    const t0 = performance.now();
    try {
      results.push(await scenario.run(ctx));
      process.stderr.write(` ${Math.round((performance.now() - t0) / 100) / 10} s\n`);
    } catch (error) {
      failed = true;
      process.stderr.write(` FAILED: ${(error as Error).stack ?? String(error)}\n`);
    }
  }
} finally {
  await ctx.close();
}
const targets = results.flatMap((r) => r.targets);
const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  quick: options.quick,
  durationS: Math.round((performance.now() - started) / 1000),
  machine: machineInfo(),
  results,
  targets: { met: targets.filter((t) => t.met).length, total: targets.length },
};
process.stdout.write(`${renderReport(report)}\n`);
if (!options.noWrite) {
  for (const path of writeReport(report)) process.stderr.write(`bench: wrote ${path}\n`);
}
process.stderr.write(`bench: server logs in ${ctx.logDir}\n`);
process.exit(failed ? 1 : 0);
