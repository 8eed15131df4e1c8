import { v7 as uuidv7 } from 'uuid';
import {
  AgentToServer,
  ServerToAgent,
  type AgentRemoteConfig,
  type ComponentHealth,
} from '../../../src/generated/opamp/v1/opamp.js';
import { type AnyValue, type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';

/** The `Partial`-style init accepted by `AgentToServer.fromPartial`. */
export type AgentToServerInit = Parameters<typeof AgentToServer.fromPartial>[0];

/** An OpenTelemetry attribute value as the agents hold them before converting to AnyValue. */
export type AttributeValue = string | number | boolean | readonly (string | number | boolean)[];

/** A parsed `container_config` (the JSON of an `InstrumentationConfig.spec.containers[]` entry, docs/odigos.md). */
export type ContainerConfig = Record<string, unknown>;

/**
 * A fresh instance uid as both agents make it: a uuidv7 **string** (36 ASCII chars) whose UTF-8 bytes
 * are sent as `instance_uid`, not the spec's 16 raw bytes (docs/odigos.md).
 */
export const newInstanceUid = (): string => uuidv7();

/**
 * The Node agent's `otelAttributesToKeyValuePairs` (`opentelemetry-node: src/opamp/utils.ts`):
 * integers → `int_value`, other numbers → `double_value`, arrays → `array_value`, undefined dropped.
 */
export function toAnyValue(value: AttributeValue): AnyValue {
  if (typeof value === 'string') return { value: { $case: 'stringValue', value } };
  if (typeof value === 'boolean') return { value: { $case: 'boolValue', value } };
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? { value: { $case: 'intValue', value: BigInt(value) } }
      : { value: { $case: 'doubleValue', value } };
  }
  return { value: { $case: 'arrayValue', value: { values: value.map((v) => toAnyValue(v)) } } };
}

/** Attributes in insertion order as KeyValues (see {@link toAnyValue}). */
export const toKeyValues = (attributes: ReadonlyArray<readonly [string, AttributeValue]>): KeyValue[] =>
  attributes.map(([key, value]) => ({ key, value: toAnyValue(value) }));

/** Encodes a message the way the agents' protobuf libraries do (proto3, defaults omitted). */
export const encodeAgentToServer = (message: AgentToServerInit): Buffer =>
  Buffer.from(AgentToServer.encode(AgentToServer.fromPartial(message)).finish());

/** Decodes a request body. */
export const decodeAgentToServer = (body: Uint8Array): AgentToServer => AgentToServer.decode(body);

/** Decodes a response body; throws on malformed protobuf like the agents' decoders. */
export const decodeServerToAgent = (body: Uint8Array): ServerToAgent => ServerToAgent.decode(body);

/** A top-level health message part. */
export const health = (init: Partial<ComponentHealth>): ComponentHealth => ({
  healthy: false,
  startTimeUnixNano: 0n,
  lastError: '',
  status: '',
  statusTimeUnixNano: 0n,
  componentHealthMap: {},
  attributes: [],
  ...init,
});

/** The UTF-8 text of a config-map entry, if present. */
export const configBody = (remoteConfig: AgentRemoteConfig, key: string): Buffer | undefined =>
  remoteConfig.config?.configMap[key]?.body;

/**
 * Python's `json.dumps(value)` with default arguments: `", "` and `": "` separators and
 * `ensure_ascii=True`. The Python agent uses it for each library's `component_health_map` status
 * (`opamp/http_client.py: report_instrumented_libraries`), so the server sees `{"is_standard_lib": true}`.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return String(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pythonJsonDumps(k)}: ${pythonJsonDumps(v)}`,
    );
    return `{${entries.join(', ')}}`;
  }
  throw new TypeError(`cannot serialise ${typeof value}`);
}
