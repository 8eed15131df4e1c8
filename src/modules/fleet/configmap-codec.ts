import { type V1ConfigMap } from '@kubernetes/client-node';
import { z } from 'zod';
import { storedConfig } from './memory-config.store.js';
import {
  ASSIGNMENTS_ANNOTATION,
  CONTENT_TYPES_ANNOTATION,
  SELECTOR_ANNOTATION,
  SELECTOR_ASSIGNMENT_NAME,
} from './fleet.constants.js';
import { assignmentNameSchema, assignmentTargetSchema } from './fleet.schemas.js';
import { type ConfigAssignment, type ConfigFile, type StoredConfig } from './fleet.types.js';

/** A config and its assignments as read from one ConfigMap, with what could not be read. */
export interface DecodedConfigMap {
  readonly config: StoredConfig;
  readonly assignments: ConfigAssignment[];
  /** Annotations that were ignored because they are malformed, for the log. */
  readonly problems: string[];
}

const storedAssignmentsSchema = z.array(z.looseObject({ name: assignmentNameSchema }));

/** The content type of a file whose type is not annotated, from its extension. */
export function guessContentType(fileName: string, binary: boolean): string {
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  if (extension === 'yaml' || extension === 'yml') return 'text/yaml';
  if (extension === 'json') return 'application/json';
  return binary ? 'application/octet-stream' : 'text/plain';
}

/** Parses `key=value,key2=value2` (the selector annotation). */
export function parseSelectorShorthand(text: string): Record<string, string> | undefined {
  const selector: Record<string, string> = {};
  for (const term of text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')) {
    const at = term.indexOf('=');
    if (at <= 0) return undefined;
    selector[term.slice(0, at).trim()] = term.slice(at + 1).trim();
  }
  return selector;
}

function readJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid');
  }
}

/** Reads a config, its files and assignments from a ConfigMap. */
export function decodeConfigMap(configMap: V1ConfigMap): DecodedConfigMap {
  const name = configMap.metadata?.name ?? '';
  const annotations = configMap.metadata?.annotations ?? {};
  const problems: string[] = [];

  const typesJson = readJson(annotations[CONTENT_TYPES_ANNOTATION]);
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

  const assignments: ConfigAssignment[] = [];
  const shorthand = annotations[SELECTOR_ANNOTATION];
  if (shorthand !== undefined) {
    const selector = parseSelectorShorthand(shorthand);
    if (selector) assignments.push({ config: name, name: SELECTOR_ASSIGNMENT_NAME, selector });
    else problems.push(`${SELECTOR_ANNOTATION} is not of the form key=value,key2=value2`);
  }
  const listed = storedAssignmentsSchema.safeParse(readJson(annotations[ASSIGNMENTS_ANNOTATION]) ?? []);
  if (!listed.success) problems.push(`${ASSIGNMENTS_ANNOTATION} is not a JSON array of named assignments`);
  for (const entry of listed.success ? listed.data : []) {
    const { name: assignmentName, ...rest } = entry;
    const target = assignmentTargetSchema.safeParse(rest);
    if (!target.success) {
      problems.push(`assignment "${assignmentName}": ${target.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    if (assignments.some((a) => a.name === assignmentName)) continue;
    assignments.push({ config: name, name: assignmentName, ...target.data });
  }

  return {
    config: storedConfig(name, files, lastWritten(configMap)),
    assignments,
    problems,
  };
}

/** The latest of the creation time and the managed-fields times: when the object was last written. */
function lastWritten(configMap: V1ConfigMap): string {
  const times = [
    configMap.metadata?.creationTimestamp,
    ...(configMap.metadata?.managedFields ?? []).map((f) => f.time),
  ]
    .filter((t): t is Date => t !== undefined)
    .map((t) => new Date(t).getTime())
    .filter((t) => Number.isFinite(t));
  return new Date(times.length > 0 ? Math.max(...times) : 0).toISOString();
}

/**
 * Labels that make a new ConfigMap match `CONFIG_LABEL_SELECTOR`: `key=value` and `key==value` terms
 * set the label, a bare `key` sets it to `true`; other terms (`!=`, `!key`) set nothing.
 */
export function labelsForSelector(selector: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const term of selector.split(',').map((t) => t.trim())) {
    if (term === '' || term.startsWith('!') || term.includes('!=')) continue;
    const [key, value] = term.includes('==') ? term.split('==') : term.split('=');
    if (key) labels[key] = value ?? 'true';
  }
  return labels;
}

const SHORTHAND_SAFE = /^[^,=]*$/;

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
  const annotations: Record<string, string> = { ...base?.metadata?.annotations };
  delete annotations[SELECTOR_ANNOTATION];
  delete annotations[ASSIGNMENTS_ANNOTATION];
  delete annotations[CONTENT_TYPES_ANNOTATION];
  const listed: Array<Record<string, unknown>> = [];
  for (const assignment of assignments) {
    if (
      assignment.name === SELECTOR_ASSIGNMENT_NAME &&
      'selector' in assignment &&
      Object.entries(assignment.selector).every(([k, v]) => SHORTHAND_SAFE.test(k) && SHORTHAND_SAFE.test(v))
    ) {
      annotations[SELECTOR_ANNOTATION] = Object.entries(assignment.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      continue;
    }
    const { config: _config, ...stored } = assignment;
    listed.push(stored);
  }
  if (listed.length > 0) annotations[ASSIGNMENTS_ANNOTATION] = JSON.stringify(listed);
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
