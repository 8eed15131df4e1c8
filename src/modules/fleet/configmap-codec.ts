import { type V1ConfigMap } from '@kubernetes/client-node';
import { z } from 'zod';
import { lastWritten } from '../kubernetes/index.js';
import {
  decodeAssignmentAnnotations,
  encodeAssignmentAnnotations,
  readJsonAnnotation,
} from './assignment-annotations.js';
import { storedConfig } from './memory-config.store.js';
import { CONTENT_TYPES_ANNOTATION } from './fleet.constants.js';
import { type ConfigAssignment, type ConfigFile, type StoredConfig } from './fleet.types.js';

/** A config and its assignments as read from one ConfigMap, with what could not be read. */
export interface DecodedConfigMap {
  readonly config: StoredConfig;
  readonly assignments: ConfigAssignment[];
  /** Annotations that were ignored because they are malformed, for the log. */
  readonly problems: string[];
}

/** The content type of a file whose type is not annotated, from its extension. */
export function guessContentType(fileName: string, binary: boolean): string {
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (extension === 'yaml' || extension === 'yml') return 'text/yaml';
  if (extension === 'json') return 'application/json';
  return binary ? 'application/octet-stream' : 'text/plain';
}

/** Reads a config, its files and assignments from a ConfigMap. */
export function decodeConfigMap(configMap: V1ConfigMap): DecodedConfigMap {
  const name = configMap.metadata?.name ?? '';
  const annotations = configMap.metadata?.annotations ?? {};
  const problems: string[] = [];

  const typesJson = readJsonAnnotation(annotations[CONTENT_TYPES_ANNOTATION]);
  const types = z.record(z.string(), z.string()).safeParse(typesJson ?? {});
  if (!types.success) problems.push(`${CONTENT_TYPES_ANNOTATION} is not a JSON object of strings`);
  const contentTypes = types.success ? types.data : {};

  const files: Record<string, ConfigFile> = {};
  for (const [file, text] of Object.entries(configMap.data ?? {})) {
    files[file] = {
      body: Buffer.from(text, 'utf8'),
      contentType: contentTypes[file] ?? guessContentType(file, false),
    };
  }
  for (const [file, base64] of Object.entries(configMap.binaryData ?? {})) {
    files[file] = {
      body: Buffer.from(base64, 'base64'),
      contentType: contentTypes[file] ?? guessContentType(file, true),
    };
  }

  const assignments: ConfigAssignment[] = decodeAssignmentAnnotations(annotations, problems).map(
    (assignment) => ({ config: name, ...assignment }),
  );

  return {
    config: storedConfig(name, files, lastWritten(configMap)),
    assignments,
    problems,
  };
}

/**
 * Writes files and assignments into a ConfigMap, starting from `base` (the current object, whose other
 * metadata is kept) or from a new one with `labels`. The selector assignment goes back into the shorthand
 * annotation when it can be written there; every other assignment into the JSON annotation.
 */
export function encodeConfigMap(
  base: V1ConfigMap | undefined,
  target: { name: string; namespace: string; labels: Record<string, string> },
  files: Readonly<Record<string, ConfigFile>>,
  assignments: readonly ConfigAssignment[],
): V1ConfigMap {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const contentTypes: Record<string, string> = {};
  for (const [file, { body, contentType }] of Object.entries(files)) {
    const text = body.toString('utf8');
    const binary = !Buffer.from(text, 'utf8').equals(body);
    if (binary) binaryData[file] = body.toString('base64');
    else data[file] = text;
    if (contentType !== guessContentType(file, binary)) contentTypes[file] = contentType;
  }
  const annotations = encodeAssignmentAnnotations(
    base?.metadata?.annotations,
    assignments.map(({ config: _config, ...stored }) => stored),
  );
  delete annotations[CONTENT_TYPES_ANNOTATION];
  if (Object.keys(contentTypes).length > 0)
    annotations[CONTENT_TYPES_ANNOTATION] = JSON.stringify(contentTypes);
  return {
    ...base,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...base?.metadata,
      name: target.name,
      namespace: target.namespace,
      labels: { ...base?.metadata?.labels, ...target.labels },
      annotations,
    },
    data,
    binaryData,
  };
}
