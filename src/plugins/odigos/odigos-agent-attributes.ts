import { type AgentDescription } from '../../generated/opamp/v1/opamp.js';
import { type AnyValue } from '../../generated/opamp/v1/anyvalue.js';
import { OdigosAttribute } from './odigos.constants.js';

/** Where an Odigos agent says it runs, from its identifying attributes. */
export interface OdigosAgentAttributes {
  namespace?: string;
  podName?: string;
  containerName?: string;
  language?: string;
  /** `process.vpid`, else `process.pid` (docs/odigos.md: the first one present and non-zero). */
  processId?: number;
}

const ODIGOS_KEYS: ReadonlySet<string> = new Set([
  OdigosAttribute.Namespace,
  OdigosAttribute.PodName,
  OdigosAttribute.ContainerName,
  OdigosAttribute.Language,
  OdigosAttribute.ProcessVpid,
  OdigosAttribute.ProcessPid,
]);

function text(value: AnyValue | undefined): string | undefined {
  return value?.value?.$case === 'stringValue' && value.value.value !== '' ? value.value.value : undefined;
}

function integer(value: AnyValue | undefined): number | undefined {
  const v = value?.value;
  if (v?.$case === 'intValue' && v.value !== 0n) return Number(v.value);
  if (v?.$case === 'doubleValue' && Number.isInteger(v.value) && v.value !== 0) return v.value;
  return undefined;
}

/** Reads the Odigos identifying attributes of a description (the last of a repeated key wins). */
export function readOdigosAttributes(description: AgentDescription): OdigosAgentAttributes {
  // One pass over the attributes, no Map: this runs on every first message.
  const values: Partial<Record<string, AnyValue | undefined>> = {};
  for (const attribute of description.identifyingAttributes) {
    if (ODIGOS_KEYS.has(attribute.key)) values[attribute.key] = attribute.value;
  }
  return {
    namespace: text(values[OdigosAttribute.Namespace]),
    podName: text(values[OdigosAttribute.PodName]),
    containerName: text(values[OdigosAttribute.ContainerName]),
    language: text(values[OdigosAttribute.Language]),
    processId: integer(values[OdigosAttribute.ProcessVpid]) ?? integer(values[OdigosAttribute.ProcessPid]),
  };
}

/** The attributes a reported-attributes agent must send and did not. */
export function missingOdigosAttributes(attributes: OdigosAgentAttributes): string[] {
  const missing: string[] = [];
  if (!attributes.namespace) missing.push(OdigosAttribute.Namespace);
  if (!attributes.podName) missing.push(OdigosAttribute.PodName);
  if (!attributes.containerName) missing.push(OdigosAttribute.ContainerName);
  if (attributes.processId === undefined)
    missing.push(`${OdigosAttribute.ProcessVpid} or ${OdigosAttribute.ProcessPid}`);
  return missing;
}
