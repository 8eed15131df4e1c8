import { type AnyValue, type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { type AgentView } from '../../plugin-api/index.js';

/** An agent's selectable attributes: each key with every value it has somewhere. */
export type AgentAttributes = ReadonlyMap<string, ReadonlySet<string>>;

/** A scalar attribute value as text (`true`, `42`, `1.5`); undefined for arrays, maps and bytes. */
export function scalarText(value: AnyValue | undefined): string | undefined {
  const v = value?.value;
  switch (v?.$case) {
    case 'stringValue':
      return v.value;
    case 'boolValue':
    case 'intValue':
    case 'doubleValue':
      return String(v.value);
    default:
      return undefined;
  }
}

/**
 * What selectors and the agent-list filter match against: the identifying and non-identifying attributes
 * of the agent's description, the resource attributes plugins computed for it, and its identity labels.
 * A key present in several places matches any of its values.
 */
export function agentAttributes(session: AgentView): AgentAttributes {
  const attributes = new Map<string, Set<string>>();
  const add = (key: string, value: string | undefined): void => {
    if (value === undefined) return;
    let values = attributes.get(key);
    if (!values) attributes.set(key, (values = new Set()));
    values.add(value);
  };
  const addAll = (list: readonly KeyValue[] | undefined): void => {
    for (const { key, value } of list ?? []) add(key, scalarText(value));
  };
  addAll(session.status.description?.identifyingAttributes);
  addAll(session.status.description?.nonIdentifyingAttributes);
  addAll(session.resourceAttributes);
  for (const [key, value] of Object.entries(session.identity?.labels ?? {})) add(key, value);
  return attributes;
}

/** Whether every term of `selector` matches the attributes. */
export function matchesSelector(
  selector: Readonly<Record<string, string>>,
  attributes: AgentAttributes,
): boolean {
  return Object.entries(selector).every(([key, value]) => attributes.get(key)?.has(value) === true);
}
