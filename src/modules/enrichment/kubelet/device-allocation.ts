import { type PodResources } from '../../../generated/kubelet/k8s/podresources/v1/api.js';

/** The pod and container a kubelet device is allocated to. */
export interface DeviceAllocation {
  readonly podName: string;
  readonly namespace: string;
  readonly containerName: string;
  /** Extended resource the device belongs to, e.g. `example.com/device`. */
  readonly resourceName: string;
}

/**
 * Maps every device id of a resource whose name contains `resourceNameFilter` to its pod and container.
 * When the same id shows up twice, the first occurrence wins.
 */
export function indexDeviceAllocations(
  pods: readonly PodResources[],
  resourceNameFilter: string,
): Map<string, DeviceAllocation> {
  const allocations = new Map<string, DeviceAllocation>();
  for (const pod of pods) {
    for (const container of pod.containers) {
      for (const devices of container.devices) {
        if (!devices.resourceName.includes(resourceNameFilter)) continue;
        for (const deviceId of devices.deviceIds) {
          if (allocations.has(deviceId)) continue;
          allocations.set(deviceId, {
            podName: pod.name,
            namespace: pod.namespace,
            containerName: container.name,
            resourceName: devices.resourceName,
          });
        }
      }
    }
  }
  return allocations;
}
