import { useState } from 'preact/hooks';
import { api, unwrap } from '../api/admin-client.js';
import { AGENT_SORTS, HEALTHS, ROLLOUT_STATES, TRANSPORTS, type AgentSummary } from '../api/admin-types.js';
import { PartialNotice } from '../components/partial-notice.js';
import { Badge, ErrorNote, Time } from '../components/status.js';
import { location, navigate } from '../router.js';
import { useLoad } from '../use-load.js';
import {
  type AgentFilters,
  filtersFromSearch,
  listQuery,
  parseAttributeTerms,
  searchFromFilters,
} from './agent-filters.js';

const PAGE_SIZE = 50;

const workloadOf = (agent: AgentSummary): string =>
  agent.workload ? `${agent.workloadKind ? `${agent.workloadKind}/` : ''}${agent.workload}` : '';

function Select(props: {
  label: string;
  name: keyof AgentFilters;
  value: string;
  options: readonly string[];
  onChange: (name: keyof AgentFilters, value: string) => void;
}) {
  const id = `filter-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        onChange={(event) => props.onChange(props.name, event.currentTarget.value)}
      >
        <option value="">any</option>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

function Text(props: { label: string; name: keyof AgentFilters; value: string; placeholder?: string }) {
  const id = `filter-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type="search"
        defaultValue={props.value}
        placeholder={props.placeholder}
      />
    </div>
  );
}

const TEXT_FILTERS: ReadonlyArray<keyof AgentFilters> = [
  'q',
  'config',
  'node',
  'namespace',
  'workload',
  'attributes',
];

/**
 * The agents, one server-side page at a time: the filters live in the address bar, the server filters and
 * pages (cursor), so 10,000 agents cost one page of rows.
 */
export function AgentsPage() {
  const search = location.value.search;
  const filters = filtersFromSearch(search);
  const [cursors, setCursors] = useState<{ search: string; stack: string[] }>({ search, stack: [] });
  const stack = cursors.search === search ? cursors.stack : [];
  const cursor = stack.at(-1);
  const attributeError = parseAttributeTerms(filters.attributes).error;
  const { data, error, loading } = useLoad(
    async () =>
      unwrap(await api.GET('/api/v1/agents', { params: { query: listQuery(filters, PAGE_SIZE, cursor) } })),
    `${search}|${cursor ?? ''}`,
  );
  const change = (name: keyof AgentFilters, value: string) =>
    navigate(`/agents${searchFromFilters({ ...filters, [name]: value })}`, true);
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const typed = Object.fromEntries(TEXT_FILTERS.map((name) => [name, String(form.get(name) ?? '').trim()]));
    navigate(`/agents${searchFromFilters({ ...filters, ...typed })}`, true);
  };
  const page = stack.length + 1;
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">Agents</h1>
      <form key={search} class="filters" role="search" aria-label="Filter agents" onSubmit={submit}>
        <Text label="Search" name="q" value={filters.q} placeholder="id, service, attribute, label" />
        <Select label="Health" name="health" value={filters.health} options={HEALTHS} onChange={change} />
        <Select
          label="Transport"
          name="transport"
          value={filters.transport}
          options={TRANSPORTS}
          onChange={change}
        />
        <Select
          label="Config status"
          name="state"
          value={filters.state}
          options={ROLLOUT_STATES}
          onChange={change}
        />
        <Text label="Config" name="config" value={filters.config} placeholder="config name" />
        <Text label="Node" name="node" value={filters.node} placeholder="k8s.node.name" />
        <Text label="Namespace" name="namespace" value={filters.namespace} placeholder="k8s.namespace.name" />
        <Text
          label="Workload"
          name="workload"
          value={filters.workload}
          placeholder="checkout or deployment/checkout"
        />
        <Text
          label="Attributes"
          name="attributes"
          value={filters.attributes}
          placeholder="service.name=checkout, …"
        />
        <Select label="Sort by" name="sort" value={filters.sort} options={AGENT_SORTS} onChange={change} />
        <Select
          label="Order"
          name="order"
          value={filters.order}
          options={['asc', 'desc']}
          onChange={change}
        />
        <button type="submit">Apply filters</button>
        {search && (
          <button type="button" class="secondary" onClick={() => navigate('/agents', true)}>
            Clear filters
          </button>
        )}
      </form>
      <ErrorNote message={attributeError ?? error} />
      <PartialNotice answer={data} />
      <p class="muted" aria-live="polite" data-testid="agents-count">
        {data
          ? `${data.total} agents match · page ${page} of ${Math.max(1, Math.ceil(data.total / PAGE_SIZE))}`
          : loading
            ? 'Loading…'
            : ''}
      </p>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Agents matching the filters</caption>
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Service</th>
              <th scope="col">Node</th>
              <th scope="col">Namespace</th>
              <th scope="col">Workload</th>
              <th scope="col">Health</th>
              <th scope="col">Transport</th>
              <th scope="col">Config</th>
              <th scope="col">Config status</th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((agent) => (
              <tr key={agent.id} data-agent={agent.id}>
                <td>
                  <a href={`/agents/${encodeURIComponent(agent.id)}`}>{agent.id}</a>
                </td>
                <td>{agent.serviceName ?? ''}</td>
                <td>{agent.node ?? ''}</td>
                <td>{agent.namespace ?? ''}</td>
                <td>{workloadOf(agent)}</td>
                <td>
                  <Badge kind={agent.health}>{agent.health}</Badge>
                </td>
                <td>{agent.transport}</td>
                <td>{agent.remoteConfig.config ?? <span class="muted">—</span>}</td>
                <td>
                  <Badge kind={agent.remoteConfig.state}>{agent.remoteConfig.state}</Badge>
                </td>
                <td>
                  <Time iso={agent.lastSeen} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        <button
          type="button"
          disabled={stack.length === 0}
          onClick={() => setCursors({ search, stack: stack.slice(0, -1) })}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setCursors({ search, stack: [...stack, data.nextCursor] })}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
