import {
  markdownTable,
  provenanceLine,
  resultsTable,
  targetsLine,
  targetsTable,
  type BenchReport,
} from './report.js';
import { type RestartDetails, type ScaleDetails } from '../scale/scale-scenario.js';

const kinds = (record: Readonly<Record<string, number>> | undefined): string =>
  Object.entries(record ?? {})
    .map(([key, value]) => `${key} × ${value}`)
    .join(', ') || 'none';

/** The figures of the scale run beyond the common tables: memory, CPU, the 100,000 projection, the storm. */
function scaleFigures(report: BenchReport): string {
  const scale = report.results.find((r) => r.name === 'scale')?.details as ScaleDetails | undefined;
  const storm = report.results.find((r) => r.name === 'restart-storm')?.details as RestartDetails | undefined;
  const rows: string[][] = [];
  if (scale) {
    const p = scale.projection;
    rows.push(
      [
        'RSS per agent, before / after a forced GC',
        `${scale.rssPerAgentBeforeGcKiB} / ${scale.rssPerAgentAfterGcKiB} KiB`,
      ],
      [
        'JS heap / external per agent (after GC)',
        `${scale.heapPerAgentKiB} / ${scale.externalPerAgentKiB} KiB`,
      ],
      [
        'server RSS with no agent (after GC) / with the fleet (before GC)',
        `${scale.serverRssBeforeMiB} / ${scale.serverRssWithAgentsMiB} MiB`,
      ],
      ['server CPU per 1,000 msgs/s', `${scale.cpuCoresPer1000MsgsPerS} cores`],
      ['generators CPU (each)', scale.generatorCpuCores.map((c) => `${Math.round(c * 100)}%`).join(', ')],
      ['errors', kinds(scale.errorKinds)],
      [
        `projection, ${p.agents.toLocaleString('en')} agents on one process`,
        `${p.rssMiB} MiB RSS (${p.heapMiB} MiB JS heap), ${p.cpuCores} cores at ${p.msgsPerS} msgs/s, ` +
          `${p.openFiles.toLocaleString('en')} open files: set \`LimitNOFILE\`/\`ulimit -n\` ≥ ${p.openFileLimit.toLocaleString('en')}`,
      ],
    );
  }
  if (storm) {
    rows.push(
      [
        'restart storm: all back',
        `${storm.back} agents, ${storm.allBackFromStopS ?? '-'} s after SIGTERM (${storm.allBackFromReadyS ?? '-'} s after the new server was ready; stop ${storm.stopMs} ms, start ${storm.startMs} ms)`,
      ],
      ['restart storm: refusals (retried)', kinds(storm.refusals)],
      [
        'restart storm: connection errors while down (retried)',
        `${kinds(storm.errorKinds)}; ${storm.reconnects} reconnects`,
      ],
      [
        'restart storm: peak RSS',
        `${storm.serverPeakRssMiB} MiB (${storm.serverRssFreshMiB} MiB fresh): ${storm.peakRssPerAgentKiB} KiB per agent`,
      ],
    );
  }
  return rows.length === 0 ? '' : markdownTable(['figure', 'value'], rows);
}

/** The README section of `results/scale-latest.json` (`npm run bench -- --scale`). */
export function scaleSection(report: BenchReport | undefined, file: string): string {
  const title = '### Scale run (`npm run bench -- --scale`)';
  if (!report) return `${title}\n\nNo \`results/${file}\` yet.`;
  const parts = [
    title,
    '',
    `${provenanceLine(report).replace(/^Full run/, 'Scale run')} Raw numbers: \`results/${file}\`.`,
    '',
    resultsTable(report),
    '',
    targetsTable(report),
    '',
    targetsLine(report),
  ];
  const figures = scaleFigures(report);
  if (figures) parts.push('', figures);
  return parts.join('\n');
}
