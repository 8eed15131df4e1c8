/**
 * `npm run bench [-- --quick] [--only a,b] [--cpu-prof] [--no-write]` (`-- --scale`: bench/scale/run-scale.ts): starts the baselines (minimal OpAMP
 * and bare route) and the real server (`node dist/main.js`) as separate processes on 127.0.0.1, drives them
 * with load generators in their own processes, and prints/writes messages/s, latency, CPU, RSS and the ratio
 * to the baseline, with the commit measured, the machine and the settings. Then rewrites the generated region
 * of bench/README.md from the results (`npm run bench:report`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { BenchContext } from './lib/bench-context.js';
import { parseBenchOptions } from './lib/bench-options.js';
import { machineInfo } from './lib/machine.js';
import { provenance } from './lib/provenance.js';
import { README_PATH, updatedReadme } from './lib/readme-region.js';
import { renderReport, summarizeTargets, writeReport, type BenchReport } from './lib/report.js';
import { httpHeartbeats } from './scenarios/http-heartbeats.js';
import { hubMergedList } from './scenarios/hub.js';
import { idleRss } from './scenarios/idle-rss.js';
import { instanceLifecycle } from './scenarios/instance-lifecycle.js';
import { persistenceLifecycle } from './scenarios/persistence.js';
import { configRollout } from './scenarios/rollout.js';
import { crashed, type Scenario, type ScenarioResult } from './scenarios/scenario.types.js';
import { firstMessageStorm, odigosStorm } from './scenarios/storm.js';
import { uiAgentsPage } from './scenarios/ui-agents.js';
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
  instanceLifecycle,
  idleRss,
  uiAgentsPage,
  hubMergedList,
];

if (process.argv.includes('--scale')) {
  // The scale run (19,000 agents, restart storm) is its own 10-minute run with its own results file.
  const { runScaleBench } = await import('./scale/run-scale.js');
  process.exit(await runScaleBench(process.argv.slice(2)));
}

const options = parseBenchOptions(process.argv.slice(2));
const selected = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.name));
// Recorded before anything runs: the code measured is the tree as it is now.
const measuredCode = provenance();
const startedAt = new Date();
const started = performance.now();
const ctx = await BenchContext.create(options);
const results: ScenarioResult[] = [];

/** The result of a scenario that threw: a failed target, counted in the summary. */
const crashedResult = (scenario: Scenario, why: string): ScenarioResult => ({
  name: scenario.name,
  title: scenario.title,
  agents: 0,
  real: {},
  crashed: why,
  targets: [crashed(scenario.name, why)],
  notes: [`crashed: ${why}`],
});

try {
  for (const scenario of selected) {
    process.stderr.write(`bench: ${scenario.name} ...`);
    const t0 = performance.now();
    let result: ScenarioResult;
    try {
      result = await scenario.run(ctx);
      process.stderr.write(` ${Math.round((performance.now() - t0) / 100) / 10} s\n`);
    } catch (error) {
      process.stderr.write(` CRASHED: ${(error as Error).stack ?? String(error)}\n`);
      result = crashedResult(scenario, (error as Error).message ?? String(error));
    }
    const dead = ctx.takeDeadServers();
    if (dead.length > 0 && !result.crashed) {
      const why = `${dead.join(', ')} exited during the scenario`;
      process.stderr.write(`bench: ${scenario.name}: ${why}\n`);
      result = { ...result, crashed: why, targets: [...result.targets, crashed(scenario.name, why)] };
    }
    results.push(result);
  }
} finally {
  await ctx.close();
}
const targets = summarizeTargets(results);
const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  quick: options.quick,
  durationS: Math.round((performance.now() - started) / 1000),
  provenance: measuredCode,
  settings: { mode: options.quick ? 'quick' : 'full', only: options.only, cpuProf: options.cpuProf },
  machine: machineInfo(),
  results,
  targets,
};
process.stdout.write(`${renderReport(report)}\n`);
if (!options.noWrite) {
  for (const path of writeReport(report)) process.stderr.write(`bench: wrote ${path}\n`);
  const readme = readFileSync(README_PATH, 'utf8');
  const updated = await updatedReadme(readme);
  if (updated !== readme) {
    writeFileSync(README_PATH, updated);
    process.stderr.write(`bench: rewrote the results region of ${README_PATH}\n`);
  }
}
process.stderr.write(`bench: server logs in ${ctx.logDir}\n`);
process.exit(results.some((r) => r.crashed) ? 1 : 0);
