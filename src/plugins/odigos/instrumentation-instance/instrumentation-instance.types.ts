import { type CustomResourceObject } from '../../../index.js';
/**
 * The InstrumentationInstance custom resource of Odigos (`odigos.io/v1alpha1`), as its Go types declare it
 * (`api/odigos/v1alpha1/instrumentationinstance_types.go`, docs/odigos.md). The CRD manifest in
 * `deploy/crds/instrumentationinstances.odigos.io.yaml` has the same schema; a test keeps the two in step.
 */

/** API group of the resource. */
export const INSTRUMENTATION_INSTANCE_GROUP = 'odigos.io';
/** The only version, served and stored. */
export const INSTRUMENTATION_INSTANCE_VERSION = 'v1alpha1';
/** URL plural. */
export const INSTRUMENTATION_INSTANCE_PLURAL = 'instrumentationinstances';
/** Kind. */
export const INSTRUMENTATION_INSTANCE_KIND = 'InstrumentationInstance';
/** `apiVersion` of the objects. */
export const INSTRUMENTATION_INSTANCE_API_VERSION =
  `${INSTRUMENTATION_INSTANCE_GROUP}/${INSTRUMENTATION_INSTANCE_VERSION}` as const;

/** Values of `InstrumentationLibraryStatus.type` (a CRD enum). */
export const INSTRUMENTATION_LIBRARY_TYPES = ['instrumentation', 'sampler', 'exporter'] as const;
/** What a component of an instrumented process is. */
export type InstrumentationLibraryType = (typeof INSTRUMENTATION_LIBRARY_TYPES)[number];

/** A key-value pair describing a component or an SDK; `key` has at least one character. */
export interface InstrumentationAttribute {
  key: string;
  value: string;
}

/** `spec`: the container of the pod the SDK runs in (the pod is the owner reference). */
export interface InstrumentationInstanceSpec {
  containerName: string;
}

/** State of one component (an instrumentation library, a sampler, an exporter). */
export interface InstrumentationLibraryStatus {
  /** e.g. `net/http`, `@opentelemetry/instrumentation-redis`; at least one character. */
  name: string;
  type: InstrumentationLibraryType;
  identifyingAttributes?: InstrumentationAttribute[];
  nonIdentifyingAttributes?: InstrumentationAttribute[];
  healthy?: boolean;
  /** At most 32768 characters. */
  message?: string;
  reason?: string;
  /** RFC 3339 date-time. */
  lastStatusTime: string;
}

/** `status`: what the SDK last reported. Written through the status subresource. */
export interface InstrumentationInstanceStatus {
  identifyingAttributes?: InstrumentationAttribute[];
  nonIdentifyingAttributes?: InstrumentationAttribute[];
  /** Undefined until the agent reports health (the UI shows "Starting"). */
  healthy?: boolean;
  /** At most 32768 characters. */
  message?: string;
  reason?: string;
  /** RFC 3339 date-time, set on every update. */
  lastStatusTime: string;
  components?: InstrumentationLibraryStatus[];
}

/** An owner reference, as Kubernetes writes it. */
export type OwnerReference = NonNullable<CustomResourceObject['metadata']['ownerReferences']>[number];

/** The metadata fields this server reads and writes. */
export interface InstrumentationInstanceMetadata {
  name: string;
  namespace: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/** One InstrumentationInstance object. */
export interface InstrumentationInstance {
  apiVersion: typeof INSTRUMENTATION_INSTANCE_API_VERSION;
  kind: typeof INSTRUMENTATION_INSTANCE_KIND;
  metadata: InstrumentationInstanceMetadata;
  spec: InstrumentationInstanceSpec;
  status?: InstrumentationInstanceStatus;
}
