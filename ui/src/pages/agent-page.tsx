import { useState } from 'preact/hooks';
import { ApiCallError, api, unwrap } from '../api/admin-client.js';
import { ConfigCompare } from '../components/config-compare.js';
import { HealthTree } from '../components/health-tree.js';
import { Badge, ErrorNote, KeyValues, Time } from '../components/status.js';
import { type AgentDetail } from '../api/admin-types.js';
import { useLoad } from '../use-load.js';

function RestartButton({ id, accepts }: { id: string; accepts: boolean }) {
  const [outcome, setOutcome] = useState<string>('');
  const restart = async () => {
    setOutcome('Sending…');
    try {
      const answer = unwrap(await api.POST('/api/v1/agents/{id}/restart', { params: { path: { id } } }));
      setOutcome(
        answer.delivery === 'sent' ? 'Restart sent to the agent.' : 'Restart queued for the next poll.',
      );
    } catch (error) {
      setOutcome(error instanceof ApiCallError ? `Not sent: ${error.message}` : String(error));
    }
  };
  return (
    <div class="actions">
      <button type="button" onClick={() => void restart()} disabled={!accepts}>
        Restart agent
      </button>
      {!accepts && <span class="muted"> The agent does not accept the restart command.</span>}
      <span role="status" data-testid="restart-outcome">
        {outcome}
      </span>
    </div>
  );
}

/** The agent's PackageStatuses: per package what it has, what it was offered, and how the install went. */
function PackageStatuses({ statuses }: { statuses: NonNullable<AgentDetail['packages']> }) {
  const rows = Object.entries(statuses.packages);
  if (rows.length === 0) return <p class="muted">No packages.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">package</th>
            <th scope="col">has</th>
            <th scope="col">offered</th>
            <th scope="col">status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, status]) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{status.agentHasVersion || '—'}</td>
              <td>{status.serverOfferedVersion || '—'}</td>
              <td>
                {status.status}
                {status.downloadPercent !== null && ` (${status.downloadPercent} %)`}
                {status.errorMessage && `: ${status.errorMessage}`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One agent: what it said about itself, its health, its configs side by side, its connection; restart. */
export function AgentPage({ id }: { id: string }) {
  const { data: agent, error } = useLoad(
    async () => unwrap(await api.GET('/api/v1/agents/{id}', { params: { path: { id } } })),
    `agent|${id}`,
  );
  return (
    <section aria-labelledby="agent-title">
      <p>
        <a href="/agents">← Agents</a>
      </p>
      <h1 id="agent-title">Agent {id}</h1>
      <ErrorNote message={error} />
      {agent && (
        <>
          <p>
            <Badge kind={agent.health ? (agent.health.healthy ? 'healthy' : 'unhealthy') : 'unknown'}>
              {agent.health ? (agent.health.healthy ? 'healthy' : 'unhealthy') : 'health unknown'}
            </Badge>{' '}
            <Badge kind={agent.transport}>{agent.transport}</Badge>{' '}
            <Badge kind={agent.remoteConfig.state}>config {agent.remoteConfig.state}</Badge>
          </p>
          <RestartButton id={agent.id} accepts={agent.acceptsRestart} />
          <div class="grid">
            <section aria-labelledby="description-title" class="card">
              <h2 id="description-title">Description</h2>
              <h3>Identifying attributes</h3>
              <KeyValues values={agent.description.identifyingAttributes} />
              <h3>Non-identifying attributes</h3>
              <KeyValues values={agent.description.nonIdentifyingAttributes} />
              {Object.keys(agent.resourceAttributes).length > 0 && (
                <>
                  <h3>Resource attributes</h3>
                  <KeyValues values={agent.resourceAttributes} />
                </>
              )}
            </section>
            <section aria-labelledby="connection-title" class="card">
              <h2 id="connection-title">Connection</h2>
              <KeyValues
                values={{
                  transport: agent.transport,
                  open: agent.connection.open ? 'yes' : 'no',
                  'remote address': agent.connection.remoteAddress ?? '—',
                  'instance uid': agent.instanceUid,
                  messages: String(agent.messageCount),
                  'sequence number': String(agent.sequenceNum ?? '—'),
                }}
              />
              <p>
                First seen <Time iso={agent.firstSeen} />, last seen <Time iso={agent.lastSeen} />
              </p>
              {agent.identity && (
                <>
                  <h3>Identity ({agent.identity.provider})</h3>
                  <KeyValues values={{ key: agent.identity.key, ...agent.identity.labels }} />
                </>
              )}
            </section>
            <section aria-labelledby="capabilities-title" class="card">
              <h2 id="capabilities-title">Capabilities</h2>
              <ul class="tags">
                {agent.capabilities.map((name) => (
                  <li key={name} class={agent.effectiveCapabilities.includes(name) ? '' : 'muted'}>
                    {name}
                  </li>
                ))}
              </ul>
              {agent.customCapabilities.length > 0 && (
                <>
                  <h3>Custom capabilities</h3>
                  <ul class="tags">
                    {agent.customCapabilities.map((name) => (
                      <li key={name}>{name}</li>
                    ))}
                  </ul>
                </>
              )}
            </section>
            <section aria-labelledby="packages-title" class="card">
              <h2 id="packages-title">Packages</h2>
              {agent.packages ? (
                <PackageStatuses statuses={agent.packages} />
              ) : (
                <p class="muted">No package statuses reported.</p>
              )}
            </section>
            <section aria-labelledby="settings-title" class="card">
              <h2 id="settings-title">Connection settings</h2>
              {agent.connectionSettings ? (
                <KeyValues
                  values={{
                    status: agent.connectionSettings.status ?? 'not reported',
                    'reported hash': agent.connectionSettings.hash ?? '—',
                    'offered hash': agent.connectionSettings.offeredHash ?? '—',
                    ...(agent.connectionSettings.errorMessage
                      ? { error: agent.connectionSettings.errorMessage }
                      : {}),
                  }}
                />
              ) : (
                <p class="muted">Nothing offered or reported.</p>
              )}
            </section>
            <section aria-labelledby="health-title" class="card">
              <h2 id="health-title">Component health</h2>
              {agent.health ? (
                <ul class="tree">
                  <HealthTree name="agent" health={agent.health} />
                </ul>
              ) : (
                <p class="muted">Not reported.</p>
              )}
            </section>
          </div>
          <section aria-labelledby="remote-title" class="card">
            <h2 id="remote-title">Remote config</h2>
            <KeyValues
              values={{
                config: agent.remoteConfig.config ?? '—',
                source: agent.remoteConfig.source,
                state: agent.remoteConfig.state,
                'offered hash': agent.remoteConfig.hash ?? '—',
                'reported status': agent.remoteConfig.reported?.status ?? '—',
                'reported hash': agent.remoteConfig.reported?.hash ?? '—',
                ...(agent.remoteConfig.reported?.errorMessage
                  ? { error: agent.remoteConfig.reported.errorMessage }
                  : {}),
              }}
            />
            <ConfigCompare
              effective={agent.effectiveConfig?.files ?? null}
              remote={agent.remoteConfig.files}
            />
          </section>
        </>
      )}
    </section>
  );
}
