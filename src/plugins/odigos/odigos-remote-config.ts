import { createHash } from 'node:crypto';
import { type AgentConfigFile, type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { type ContainerAgentConfig } from './instrumentation-config/instrumentation-config.js';
import { ODIGOS_CONFIG_CONTENT_TYPE, OdigosConfigKey } from './odigos.constants.js';

/** What goes into an Odigos agent's remote config. */
export interface OdigosConfigInput {
  /** The container's entry of its workload's InstrumentationConfig. */
  containerConfig: ContainerAgentConfig;
  /** Set for device-id agents: they read their resource attributes from the `SDK` section. */
  sdkResourceAttributes?: readonly KeyValue[];
}

const json = (value: unknown): AgentConfigFile => ({
  body: Buffer.from(JSON.stringify(value)),
  contentType: ODIGOS_CONFIG_CONTENT_TYPE,
});

/** Odigos's signal switch in the `SDK` section: on when the container config has the signal's key. */
const signal = (config: ContainerAgentConfig, key: string) => {
  const enabled = config[key] !== undefined && config[key] !== null;
  return { enabled, defaultEnabledValue: enabled };
};

function attributeText(attribute: KeyValue): string {
  const value = attribute.value?.value;
  if (!value) return '';
  if (value.$case === 'stringValue') return value.value;
  if (value.$case === 'intValue' || value.$case === 'doubleValue' || value.$case === 'boolValue') {
    return String(value.value);
  }
  return '';
}

/**
 * The remote config an Odigos agent expects (docs/odigos.md): `container_config` (the JSON
 * of its InstrumentationConfig container entry), the legacy `InstrumentationLibraries: []`, and for
 * device-id agents the `SDK` section with `remoteResourceAttributes` — the seeds' "resource attributes on
 * the first message". The hash follows Odigos: SHA-256 over the bodies in sorted-key order.
 */
export function buildOdigosRemoteConfig(input: OdigosConfigInput): AgentRemoteConfig {
  const files: Record<string, AgentConfigFile> = {
    [OdigosConfigKey.ContainerConfig]: json(input.containerConfig),
    [OdigosConfigKey.InstrumentationLibraries]: json([]),
  };
  if (input.sdkResourceAttributes) {
    files[OdigosConfigKey.Sdk] = json({
      remoteResourceAttributes: input.sdkResourceAttributes.map((a) => ({
        key: a.key,
        value: attributeText(a),
      })),
      traceSignal: signal(input.containerConfig, 'traces'),
      metricsSignal: signal(input.containerConfig, 'metrics'),
      logsSignal: signal(input.containerConfig, 'logs'),
    });
  }
  return { config: { configMap: files }, configHash: odigosConfigHash(files) };
}

/** Odigos's config hash: SHA-256 over the file bodies, concatenated in sorted-key order (names not hashed). */
export function odigosConfigHash(files: Record<string, AgentConfigFile>): Buffer {
  const hash = createHash('sha256');
  for (const key of Object.keys(files).sort()) hash.update(files[key]!.body);
  return hash.digest();
}
