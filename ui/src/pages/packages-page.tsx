import { api, unwrap } from '../api/admin-client.js';
import { type AdminApiSchemas } from '../../../src/client/index.js';
import { CountsBar } from '../components/counts-bar.js';
import { ErrorNote } from '../components/status.js';
import { useLoad } from '../use-load.js';

type Package = AdminApiSchemas['Package'];

/** Install states in the order a rollout moves through them, with the colour each is drawn in. */
const INSTALL_STATES = [
  ['installed', 'applied'],
  ['installing', 'applying'],
  ['pending', 'pending'],
  ['failed', 'failed'],
  ['unsupported', 'unsupported'],
] as const;

const assignmentText = (assignment: Package['assignments'][number]): string =>
  assignment.agent !== undefined
    ? `agent ${assignment.agent}`
    : Object.keys(assignment.selector ?? {}).length === 0
      ? 'every agent'
      : Object.entries(assignment.selector ?? {})
          .map(([key, value]) => `${key}=${value}`)
          .join(', ');

/** The package catalog: each package, whom it is assigned to, and its install rollout per state. */
export function PackagesPage() {
  const { data, error } = useLoad(async () => unwrap(await api.GET('/api/v1/packages')), 'packages');
  return (
    <section aria-labelledby="packages-title">
      <h1 id="packages-title">Packages</h1>
      <ErrorNote message={error} />
      {data && <p class="muted">Catalog: {data.catalog}</p>}
      {data?.items.length === 0 && <p>None defined.</p>}
      {data?.items.map((pkg) => (
        <section key={pkg.name} class="card" aria-labelledby={`package-${pkg.name}`}>
          <h2 id={`package-${pkg.name}`}>
            {pkg.name} <span class="muted">{pkg.version}</span>
          </h2>
          <p>
            {pkg.type} package, offered as <code>{pkg.offeredAs}</code>, from <code>{pkg.downloadUrl}</code>
          </p>
          <p>
            Assigned to:{' '}
            {pkg.assignments.length === 0 ? (
              <span class="muted">nobody yet</span>
            ) : (
              pkg.assignments.map((assignment) => assignmentText(assignment)).join('; ')
            )}
          </p>
          <CountsBar
            title={`Install rollout of ${pkg.name}: ${pkg.rollout.agents} agents`}
            segments={INSTALL_STATES.map(([state, kind]) => ({
              label: state,
              count: pkg.rollout[state],
              kind,
            }))}
          />
          {pkg.rollout.failedAgents.length > 0 && (
            <ul>
              {pkg.rollout.failedAgents.map((failed) => (
                <li key={failed.agent}>
                  <a href={`/agents/${encodeURIComponent(failed.agent)}`}>{failed.agent}</a>:{' '}
                  {failed.errorMessage}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </section>
  );
}
