/**
 * `npm run bench -- --scale`: the scale run of issue 13 on its own (about 10 minutes, unattended): 19,000
 * WebSocket agents on one server process for a 5-minute window, then the restart storm. Writes
 * `bench/results/scale-latest.json` (and a timestamped copy) and the README's scale section.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from '../lib/machine.js';
import { PROFILES_DIR, RESULTS_DIR } from '../lib/paths.js';
import { provenance } from '../lib/provenance.js';
import { README_PATH, updatedReadme } from '../lib/readme-region.js';
import { renderReport, summarizeTargets, type BenchReport } from '../lib/report.js';
import { crashed, type ScenarioResult } from '../scenarios/scenario.types.js';
import { parseScaleOptions } from './scale-options.js';
import { runScale } from './scale-scenario.js';

/** The results file of the last full `--scale` run. */
export const SCALE_RESULTS_FILE = 'scale-latest.json';

/** Runs the scale scenarios; returns the exit code. */
export async function runScaleBench(argv: readonly string[]): Promise<number> {
  const options = parseScaleOptions(argv);
  const measuredCode = provenance();
  const startedAt = new Date();
  const started = performance.now();
  const salt = `${process.pid}-${Date.now()}`;
  const logDir = join(tmpdir(), `opamp-bench-scale-${salt}`);
  mkdirSync(logDir, { recursive: true });
  if (options.cpuProf) mkdirSync(PROFILES_DIR, { recursive: true });
  let results: ScenarioResult[];
  try {
    results = await runScale(options, { logDir, salt });
  } catch (error) {
    const why = (error as Error).message ?? String(error);
    process.stderr.write(`bench scale: CRASHED: ${(error as Error).stack ?? why}\n`);
    results = [
      {
        name: 'scale',
        title: 'scale run',
        agents: options.agents,
        real: {},
        crashed: why,
        targets: [crashed('scale', why)],
        notes: [`crashed: ${why}`],
      },
    ];
  }
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    quick: false,
    durationS: Math.round((performance.now() - started) / 1000),
    provenance: measuredCode,
    settings: { mode: 'full', only: ['scale', 'restart-storm'], cpuProf: options.cpuProf },
    machine: machineInfo(),
    results,
    targets: summarizeTargets(results),
  };
  process.stdout.write(`${renderReport(report)}\n`);
  if (!options.noWrite) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const json = `${JSON.stringify(report, null, 2)}\n`;
    const stamp = report.startedAt.replace(/[:.]/g, '-');
    for (const file of [SCALE_RESULTS_FILE, `${stamp}-scale.json`]) {
      writeFileSync(join(RESULTS_DIR, file), json);
      process.stderr.write(`bench: wrote ${join(RESULTS_DIR, file)}\n`);
    }
    const readme = readFileSync(README_PATH, 'utf8');
    const updated = await updatedReadme(readme);
    if (updated !== readme) writeFileSync(README_PATH, updated);
  }
  process.stderr.write(`bench: server logs in ${logDir}\n`);
  return results.some((r) => r.crashed) ? 1 : 0;
}
