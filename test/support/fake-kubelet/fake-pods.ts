import { PodResources } from '../../../src/generated/kubelet/k8s/podresources/v1/api.js';

/** Devices of one resource assigned to a container, as written in tests. */
export interface FakeDevices {
  readonly resourceName: string;
  readonly deviceIds: readonly string[];
}

/** A container and its devices, as written in tests. */
export interface FakeContainer {
  readonly name: string;
  readonly devices?: readonly FakeDevices[];
}

/** Builds a `PodResources` message with every unset field at its proto default. */
export function fakePod(namespace: string, name: string, containers: readonly FakeContainer[]): PodResources {
  return PodResources.fromPartial({
    name,
    namespace,
    containers: containers.map((container) => ({
      name: container.name,
      devices: (container.devices ?? []).map((devices) => ({
        resourceName: devices.resourceName,
        deviceIds: [...devices.deviceIds],
      })),
    })),
  });
}
