import { type InstrumentationConfig } from '../instrumentation-config/instrumentation-config.js';
import { formatTime, instanceName } from '../instrumentation-instance/instrumentation-instance.mapping.js';
import { type PlacedOdigosAgent } from '../odigos.plugin.js';
import { type OdigosInstrumentationInstance, type OdigosWorkload } from './odigos-workloads.schemas.js';

/** Kubernetes spellings of the kinds Odigos names InstrumentationConfigs after (`<kind-lowercase>-<name>`). */
const KINDS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'Rollout',
  'DeploymentConfig',
  'StaticPod',
  'Pod',
];
const KIND_BY_LOWER = new Map(KINDS.map((kind) => [kind.toLowerCase(), kind]));

/** The workload an InstrumentationConfig is named after; kinds hold no `-`, so the first one splits. */
export function workloadOfConfigName(name: string): { kind: string; name: string } | undefined {
  const dash = name.indexOf('-');
  if (dash <= 0 || dash === name.length - 1) return undefined;
  const lower = name.slice(0, dash);
  return { kind: KIND_BY_LOWER.get(lower) ?? lower, name: name.slice(dash + 1) };
}

interface WorkloadEntry {
  namespace: string;
  kind: string;
  name: string;
  config?: InstrumentationConfig;
  agents: number;
  instances: OdigosInstrumentationInstance[];
}

const keyOf = (namespace: string, kind: string, name: string): string =>
  `${namespace}/${kind.toLowerCase()}/${name}`;

function instanceOf(placed: PlacedOdigosAgent): OdigosInstrumentationInstance | undefined {
  const { agent, record } = placed;
  if (!record) return undefined;
  return {
    name: instanceName(record.location),
    namespace: record.location.namespace,
    podName: record.location.podName,
    containerName: record.location.containerName,
    processId: record.location.processId ?? null,
    agentId: record.agentId,
    language: agent.language ?? null,
    identifyingAttributes: (record.identifyingAttributes ?? []).map(({ key, value }) => ({ key, value })),
    healthy: record.health?.healthy ?? null,
    reason: record.health?.reason ?? null,
    message: record.health?.message || null,
    components: record.components?.length ?? 0,
    lastStatusTime: formatTime(record.observedAt),
  };
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The workloads a node server knows of: those of the agents it holds, with the InstrumentationInstance it
 * last wrote for each, and those it caches an InstrumentationConfig for (maybe with no agent here).
 */
export function odigosWorkloads(
  agents: readonly PlacedOdigosAgent[],
  configs: readonly InstrumentationConfig[],
): OdigosWorkload[] {
  const entries = new Map<string, WorkloadEntry>();
  const entryOf = (namespace: string, kind: string, name: string): WorkloadEntry => {
    const key = keyOf(namespace, kind, name);
    let entry = entries.get(key);
    if (!entry) {
      entry = { namespace, kind, name, agents: 0, instances: [] };
      entries.set(key, entry);
    }
    return entry;
  };
  for (const config of configs) {
    const workload = workloadOfConfigName(config.name);
    if (workload) entryOf(config.namespace, workload.kind, workload.name).config = config;
  }
  for (const placed of agents) {
    const { namespace, workload } = placed.agent;
    const entry = entryOf(namespace, workload.kind, workload.name);
    entry.kind = workload.kind;
    entry.agents++;
    const instance = instanceOf(placed);
    if (instance) entry.instances.push(instance);
  }
  return [...entries.values()]
    .sort((a, b) => byText(a.namespace, b.namespace) || byText(a.kind, b.kind) || byText(a.name, b.name))
    .map(({ namespace, kind, name, config, agents: count, instances }) => ({
      namespace,
      kind,
      name,
      instrumentationConfig: config
        ? {
            name: config.name,
            serviceName: config.serviceName ?? null,
            containers: config.containers.map((container) => container.containerName),
          }
        : null,
      agents: count,
      instances: instances.sort(
        (a, b) => byText(a.podName, b.podName) || (a.processId ?? 0) - (b.processId ?? 0),
      ),
    }));
}
