import { describe, expect, it } from '@jest/globals';
import {
  INSTRUMENTATION_INSTANCE_GROUP,
  INSTRUMENTATION_INSTANCE_KIND,
  INSTRUMENTATION_INSTANCE_PLURAL,
  INSTRUMENTATION_INSTANCE_VERSION,
  INSTRUMENTATION_LIBRARY_TYPES,
  type InstrumentationAttribute,
  type InstrumentationInstance,
  type InstrumentationInstanceSpec,
  type InstrumentationInstanceStatus,
  type InstrumentationLibraryStatus,
} from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.types.js';
import { MESSAGE_MAX_LENGTH } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.constants.js';
import { type JsonSchema, loadCrd, validateAgainst } from './support/crd-schema.js';

/** Every field of T, recursively, required: an example of this type must set every field the TS types declare. */
type Complete<T> = T extends (infer U)[]
  ? Complete<U>[]
  : T extends object
    ? { [K in keyof T]-?: Complete<T[K]> }
    : T;

const attribute: Complete<InstrumentationAttribute> = { key: 'service.name', value: 'frontend' };
const library: Complete<InstrumentationLibraryStatus> = {
  name: '@opentelemetry/instrumentation-http',
  type: 'instrumentation',
  identifyingAttributes: [attribute],
  nonIdentifyingAttributes: [attribute],
  healthy: true,
  message: 'ok',
  reason: 'instrumentation.details',
  lastStatusTime: '2026-01-01T00:00:00Z',
};
const status: Complete<InstrumentationInstanceStatus> = {
  identifyingAttributes: [attribute],
  nonIdentifyingAttributes: [attribute],
  healthy: false,
  message: 'boom',
  reason: 'AgentFailure',
  lastStatusTime: '2026-01-01T00:00:00Z',
  components: [library],
};
const spec: Complete<InstrumentationInstanceSpec> = { containerName: 'app' };

/** The smallest valid values of each type: exactly the fields the TS types make required. */
const minimalAttribute: InstrumentationAttribute = { key: 'k', value: '' };
const minimalLibrary: InstrumentationLibraryStatus = {
  name: 'x',
  type: 'sampler',
  lastStatusTime: '2026-01-01T00:00:00Z',
};
const minimalStatus: InstrumentationInstanceStatus = { lastStatusTime: '2026-01-01T00:00:00Z' };
const minimalSpec: InstrumentationInstanceSpec = { containerName: 'app' };

const crd = loadCrd();
const version = crd.spec.versions[0];
const root = version?.schema.openAPIV3Schema ?? {};
const at = (...path: string[]): JsonSchema => {
  let schema: JsonSchema = root;
  for (const step of path) {
    const next = step === '[]' ? schema.items : schema.properties?.[step];
    if (!next) throw new Error(`no ${path.join('.')} in the schema`);
    schema = next;
  }
  return schema;
};

/** Property names of a schema and of an example, compared recursively (arrays through their first item). */
function shapeDrift(example: unknown, schema: JsonSchema, path: string): string[] {
  if (Array.isArray(example))
    return schema.items ? shapeDrift(example[0], schema.items, `${path}[]`) : [`${path}: not an array`];
  if (typeof example !== 'object' || example === null) return [];
  const exampleKeys = Object.keys(example).sort();
  const schemaKeys = Object.keys(schema.properties ?? {}).sort();
  const drift = [
    ...exampleKeys
      .filter((k) => !schemaKeys.includes(k))
      .map((k) => `${path}.${k}: in the TS types, not in the CRD`),
    ...schemaKeys
      .filter((k) => !exampleKeys.includes(k))
      .map((k) => `${path}.${k}: in the CRD, not in the TS types`),
  ];
  for (const key of exampleKeys) {
    const inner = schema.properties?.[key];
    if (inner) drift.push(...shapeDrift((example as Record<string, unknown>)[key], inner, `${path}.${key}`));
  }
  return drift;
}

