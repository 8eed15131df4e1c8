import { type Clock, systemClock } from '../../../common/clock.js';
import { type DeviceAllocation, indexDeviceAllocations } from './device-allocation.js';
import { type PodResourcesSource } from './kubelet-pod-resources.client.js';

/** Shortest time between two kubelet `List` calls unless configured: 1 s. */
export const DEFAULT_MIN_REBUILD_INTERVAL_MS = 1_000;

/** Options of {@link DevicePodResolver}. */
export interface DevicePodResolverOptions {
  /** Only devices whose resource name contains this are indexed (a plugin's device kind); default: every device. */
  readonly resourceNameFilter?: string;
  /**
   * After a rebuild ends, misses within this many milliseconds are answered from the current snapshot without
   * asking the kubelet; default {@link DEFAULT_MIN_REBUILD_INTERVAL_MS}. `0` rebuilds on every miss.
   */
  readonly minRebuildIntervalMs?: number;
  /** Time source; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Resolves a device id (one a plugin's agents report, e.g. in a request header) to the pod and container it
 * is allocated to, from an in-memory snapshot of the kubelet's pod resources.
 *
 * A miss rebuilds the whole snapshot with one `List` call. Concurrent misses share that call, and no new
 * call starts until `minRebuildIntervalMs` after the previous one ended, so a flood of unknown ids costs the
 * kubelet at most one call per interval. A failed rebuild keeps the previous snapshot.
 */
export class DevicePodResolver {
  private readonly resourceNameFilter: string;
  private readonly minRebuildIntervalMs: number;
  private readonly clock: Clock;
  private snapshot = new Map<string, DeviceAllocation>();
  private rebuilding: Promise<void> | undefined;
  private lastRebuildEndedAt: number | undefined;
  private lastRebuildError: unknown;

  constructor(
    private readonly source: PodResourcesSource,
    options: DevicePodResolverOptions = {},
  ) {
    this.resourceNameFilter = options.resourceNameFilter ?? '';
    this.minRebuildIntervalMs = options.minRebuildIntervalMs ?? DEFAULT_MIN_REBUILD_INTERVAL_MS;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The allocation of `deviceId`, or `undefined` when the kubelet does not list it under a matching resource.
   * @throws {KubeletPodResourcesError} the rebuild this miss needed failed; within the rebuild interval after a
   * failure, misses fail with that same error without asking the kubelet again.
   */
  async resolve(deviceId: string): Promise<DeviceAllocation | undefined> {
    const cached = this.snapshot.get(deviceId);
    if (cached) return cached;
    await this.rebuildIfDue();
    return this.snapshot.get(deviceId);
  }

  private rebuildIfDue(): Promise<void> {
    if (this.rebuilding) return this.rebuilding;
    if (this.lastRebuildEndedAt !== undefined) {
      const sinceLastRebuild = this.clock.now() - this.lastRebuildEndedAt;
      if (sinceLastRebuild < this.minRebuildIntervalMs) {
        return this.lastRebuildError === undefined
          ? Promise.resolve()
          : Promise.reject(this.lastRebuildError);
      }
    }
    this.rebuilding = this.rebuild().finally(() => {
      this.rebuilding = undefined;
    });
    return this.rebuilding;
  }

  private async rebuild(): Promise<void> {
    try {
      const pods = await this.source.list();
      this.snapshot = indexDeviceAllocations(pods, this.resourceNameFilter);
      this.lastRebuildError = undefined;
    } catch (error) {
      this.lastRebuildError = error;
      throw error;
    } finally {
      this.lastRebuildEndedAt = this.clock.now();
    }
  }
}
