import { api, unwrap } from '../api/admin-client.js';
import { RolloutBar } from '../components/rollout-bar.js';
import { ErrorNote, Time } from '../components/status.js';
import { useLoad } from '../use-load.js';

/** The configs, their assignments and their rollout, live. */
export function ConfigsPage() {
  const { data, error } = useLoad(async () => unwrap(await api.GET('/api/v1/configs')), 'configs');
  return (
    <section aria-labelledby="configs-title">
      <h1 id="configs-title">Configs</h1>
      <p>
        <a class="button" href="/configs/new">
          New config
        </a>
      </p>
      <ErrorNote message={error} />
      {data && <p class="muted">Stored in: {data.store}</p>}
      {data?.items.length === 0 && <p>No configs yet.</p>}
      <ul class="cards">
        {data?.items.map((config) => (
          <li key={config.name} class="card" data-config={config.name}>
            <h2>
              <a href={`/configs/${encodeURIComponent(config.name)}`}>{config.name}</a>
            </h2>
            <p class="muted">
              {config.files.length} file(s) · updated <Time iso={config.updatedAt} /> · hash{' '}
              <code>{config.hash?.slice(0, 12) ?? '—'}</code>
            </p>
            <p>
              Assigned to:{' '}
              {config.assignments.length === 0
                ? 'nobody'
                : config.assignments
                    .map((assignment) =>
                      assignment.agent
                        ? `agent ${assignment.agent}`
                        : `{${Object.entries(assignment.selector ?? {})
                            .map(([key, value]) => `${key}=${value}`)
                            .join(', ')}}`,
                    )
                    .join('; ')}
            </p>
            <RolloutBar name={config.name} rollout={config.rollout} />
            {config.rollout.failedAgents.length > 0 && (
              <p class="error-text">Failed: {config.rollout.failedAgents.join(', ')}</p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
