import { type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { type ResourceAttributesAnswer } from '../../plugin-api/index.js';
import { renderAttributes, withConfigHash } from '../protocol/index.js';

/** Remote-config file that carries resource attributes when the answering plugin names none. */
export const DEFAULT_RESOURCE_ATTRIBUTES_FILE = 'resource-attributes.json';
/** Content type of the resource-attributes file. */
export const RESOURCE_ATTRIBUTES_CONTENT_TYPE = 'application/json';

/** A `resourceAttributes` answer in its full form: attributes and the file that delivers them (if any). */
export function normalizeResourceAttributes(answer: ResourceAttributesAnswer | readonly KeyValue[]): {
  attributes: readonly KeyValue[];
  file?: string;
} {
  if (isAttributeList(answer)) return { attributes: answer, file: DEFAULT_RESOURCE_ATTRIBUTES_FILE };
  const file = answer.configFile === undefined ? DEFAULT_RESOURCE_ATTRIBUTES_FILE : answer.configFile;
  return file === false ? { attributes: answer.attributes } : { attributes: answer.attributes, file };
}

/**
 * The remote config to offer: `config` with the resource-attributes file merged in (a JSON object, one
 * member per attribute), its hash recomputed over every file. Without a file to add, `config` with its
 * hash filled when empty.
 */
export function composeRemoteConfig(
  config: AgentRemoteConfig | undefined,
  attributes: readonly KeyValue[] | undefined,
  file: string | undefined,
): AgentRemoteConfig | undefined {
  if (!file || !attributes || attributes.length === 0) return config && withConfigHash(config);
  const body = Buffer.from(JSON.stringify(renderAttributes(attributes)));
  const configMap = {
    ...config?.config?.configMap,
    [file]: { body, contentType: RESOURCE_ATTRIBUTES_CONTENT_TYPE },
  };
  // The hash must cover the added file, so the one the config came with is not kept.
  return withConfigHash({ config: { configMap }, configHash: Buffer.alloc(0) });
}

function isAttributeList(
  answer: ResourceAttributesAnswer | readonly KeyValue[],
): answer is readonly KeyValue[] {
  return Array.isArray(answer);
}
