import { Injectable } from '@nestjs/common';
import {
  AgentEnricher,
  type KeyValue,
  type ContainerLocation,
  DeviceNotFoundError,
  DevicePodResolver,
  type PodMetadata,
  type PodPlacement,
  stringAttribute,
} from '../../index.js';
import {
  type InstrumentationConfig,
  instrumentationConfigName,
} from './instrumentation-config/instrumentation-config.js';
import { InstrumentationConfigCache } from './instrumentation-config/instrumentation-config.cache.js';
import { ODIGOS_WORKLOAD_KIND_ATTRIBUTE, ODIGOS_WORKLOAD_NAME_ATTRIBUTE } from './odigos.constants.js';

/** Longest wait for the first InstrumentationConfig list after start-up (alongside the pod read). */
const INSTRUMENTATION_CONFIGS_READY_WAIT_MS = 3_000;

/** Workload kinds Odigos's own server names with exactly one semantic-convention key. */
const ODIGOS_SERVER_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Pod',
  'Job',
  'CronJob',
  'Rollout',
]);

/** Where an Odigos agent runs, with what Odigos derives from it. */
export interface OdigosPlacement extends PodPlacement {
  /** The workload's InstrumentationConfig (`<kind-lowercase>-<name>` in the pod's namespace), if any. */
  readonly instrumentationConfig: InstrumentationConfig | undefined;
  /** `spec.serviceName` of the InstrumentationConfig, else the workload name. */
  readonly serviceName: string;
  /** The resource attributes Odigos gives the agent on its first message. */
  readonly resourceAttributes: KeyValue[];
}

/**
 * Places Odigos agents: the server's generic pod → workload lookup, plus the workload's InstrumentationConfig
 * (its service name) and Odigos's resource attributes: the semantic-convention ones, and for workload kinds
 * Odigos's server has no key for (DeploymentConfig, static pods, unknown owners) `odigos.workload.kind` and
 * `odigos.workload.name`, as Odigos's pod webhook writes them (`otelresource.go`).
 */
@Injectable()
export class OdigosPlacementService {
  /**
   * Placements already derived, per pod object and container. The pod watch and the InstrumentationConfig
   * cache replace an object when it changes, so an entry is reused only while both are the very objects it
   * was derived from: the processes of one container share one placement and one resource-attribute list.
   */
  private readonly derived = new WeakMap<PodMetadata, Map<string, OdigosPlacement>>();

  constructor(
    private readonly enricher: AgentEnricher,
    private readonly instrumentationConfigs: InstrumentationConfigCache,
    private readonly devices: DevicePodResolver,
  ) {}

  /** Places the container an agent names. Right after start-up, also waits for the first InstrumentationConfig list. */
  async place(location: ContainerLocation): Promise<OdigosPlacement> {
    const [placement] = await Promise.all([
      this.enricher.locate(location),
      this.instrumentationConfigs.whenReady(INSTRUMENTATION_CONFIGS_READY_WAIT_MS),
    ]);
    const instrumentationConfig = this.instrumentationConfigs.get(
      placement.pod.namespace,
      instrumentationConfigName(placement.workload),
    );
    let containers = this.derived.get(placement.pod);
    const known = containers?.get(placement.containerName);
    if (known && known.instrumentationConfig === instrumentationConfig) return known;
    const serviceName = instrumentationConfig?.serviceName ?? placement.workload.name;
    const resourceAttributes = this.enricher.resourceAttributes(placement, serviceName);
    const { kind, name } = placement.workload;
    if (!ODIGOS_SERVER_KINDS.has(kind)) {
      resourceAttributes.push(
        stringAttribute(ODIGOS_WORKLOAD_KIND_ATTRIBUTE, kind),
        stringAttribute(ODIGOS_WORKLOAD_NAME_ATTRIBUTE, name),
      );
    }
    const derived: OdigosPlacement = { ...placement, instrumentationConfig, serviceName, resourceAttributes };
    if (!containers) {
      containers = new Map();
      this.derived.set(placement.pod, containers);
    }
    containers.set(placement.containerName, derived);
    return derived;
  }

  /**
   * Places the container a kubelet instrumentation device (the agent's `X-Odigos-DeviceId`) is allocated to.
   * @throws {DeviceNotFoundError} the kubelet lists no pod holding the device.
   * @throws {KubeletPodResourcesError} the kubelet could not be asked.
   */
  async placeDevice(deviceId: string): Promise<OdigosPlacement> {
    const allocation = await this.devices.resolve(deviceId);
    if (!allocation) throw new DeviceNotFoundError(deviceId);
    return this.place(allocation);
  }
}
