import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The subset of OpenAPI v3 a structural CRD schema uses. */
export interface JsonSchema {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  format?: string;
}

/** The CRD manifest as shipped. */
export interface CrdManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames?: string[] };
    scope: string;
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources?: { status?: object };
      additionalPrinterColumns?: unknown[];
      schema: { openAPIV3Schema: JsonSchema };
    }[];
  };
}

export const CRD_PATH = fileURLToPath(
  new URL('../../../../../deploy/crds/instrumentationinstances.odigos.io.yaml', import.meta.url),
);

/** Reads the one document of the CRD manifest. */
export function loadCrd(): CrdManifest {
  const documents = parseAllDocuments(readFileSync(CRD_PATH, 'utf8'))
    .map((document) => document.toJS() as unknown)
    .filter((value) => value !== null && value !== undefined);
  if (documents.length !== 1)
    throw new Error(`expected one document in ${CRD_PATH}, got ${documents.length}`);
  return documents[0] as CrdManifest;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * What the API server would say about `value` against `schema`: type, required, enum, min/maxLength (in
 * code points, as Kubernetes counts) and date-time format violations, plus fields the schema does not
 * declare (the API server would silently prune them). Empty when valid.
 */
export function validateAgainst(value: unknown, schema: JsonSchema, path = ''): string[] {
  const errors: string[] = [];
  const here = path || '<root>';
  if (
    schema.type &&
    !(schema.type === typeOf(value) || (schema.type === 'number' && typeOf(value) === 'integer'))
  ) {
    return [`${here}: expected ${schema.type}, got ${typeOf(value)}`];
  }
  if (typeof value === 'string') {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength)
      errors.push(`${here}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength)
      errors.push(`${here}: longer than ${schema.maxLength}`);
    if (schema.enum && !schema.enum.includes(value))
      errors.push(`${here}: ${value} not in ${schema.enum.join('|')}`);
    if (schema.format === 'date-time' && !DATE_TIME.test(value))
      errors.push(`${here}: not a date-time: ${value}`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) =>
      errors.push(...validateAgainst(item, schema.items as JsonSchema, `${path}[${i}]`)),
    );
  }
  if (typeOf(value) === 'object' && schema.properties) {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${here}: missing ${key}`);
    for (const [key, inner] of Object.entries(object)) {
      const property = schema.properties[key];
      if (!property) errors.push(`${path}.${key}: not in the schema (would be pruned)`);
      else errors.push(...validateAgainst(inner, property, `${path}.${key}`));
    }
  }
  return errors;
}
