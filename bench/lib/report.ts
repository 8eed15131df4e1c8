import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Measurement, type ScenarioResult } from '../scenarios/scenario.types.js';
import { fmt } from '../scenarios/measure.js';
import { type MachineInfo } from './machine.js';
import { RESULTS_DIR } from './paths.js';

/** Everything one `npm run bench` produced. */
export interface BenchReport {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly durationS: number;
  readonly machine: MachineInfo;
  readonly results: readonly ScenarioResult[];
  readonly targets: { readonly met: number; readonly total: number };
}

const HEADER = [
  'scenario',
  'agents',
  'side',
  'msgs/s',
  'p50 ms',
  'p99 ms',
  'time ms',
  'srv CPU',
  'srv RSS MB',
  'gen CPU',
  'ratio',
];

function row(result: ScenarioResult, side: 'baseline' | 'server', m: Measurement): string[] {
  const cpu = (value: number | undefined, bound = false): string =>
    value === undefined ? '-' : `${Math.round(value * 100)}%${bound ? ' ⚠' : ''}`;
  return [
    side === 'server' ? result.name : '',
    side === 'server' ? String(result.agents) : '',
    side,
    fmt(m.msgsPerS),
    fmt(m.p50Ms),
    fmt(m.p99Ms),
    fmt(m.durationMs),
    cpu(m.serverCpu),
    fmt(m.serverRssMb),
    cpu(m.generatorCpu, m.generatorBound),
    side === 'server' && result.ratio !== undefined ? `${result.ratio}×` : '',
  ];
}

/** The results as a Markdown table (server and baseline rows), then targets and notes. */
export function renderReport(report: BenchReport): string {
  const rows: string[][] = [];
  for (const result of report.results) {
    rows.push(row(result, 'server', result.real));
    if (result.baseline) rows.push(row(result, 'baseline', result.baseline));
  }
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(HEADER), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line), ''];
  out.push('Targets:');
  for (const result of report.results) {
    for (const target of result.targets) {
      out.push(`- ${target.met ? 'MET   ' : 'MISSED'} ${target.description}: ${target.value}`);
    }
  }
  out.push('', 'Ratios:');
  for (const result of report.results) {
    if (result.ratio !== undefined) out.push(`- ${result.name}: ${result.ratio}× on ${result.ratioOf}`);
  }
  out.push('', 'Notes:');
  for (const result of report.results) for (const note of result.notes) out.push(`- ${result.name}: ${note}`);
  const m = report.machine;
  out.push(
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}.` +
      ` ${report.quick ? 'Quick run' : 'Full run'} of ${report.durationS} s, ${report.startedAt}.` +
      ` Targets met: ${report.targets.met}/${report.targets.total}. ⚠ = generator ≥ 90 % of a core.`,
  );
  return out.join('\n');
}

/** Writes `bench/results/latest[-quick].json` and a timestamped copy; returns the paths. */
export function writeReport(report: BenchReport): string[] {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const stamp = report.startedAt.replace(/[:.]/g, '-');
  const kind = report.quick ? '-quick' : '';
  const paths = [join(RESULTS_DIR, `latest${kind}.json`), join(RESULTS_DIR, `${stamp}${kind}.json`)];
  for (const path of paths) writeFileSync(path, json);
  return paths;
}
