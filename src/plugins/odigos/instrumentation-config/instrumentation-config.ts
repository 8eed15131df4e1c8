import { type Workload } from '../../../index.js';

/** API group, version and plural of Odigos's InstrumentationConfig custom resource. */
export const INSTRUMENTATION_CONFIG_RESOURCE = {
  group: 'odigos.io',
  version: 'v1alpha1',
  plural: 'instrumentationconfigs',
} as const;

/** Any JSON value, as the API server returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One entry of `spec.containers` (Odigos's `ContainerAgentConfig`), kept whole: its JSON is what Odigos sends
 * agents as `container_config`, so no field is dropped or renamed.
 */
export interface ContainerAgentConfig {
  readonly containerName: string;
  readonly [field: string]: JsonValue;
}

/** What the server keeps of an InstrumentationConfig: identity, generation and the spec fields agents need. */
export interface InstrumentationConfig {
  readonly namespace: string;
  /** `<kind-lowercase>-<workloadName>`, see {@link instrumentationConfigName}. */
  readonly name: string;
  /** `metadata.generation`: changes with the spec only (the status subresource leaves it alone). */
  readonly generation: number;
  readonly resourceVersion: string;
  /** `spec.serviceName`, when set and not empty. */
  readonly serviceName?: string;
  /** `spec.containers`, entries without a string `containerName` left out. */
  readonly containers: readonly ContainerAgentConfig[];
}

/** Name of a workload's InstrumentationConfig, as Odigos's `CalculateWorkloadRuntimeObjectName`: `deployment-frontend`. */
export function instrumentationConfigName(workload: Pick<Workload, 'kind' | 'name'>): string {
  return `${workload.kind}-${workload.name}`.toLowerCase();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainerAgentConfig(value: unknown): value is ContainerAgentConfig {
  return isObject(value) && typeof value.containerName === 'string';
}

/**
 * The minimal {@link InstrumentationConfig} of an object from the API (list item or watch event), or
 * undefined when it lacks a name or namespace. The status and every other spec field are dropped.
 */
export function toInstrumentationConfig(object: unknown): InstrumentationConfig | undefined {
  if (!isObject(object) || !isObject(object.metadata)) return undefined;
  const { name, namespace, generation, resourceVersion } = object.metadata;
  if (typeof name !== 'string' || typeof namespace !== 'string' || name === '' || namespace === '') {
    return undefined;
  }
  const spec = isObject(object.spec) ? object.spec : {};
  const serviceName =
    typeof spec.serviceName === 'string' && spec.serviceName !== '' ? spec.serviceName : undefined;
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isContainerAgentConfig) : [];
  return {
    namespace,
    name,
    generation: typeof generation === 'number' ? generation : 0,
    resourceVersion: typeof resourceVersion === 'string' ? resourceVersion : '',
    ...(serviceName !== undefined ? { serviceName } : {}),
    containers,
  };
}
