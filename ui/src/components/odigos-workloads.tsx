import {
  type NodeOdigosWorkloads,
  type OdigosInstance,
  type OdigosWorkload,
} from '../api/odigos-workloads.js';
import { Badge, Time } from './status.js';

const slug = (text: string): string => text.replace(/[^a-zA-Z0-9-]+/g, '-');

/** An InstrumentationInstance's health: healthy, unhealthy, or starting (not reported yet, as Odigos shows it). */
function InstanceHealth({ instance }: { instance: OdigosInstance }) {
  if (instance.healthy === null) return <Badge kind="pending">starting</Badge>;
  return (
    <Badge kind={instance.healthy ? 'healthy' : 'unhealthy'}>
      {instance.healthy ? 'healthy' : 'unhealthy'}
    </Badge>
  );
}

function WorkloadInstances({ workload, id }: { workload: OdigosWorkload; id: string }) {
  const config = workload.instrumentationConfig;
  return (
    <div class="odigos-workload" data-workload={`${workload.namespace}/${workload.kind}/${workload.name}`}>
      <h3 id={id}>
        {workload.namespace} / {workload.kind} {workload.name}
      </h3>
      <p class="muted">
        {config
          ? `InstrumentationConfig ${config.name} (containers: ${config.containers.join(', ') || 'none'})`
          : 'No InstrumentationConfig cached for this workload.'}{' '}
        · {workload.agents} {workload.agents === 1 ? 'agent' : 'agents'} on this node
      </p>
      {workload.instances.length === 0 ? (
        <p class="muted">No InstrumentationInstance written by this node’s server.</p>
      ) : (
        <div class="table-wrap">
          <table aria-labelledby={id}>
            <thead>
              <tr>
                <th scope="col">InstrumentationInstance</th>
                <th scope="col">Container</th>
                <th scope="col">Process id</th>
                <th scope="col">Health</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Last status</th>
              </tr>
            </thead>
            <tbody>
              {workload.instances.map((instance) => (
                <tr key={instance.name} data-instance={instance.name}>
                  <td>
                    <a href={`/agents/${encodeURIComponent(instance.agentId)}`}>{instance.name}</a>
                  </td>
                  <td>{instance.containerName}</td>
                  <td>{instance.processId ?? '—'}</td>
                  <td>
                    <InstanceHealth instance={instance} />
                  </td>
                  <td>{instance.reason ?? '—'}</td>
                  <td class={instance.healthy === false ? 'error-text' : undefined}>
                    {instance.message ?? '—'}
                  </td>
                  <td>
                    <Time iso={instance.lastStatusTime} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

/** One node's Odigos workloads, each with the InstrumentationInstances its server wrote. */
export function OdigosWorkloads({ entry }: { entry: NodeOdigosWorkloads }) {
  const id = `odigos-${slug(entry.node)}`;
  return (
    <section aria-labelledby={`${id}-title`} class="card" data-odigos-node={entry.node}>
      <h2 id={`${id}-title`}>Odigos workloads on {entry.node}</h2>
      {entry.state === 'absent' && <p class="muted">This node’s server does not run the Odigos plugin.</p>}
      {entry.state === 'failed' && (
        <p class="error" role="alert">
          {entry.error}
        </p>
      )}
      {entry.state === 'listed' && entry.list.items.length === 0 && (
        <p class="muted">
          {entry.list.instrumentationConfigsReady
            ? 'No workload: no agent of an instrumented workload and no InstrumentationConfig.'
            : 'The InstrumentationConfigs are not listed yet.'}
        </p>
      )}
      {entry.state === 'listed' &&
        entry.list.items.map((workload) => (
          <WorkloadInstances
            key={`${workload.namespace}/${workload.kind}/${workload.name}`}
            workload={workload}
            id={`${id}-${slug(workload.namespace)}-${slug(workload.kind)}-${slug(workload.name)}`}
          />
        ))}
    </section>
  );
}
