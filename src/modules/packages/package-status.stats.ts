import { type AgentView } from '../../plugin-api/index.js';
import { PACKAGE_INSTALL_STATES, type PackageInstallState } from './package-install-state.js';
import { PackageStatusEnum } from '../../generated/opamp/v1/opamp.js';

/** What an agent reported about a package, as counted. */
export type ReportedPackageOutcome = Exclude<PackageInstallState, 'unsupported'>;

const OUTCOME: Record<PackageStatusEnum, ReportedPackageOutcome> = {
  [PackageStatusEnum.PackageStatusEnum_Installed]: 'installed',
  [PackageStatusEnum.PackageStatusEnum_InstallPending]: 'pending',
  [PackageStatusEnum.PackageStatusEnum_Installing]: 'installing',
  [PackageStatusEnum.PackageStatusEnum_Downloading]: 'installing',
  [PackageStatusEnum.PackageStatusEnum_InstallFailed]: 'failed',
  [PackageStatusEnum.UNRECOGNIZED]: 'pending',
};

/**
 * Counts the package outcomes agents report (`opamp_package_status_reports_total{outcome}`): each time an
 * agent's status for one package (its offered hash and status) changes, once — an agent repeating the same
 * PackageStatuses is not counted again.
 */
export class PackageStatusStats {
  readonly counts = new Map<ReportedPackageOutcome, number>(
    PACKAGE_INSTALL_STATES.filter((s) => s !== 'unsupported').map((s) => [s as ReportedPackageOutcome, 0]),
  );
  private readonly seen = new WeakMap<AgentView, Map<string, string>>();

  /** Counts what changed in the agent's reported PackageStatuses since the last call for it. */
  observe(agent: AgentView): void {
    const packages = agent.status.packageStatuses?.packages ?? {};
    const previous = this.seen.get(agent) ?? new Map<string, string>();
    const now = new Map<string, string>();
    for (const [name, status] of Object.entries(packages)) {
      const key = `${Buffer.from(status.serverOfferedHash).toString('hex')}|${status.status}`;
      now.set(name, key);
      if (previous.get(name) === key) continue;
      const outcome = OUTCOME[status.status] ?? 'pending';
      this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    }
    this.seen.set(agent, now);
  }
}
