import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time a process (all its threads) has used, and its resident memory, at one instant. */
export interface ProcSample {
  /** user + system CPU seconds since the process started. */
  readonly cpuS: number;
  /** Resident set size, bytes. */
  readonly rssBytes: number;
  /** Monotonic time of the sample, ms. */
  readonly atMs: number;
}

/** Reads `/proc/<pid>/stat` (utime, stime) and `/proc/<pid>/status` (VmRSS). */
export function sampleProcess(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuS: (utime + stime) / CLOCK_TICKS, rssBytes: rssKb * 1024, atMs: performance.now() };
}

/** CPU use between two samples, as a fraction of one core (1.0 = one core busy). */
export function cpuBetween(from: ProcSample, to: ProcSample): number {
  const wallS = (to.atMs - from.atMs) / 1000;
  return wallS > 0 ? (to.cpuS - from.cpuS) / wallS : 0;
}

/**
 * Samples a process every `intervalMs` between `start()` and `stop()`: CPU over the window, RSS at the
 * end and its peak.
 */
export class ProcessMonitor {
  private first?: ProcSample;
  private last?: ProcSample;
  private peakRss = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.first = sampleProcess(this.pid);
    this.peakRss = this.first.rssBytes;
    this.timer = setInterval(() => {
      try {
        this.peakRss = Math.max(this.peakRss, sampleProcess(this.pid).rssBytes);
      } catch {
        // the process ended; stop() reports what was seen
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    const first = this.first ?? sampleProcess(this.pid);
    this.last = sampleProcess(this.pid);
    this.peakRss = Math.max(this.peakRss, this.last.rssBytes);
    return {
      cpuCores: cpuBetween(first, this.last),
      cpuSeconds: this.last.cpuS - first.cpuS,
      rssBytes: this.last.rssBytes,
      peakRssBytes: this.peakRss,
    };
  }
}

/** What a {@link ProcessMonitor} saw. */
export interface ProcessUsage {
  /** Average CPU over the window, in cores (1.0 = one core). */
  readonly cpuCores: number;
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly peakRssBytes: number;
}
