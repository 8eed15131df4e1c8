import { useRef } from 'preact/hooks';
import { api, unwrap } from '../api/admin-client.js';
import { HEALTHS, ROLLOUT_STATES, TRANSPORTS, type FleetSummary } from '../api/admin-types.js';
import { CountsBar } from '../components/counts-bar.js';
import { PartialNotice } from '../components/partial-notice.js';
import { Sparkline } from '../components/sparkline.js';
import { ErrorNote } from '../components/status.js';
import { useLoad } from '../use-load.js';

const TREND_POINTS = 60;
const NODES_SHOWN = 12;

/** The fleet at a glance (`GET /api/v1/summary`), and how it changed since the page opened. */
export function OverviewPage() {
  const { data, error } = useLoad(async () => unwrap(await api.GET('/api/v1/summary')), 'overview');
  const trend = useRef<FleetSummary[]>([]);
  if (data && trend.current.at(-1) !== data) trend.current = [...trend.current, data].slice(-TREND_POINTS);
  const series = (pick: (summary: FleetSummary) => number) => trend.current.map(pick);
  const nodes = Object.entries(data?.byNode ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Fleet overview</h1>
      <ErrorNote message={error} />
      <PartialNotice answer={data} />
      {data && (
        <>
          <p class="big">
            <strong data-testid="agent-total">{data.total}</strong> agents connected
          </p>
          <div class="grid">
            <CountsBar
              title="Health"
              segments={HEALTHS.map((health) => ({
                label: health,
                count: data.byHealth[health],
                kind: health,
              }))}
            />
            <CountsBar
              title="Transport"
              segments={TRANSPORTS.map((transport) => ({
                label: transport,
                count: data.byTransport[transport],
                kind: transport,
              }))}
            />
            <CountsBar
              title="Remote config"
              segments={ROLLOUT_STATES.map((state) => ({
                label: state,
                count: data.byConfigState[state],
                kind: state,
              }))}
            />
            <figure class="counts">
              <figcaption>Nodes</figcaption>
              <ul class="legend">
                {nodes.slice(0, NODES_SHOWN).map(([node, count]) => (
                  <li key={node}>
                    <a href={`/agents?node=${encodeURIComponent(node)}`}>{node}</a>: <strong>{count}</strong>
                  </li>
                ))}
                {nodes.length > NODES_SHOWN && <li>and {nodes.length - NODES_SHOWN} more</li>}
                {data.unplaced > 0 && (
                  <li>
                    no node: <strong>{data.unplaced}</strong>
                  </li>
                )}
              </ul>
            </figure>
          </div>
          <h2>Since this page opened</h2>
          <div class="trend">
            <Sparkline label="agents" values={series((summary) => summary.total)} />
            <Sparkline label="healthy" values={series((summary) => summary.byHealth.healthy)} />
            <Sparkline label="unhealthy" values={series((summary) => summary.byHealth.unhealthy)} />
            <Sparkline label="config applied" values={series((summary) => summary.byConfigState.applied)} />
            <Sparkline label="config failed" values={series((summary) => summary.byConfigState.failed)} />
          </div>
        </>
      )}
    </section>
  );
}