describe('deploy/crds/instrumentationinstances.odigos.io.yaml', () => {
  it("declares Odigos's resource: group, names, scope, the one version, status subresource, system label", () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect(crd.metadata.name).toBe(`${INSTRUMENTATION_INSTANCE_PLURAL}.${INSTRUMENTATION_INSTANCE_GROUP}`);
    expect(crd.metadata.labels).toEqual({ 'odigos.io/system-object': 'true' });
    expect(crd.spec.group).toBe(INSTRUMENTATION_INSTANCE_GROUP);
    expect(crd.spec.names).toEqual({
      kind: INSTRUMENTATION_INSTANCE_KIND,
      listKind: `${INSTRUMENTATION_INSTANCE_KIND}List`,
      plural: INSTRUMENTATION_INSTANCE_PLURAL,
      singular: 'instrumentationinstance',
    });
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.versions).toHaveLength(1);
    expect(version).toMatchObject({ name: INSTRUMENTATION_INSTANCE_VERSION, served: true, storage: true });
    expect(version?.subresources).toEqual({ status: {} });
    expect(version?.additionalPrinterColumns).toBeUndefined();
  });

  it('has exactly the properties of the TypeScript types, at every level', () => {
    const example: Complete<Omit<InstrumentationInstance, 'metadata'>> & { metadata: object } = {
      apiVersion: 'odigos.io/v1alpha1',
      kind: 'InstrumentationInstance',
      metadata: {},
      spec,
      status,
    };
    expect(shapeDrift(example, root, '')).toEqual([]);
  });

  it('requires exactly what the TypeScript types require', () => {
    const required = (example: object): string[] => Object.keys(example).sort();
    expect(at('spec').required?.slice().sort()).toEqual(required(minimalSpec));
    expect(at('status').required?.slice().sort()).toEqual(required(minimalStatus));
    expect(at('status', 'components', '[]').required?.slice().sort()).toEqual(required(minimalLibrary));
    for (const list of [
      ['status', 'identifyingAttributes'],
      ['status', 'nonIdentifyingAttributes'],
      ['status', 'components', '[]', 'identifyingAttributes'],
      ['status', 'components', '[]', 'nonIdentifyingAttributes'],
    ]) {
      expect(
        at(...list, '[]')
          .required?.slice()
          .sort(),
      ).toEqual(required(minimalAttribute));
    }
  });

  it('has the enum, length limits and formats the code relies on', () => {
    expect(at('status', 'components', '[]', 'type').enum).toEqual([...INSTRUMENTATION_LIBRARY_TYPES]);
    expect(at('status', 'message').maxLength).toBe(MESSAGE_MAX_LENGTH);
    expect(at('status', 'components', '[]', 'message').maxLength).toBe(MESSAGE_MAX_LENGTH);
    expect(at('status', 'components', '[]', 'name').minLength).toBe(1);
    expect(at('status', 'identifyingAttributes', '[]', 'key').minLength).toBe(1);
    expect(at('status', 'lastStatusTime').format).toBe('date-time');
    expect(at('status', 'components', '[]', 'lastStatusTime').format).toBe('date-time');
  });

  it('accepts the complete and the minimal typed examples, and rejects what the CRD forbids', () => {
    const object = (s: unknown, sp: unknown = spec): unknown => ({
      apiVersion: 'odigos.io/v1alpha1',
      kind: 'InstrumentationInstance',
      metadata: {},
      spec: sp,
      status: s,
    });
    expect(validateAgainst(object(status), root)).toEqual([]);
    expect(validateAgainst(object(minimalStatus, minimalSpec), root)).toEqual([]);
    expect(validateAgainst(object({ ...status, message: 'x'.repeat(MESSAGE_MAX_LENGTH + 1) }), root)).toEqual(
      ['.status.message: longer than 32768'],
    );
    expect(validateAgainst(object({ ...status, components: [{ ...library, type: 'other' }] }), root)).toEqual(
      ['.status.components[0].type: other not in instrumentation|sampler|exporter'],
    );
    expect(
      validateAgainst(object({ ...status, identifyingAttributes: [{ key: '', value: 'v' }] }), root),
    ).toEqual(['.status.identifyingAttributes[0].key: shorter than 1']);
    expect(validateAgainst(object({ healthy: true }, {}), root)).toEqual([
      '.spec: missing containerName',
      '.status: missing lastStatusTime',
    ]);
  });
});
