import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Measurement, type ScenarioResult, type Verdict } from '../scenarios/scenario.types.js';
import { fmt } from '../scenarios/measure.js';
import { type MachineInfo } from './machine.js';
import { RESULTS_DIR } from './paths.js';
import { type Provenance } from './provenance.js';

/** How the run was asked for. */
export interface BenchSettings {
  readonly mode: 'quick' | 'full';
  /** Scenarios asked for with `--only`; empty for all. */
  readonly only: readonly string[];
  readonly cpuProf: boolean;
}

/** The target counts of a run: `met` of `total`, and why the others were not met. */
export interface TargetSummary {
  readonly met: number;
  readonly total: number;
  readonly missed?: number;
  /** Figures taken with a saturated generator (⚠), never counted as met. */
  readonly notJudged?: number;
  readonly crashed?: number;
  /** `scenario: description (verdict)` of every target not met. */
  readonly notMet?: readonly string[];
}

/**
 * Everything one `npm run bench` produced. `provenance` and `settings` are absent from results written
 * before issue 13; readers must cope.
 */
export interface BenchReport {
  readonly startedAt: string;
  readonly quick: boolean;
  readonly durationS: number;
  readonly provenance?: Provenance;
  readonly settings?: BenchSettings;
  readonly machine: MachineInfo;
  readonly results: readonly ScenarioResult[];
  readonly targets: TargetSummary;
}

/** A target's verdict, also for results written before verdicts existed. */
export const verdictOf = (target: { met: boolean; verdict?: Verdict }): Verdict =>
  target.verdict ?? (target.met ? 'met' : 'missed');

/** Counts the targets of `results`. */
export function summarizeTargets(results: readonly ScenarioResult[]): TargetSummary {
  const all = results.flatMap((r) => r.targets.map((t) => ({ scenario: r.name, ...t })));
  const count = (...verdicts: Verdict[]): number => all.filter((t) => verdicts.includes(verdictOf(t))).length;
  return {
    met: count('met'),
    total: all.length,
    missed: count('missed', 'missed (generator-bound)'),
    notJudged: count('not judged ⚠'),
    crashed: count('failed (crashed)'),
    notMet: all
      .filter((t) => verdictOf(t) !== 'met')
      .map((t) => `${t.scenario}: ${t.description} (${verdictOf(t)})`),
  };
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

type Side = 'server' | 'baseline' | 'bare';
const SIDE_LABEL: Record<Side, string> = {
  server: 'server',
  baseline: 'minimal-OpAMP baseline',
  bare: 'bare route',
};

function row(result: ScenarioResult, side: Side, m: Measurement, legacy: boolean): string[] {
  // Every figure taken while the generator was saturated carries the ⚠.
  const warn = m.generatorBound === true ? ' ⚠' : '';
  const figure = (value: number | undefined): string => (value === undefined ? '-' : `${fmt(value)}${warn}`);
  const cpu = (value: number | undefined, mark = ''): string =>
    value === undefined ? '-' : `${Math.round(value * 100)}%${mark}`;
  const ratioBound = result.real.generatorBound === true || result.baseline?.generatorBound === true;
  const bareBound = result.real.generatorBound === true || result.bareRoute?.generatorBound === true;
  const ratio =
    side === 'server' && result.ratio !== undefined
      ? `${result.ratio}×${ratioBound ? ' ⚠' : ''}`
      : side === 'bare' && result.bareRatio !== undefined
        ? `(${result.bareRatio}×${bareBound ? ' ⚠' : ''})`
        : '';
  return [
    side === 'server' ? result.name : '',
    side === 'server' ? String(result.agents) : '',
    // Before issue 13 the only baseline was the bare route.
    legacy && side === 'baseline' ? 'bare route (old baseline)' : SIDE_LABEL[side],
    figure(m.msgsPerS),
    figure(m.p50Ms),
    figure(m.p99Ms),
    figure(m.durationMs),
    cpu(m.serverCpu),
    fmt(m.serverRssMb),
    cpu(m.generatorCpu, warn),
    ratio,
  ];
}

/** A Markdown table, columns padded. */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The scenario table: server, minimal-OpAMP baseline and bare-route rows. */
export function resultsTable(report: BenchReport): string {
  const rows: string[][] = [];
  for (const result of report.results) {
    if (result.crashed) {
      rows.push([result.name, String(result.agents), 'CRASHED', '-', '-', '-', '-', '-', '-', '-', '']);
      continue;
    }
    const legacy = report.provenance === undefined;
    rows.push(row(result, 'server', result.real, legacy));
    if (result.baseline) rows.push(row(result, 'baseline', result.baseline, legacy));
    if (result.bareRoute) rows.push(row(result, 'bare', result.bareRoute, legacy));
  }
  return markdownTable(HEADER, rows);
}

/** The targets table: description, value, verdict. */
export function targetsTable(report: BenchReport): string {
  const rows = report.results.flatMap((result) =>
    result.targets.map((t) => [result.name, t.description, t.value, verdictOf(t)]),
  );
  return markdownTable(['scenario', 'target', 'result', 'verdict'], rows);
}

/** One line on what was measured: commit, tree, mode, machine. */
export function provenanceLine(report: BenchReport): string {
  const p = report.provenance;
  const commit = p
    ? `commit \`${p.commit.slice(0, 12)}\`${p.dirty ? ` with a dirty tree (${p.dirtyFiles.join('; ')})` : ' (clean tree)'}`
    : 'commit not recorded (written before issue 13)';
  const m = report.machine;
  return (
    `${report.quick ? 'Quick run' : 'Full run'} of ${report.durationS} s, ${report.startedAt}, ${commit}; ` +
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}.`
  );
}

/** The summary line of the targets. */
export function targetsLine(report: BenchReport): string {
  const t = report.targets;
  const parts = [`**Targets met: ${t.met}/${t.total}**`];
  if (t.missed !== undefined) parts.push(`missed ${t.missed}`);
  if (t.notJudged !== undefined) parts.push(`not judged (⚠ generator saturated) ${t.notJudged}`);
  if (t.crashed !== undefined) parts.push(`crashed ${t.crashed}`);
  return `${parts.join(', ')}.`;
}

/** The results as Markdown tables, then targets, rounds and notes (what `npm run bench` prints). */
export function renderReport(report: BenchReport): string {
  const out = [resultsTable(report), '', targetsTable(report), '', targetsLine(report)];
  for (const line of report.targets.notMet ?? []) out.push(`- not met: ${line}`);
  out.push('', 'Ratios:');
  for (const result of report.results) {
    if (result.ratio !== undefined) out.push(`- ${result.name}: ${result.ratio}× on ${result.ratioOf}`);
    if (result.bareRatio !== undefined) out.push(`- ${result.name}: ${result.bareRatio}× the bare route`);
  }
  out.push('', 'Notes:');
  for (const result of report.results) for (const note of result.notes) out.push(`- ${result.name}: ${note}`);
  out.push(
    '',
    provenanceLine(report),
    '⚠ = a figure taken while a generator process was at ≥ 90 % of a core (or, open loop, > 50 ms behind).',
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
