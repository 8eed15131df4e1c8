import { AgentCapabilities, PackageStatusEnum, type PackageStatus } from '../../generated/opamp/v1/opamp.js';
import { type AgentView } from '../../plugin-api/index.js';
import { hasCapability } from '../protocol/index.js';
import { type CatalogPackage } from './packages.types.js';

/**
 * Where an agent is with a package it is offered:
 * - `unsupported`: the agent does not accept packages (it is never offered);
 * - `pending`: offered; the agent has not reported this package's hash, or reported it install-pending;
 * - `installing`: downloading or installing this package's hash;
 * - `installed`, `failed`: what the agent reported for this package's hash.
 */
export type PackageInstallState = 'unsupported' | 'pending' | 'installing' | 'installed' | 'failed';

/** Every {@link PackageInstallState}, in the order the API and the metrics list them. */
export const PACKAGE_INSTALL_STATES: readonly PackageInstallState[] = [
  'unsupported',
  'pending',
  'installing',
  'installed',
  'failed',
];

const REPORTED: Record<PackageStatusEnum, PackageInstallState> = {
  [PackageStatusEnum.PackageStatusEnum_Installed]: 'installed',
  [PackageStatusEnum.PackageStatusEnum_InstallPending]: 'pending',
  [PackageStatusEnum.PackageStatusEnum_Installing]: 'installing',
  [PackageStatusEnum.PackageStatusEnum_Downloading]: 'installing',
  [PackageStatusEnum.PackageStatusEnum_InstallFailed]: 'failed',
  [PackageStatusEnum.UNRECOGNIZED]: 'pending',
};

/** Whether the agent takes PackagesAvailable. */
export const acceptsPackages = (agent: AgentView): boolean =>
  hasCapability(agent.effectiveCapabilities, AgentCapabilities.AgentCapabilities_AcceptsPackages);

/** What the agent reported on a package offered under `offeredAs`, if anything. */
export const reportedStatus = (agent: AgentView, offeredAs: string): PackageStatus | undefined =>
  agent.status.packageStatuses?.packages[offeredAs];

/** The {@link PackageInstallState} of an agent offered `pkg` under its offered name. */
export function installStateOf(agent: AgentView, pkg: CatalogPackage): PackageInstallState {
  if (!acceptsPackages(agent)) return 'unsupported';
  const reported = reportedStatus(agent, pkg.offeredAs);
  if (!reported || !Buffer.from(reported.serverOfferedHash).equals(pkg.hash)) {
    // An agent that has this very package installed (from an earlier offer) is done too.
    return reported && Buffer.from(reported.agentHasHash).equals(pkg.hash) ? 'installed' : 'pending';
  }
  return REPORTED[reported.status] ?? 'pending';
}
