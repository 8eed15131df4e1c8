import { useRef } from 'preact/hooks';
import { api, unwrap } from '../api/admin-client.js';
import { type AgentListQuery } from '../api/admin-paths.js';
import { HEALTHS, ROLLOUT_STATES, TRANSPORTS } from '../api/admin-types.js';
import { CountsBar } from '../components/counts-bar.js';
import { Sparkline } from '../components/sparkline.js';
import { ErrorNote } from '../components/status.js';
import { useLoad } from '../use-load.js';

/** The fleet's counts: agents by health, transport and config state. */
interface FleetCounts {
  total: number;
  health: Record<string, number>;
  transport: Record<string, number>;
  state: Record<string, number>;
}

async function count(query: AgentListQuery): Promise<number> {
  return unwrap(await api.GET('/api/v1/agents', { params: { query: { ...query, limit: 1 } } })).total;
}

/** Every count from one-agent pages of the filtered list (`total` is the number of matches). */
async function loadCounts(): Promise<FleetCounts> {
  const [total, health, transport, state] = await Promise.all([
    count({}),
    Promise.all(HEALTHS.map((health) => count({ health }))),
    Promise.all(TRANSPORTS.map((transport) => count({ transport }))),
    Promise.all(ROLLOUT_STATES.map((state) => count({ state }))),
  ]);
  const zip = (names: readonly string[], counts: number[]) =>
    Object.fromEntries(names.map((name, i) => [name, counts[i] ?? 0]));
  return {
    total,
    health: zip(HEALTHS, health),
    transport: zip(TRANSPORTS, transport),
    state: zip(ROLLOUT_STATES, state),
  };
}

const TREND_POINTS = 60;

/** The fleet at a glance, and how it changed since the page opened. */
export function OverviewPage() {
  const { data, error } = useLoad(loadCounts, 'overview');
  const trend = useRef<{ at: number; counts: FleetCounts }[]>([]);
  if (data && trend.current.at(-1)?.counts !== data) {
    trend.current = [...trend.current, { at: Date.now(), counts: data }].slice(-TREND_POINTS);
  }
  const series = (pick: (counts: FleetCounts) => number) => trend.current.map((point) => pick(point.counts));
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Fleet overview</h1>
      <ErrorNote message={error} />
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
                count: data.health[health] ?? 0,
                kind: health,
              }))}
            />
            <CountsBar
              title="Transport"
              segments={TRANSPORTS.map((transport) => ({
                label: transport,
                count: data.transport[transport] ?? 0,
                kind: transport,
              }))}
            />
            <CountsBar
              title="Remote config"
              segments={ROLLOUT_STATES.map((state) => ({
                label: state,
                count: data.state[state] ?? 0,
                kind: state,
              }))}
            />
          </div>
          <h2>Since this page opened</h2>
          <div class="trend">
            <Sparkline label="agents" values={series((counts) => counts.total)} />
            <Sparkline label="healthy" values={series((counts) => counts.health.healthy ?? 0)} />
            <Sparkline label="unhealthy" values={series((counts) => counts.health.unhealthy ?? 0)} />
            <Sparkline label="config failed" values={series((counts) => counts.state.failed ?? 0)} />
          </div>
        </>
      )}
    </section>
  );
}
