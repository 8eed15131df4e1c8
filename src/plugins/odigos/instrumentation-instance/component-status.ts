import { type ComponentHealth } from '../../../generated/opamp/v1/opamp.js';
import { type ComponentRecord, type RecordAttribute } from './instrumentation-instance.record.js';
import { formatGoFloatV } from './go-number-format.js';
import { COMPONENT_DETAILS_REASON } from './instrumentation-instance.constants.js';
import { truncateMessage } from './truncate-message.js';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function isJsonObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's `fmt.Sprintf("%v", v)` of a value `encoding/json` decoded into `interface{}`. */
export function formatGoValue(value: JsonValue): string {
  if (value === null) return '<nil>';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatGoFloatV(value);
  if (Array.isArray(value)) return `[${value.map(formatGoValue).join(' ')}]`;
  // fmt prints maps with their keys sorted.
  const entries = Object.keys(value)
    .sort()
    .map((key) => `${key}:${formatGoValue(value[key] as JsonValue)}`);
  return `map[${entries.join(' ')}]`;
}

function allFinite(value: JsonValue): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (isJsonObject(value)) return Object.values(value).every(allFinite);
  return true;
}

/**
 * What Go's `json.Unmarshal` into a `map[string]interface{}` yields for `status`: the object, `{}` for
 * `null` (Go leaves the map nil without an error), or undefined when Go would fail (not JSON, not an object,
 * a number out of float64 range).
 */
function parseJsonObjectLikeGo(status: string): Record<string, JsonValue> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(status);
  } catch {
    return undefined;
  }
  if (parsed === null) return {};
  if (!isJsonObject(parsed) || !allFinite(parsed)) return undefined;
  return parsed;
}

/**
 * One component of `health.component_health_map` as Odigos records it (docs/odigos.md): type
 * `instrumentation`, its `healthy`; a `status` that is a JSON object becomes `nonIdentifyingAttributes`
 * (values in Go's `%v` form, keys sorted, empty keys left out as the CRD requires), any other non-empty
 * status becomes `reason: instrumentation.details` with the status as `message`.
 */
export function componentFromHealth(name: string, health: ComponentHealth): ComponentRecord {
  const component: ComponentRecord = { name, type: 'instrumentation', healthy: health.healthy };
  if (health.status === '') return component;
  const parsed = parseJsonObjectLikeGo(health.status);
  if (parsed === undefined) {
    return { ...component, reason: COMPONENT_DETAILS_REASON, message: truncateMessage(health.status) };
  }
  const attributes: RecordAttribute[] = Object.keys(parsed)
    .filter((key) => key !== '')
    .sort()
    .map((key) => ({ key, value: formatGoValue(parsed[key] as JsonValue) }));
  return { ...component, nonIdentifyingAttributes: attributes };
}

/**
 * The components of a health report, sorted by name, or undefined when the map is empty: Odigos then leaves
 * the stored components as they were. Components with an empty name are left out (the CRD requires one).
 */
export function componentsFromHealth(health: ComponentHealth): ComponentRecord[] | undefined {
  const names = Object.keys(health.componentHealthMap).filter((name) => name !== '');
  if (names.length === 0) return undefined;
  return names
    .sort()
    .map((name) => componentFromHealth(name, health.componentHealthMap[name] as ComponentHealth));
}
