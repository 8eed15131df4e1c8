import { GENERATOR_BOUND_CORES, round } from '../scenarios/scenario.types.js';

/**
 * An open-loop generator that fell more than this many milliseconds behind its sending schedule was itself
 * late: its sends bunch up and its replies wait for its event loop, so the latency it measures is inflated.
 * The figure is the largest lag of a 20 s window: on a quiet machine each of the ws-10k processes (about 20 %
 * of a core) still fell 15-35 ms behind once, while a machine busy with another benchmark put them 74-576 ms
 * behind; 50 ms is also where the run notes have always said "generator fell behind".
 */
export const GENERATOR_MAX_LAG_MS = 50;

/** What one generator process did over a measured window. */
export interface GeneratorLoad {
  /** Names the process in notes ("generator 1"). */
  readonly name: string;
  /** CPU over the window, cores. */
  readonly cpuCores: number;
  /** Open loop only: the largest delay between when a message was due and when it was sent, ms. */
  readonly maxSendLagMs?: number;
}

/** Why `load`'s figures cannot be trusted to be the server's: saturated, or behind its schedule; none when fine. */
export function generatorLimit(load: GeneratorLoad): string | undefined {
  if (load.cpuCores >= GENERATOR_BOUND_CORES)
    return `${load.name} at ${Math.round(load.cpuCores * 100)} % of a core`;
  if ((load.maxSendLagMs ?? 0) > GENERATOR_MAX_LAG_MS)
    return `${load.name} ${round(load.maxSendLagMs!, 0)} ms behind its schedule`;
  return undefined;
}

/**
 * A figure taken while ANY of the generator processes that produced it was at ≥ {@link GENERATOR_BOUND_CORES}
 * of a core, or (open loop) more than {@link GENERATOR_MAX_LAG_MS} ms behind its schedule, gets the ⚠: that
 * process, not the server, may have set the pace or the latency.
 */
export const isGeneratorBound = (loads: readonly GeneratorLoad[]): boolean =>
  loads.some((load) => generatorLimit(load) !== undefined);

/** The CPU of the busiest process, cores: the figure shown in the table's generator column. */
export const busiestGeneratorCpu = (loads: readonly GeneratorLoad[]): number =>
  Math.max(0, ...loads.map((load) => load.cpuCores));

/** "generator 1 45 %, 3 ms behind at most; generator 2 47 %, 4 ms behind at most" — each process's CPU and (open loop) lag. */
export const describeGenerators = (loads: readonly GeneratorLoad[]): string =>
  loads
    .map(
      (load) =>
        `${load.name} ${Math.round(load.cpuCores * 100)} %` +
        (load.maxSendLagMs === undefined ? '' : `, ${round(load.maxSendLagMs, 0)} ms behind at most`),
    )
    .join('; ');
