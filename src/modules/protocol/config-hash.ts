import { createHash } from 'node:crypto';
import { type AgentConfigMap, type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';

/**
 * A deterministic SHA-256 over a config map: every file's name, content type and body, in sorted-name
 * order, each length-prefixed so no two different maps hash alike.
 */
export function hashConfigMap(map: AgentConfigMap | undefined): Buffer {
  const hash = createHash('sha256');
  const files = map?.configMap ?? {};
  for (const name of Object.keys(files).sort()) {
    const file = files[name]!;
    for (const part of [Buffer.from(name), Buffer.from(file.contentType), file.body]) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.length);
      hash.update(length).update(part);
    }
  }
  return hash.digest();
}

/** The config with its `config_hash` filled from {@link hashConfigMap} when it was left empty. */
export function withConfigHash(config: AgentRemoteConfig): AgentRemoteConfig {
  return config.configHash.length > 0 ? config : { ...config, configHash: hashConfigMap(config.config) };
}
