import { packageStatusEnumToJSON, type PackageStatuses } from '../../generated/opamp/v1/opamp.js';
import { type Json } from '../protocol/index.js';

const hex = (bytes: Uint8Array): string | null =>
  bytes.length > 0 ? Buffer.from(bytes).toString('hex') : null;

/**
 * An agent's reported PackageStatuses as JSON (the admin agent view): the all-packages hash it holds from
 * the server, its error, and per package what it has, what it was offered and how installing it went
 * (`Installed`, `InstallPending`, `Installing`, `InstallFailed`, `Downloading`). Null when never reported.
 */
export function renderPackageStatuses(statuses: PackageStatuses | undefined): Json {
  if (!statuses) return null;
  return {
    serverProvidedAllPackagesHash: hex(statuses.serverProvidedAllPackagesHash),
    errorMessage: statuses.errorMessage,
    packages: Object.fromEntries(
      Object.entries(statuses.packages).map(([name, status]) => [
        name,
        {
          agentHasVersion: status.agentHasVersion,
          agentHasHash: hex(status.agentHasHash),
          serverOfferedVersion: status.serverOfferedVersion,
          serverOfferedHash: hex(status.serverOfferedHash),
          status: packageStatusEnumToJSON(status.status).replace('PackageStatusEnum_', ''),
          errorMessage: status.errorMessage,
          downloadPercent: status.downloadDetails?.downloadPercent ?? null,
        },
      ]),
    ),
  };
}
