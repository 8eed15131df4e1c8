import { type V1EndpointSlice } from '@kubernetes/client-node';

/** One node server as its Service's EndpointSlices show it. */
export interface NodeEndpoint {
  /** The node it serves (`nodeName` of the endpoint; else its pod's name, else its address). */
  readonly node: string;
  /** The pod's IP address. */
  readonly address: string;
  /** Its admin API port; undefined when the slice names no such port. */
  readonly adminPort?: number;
  /** Its probes port; undefined when the slice names no such port. */
  readonly healthPort?: number;
  /** The endpoint's `ready` condition (unset counts as ready, as the EndpointSlice API says). */
  readonly ready: boolean;
  /** The pod backing it, when the slice says. */
  readonly pod?: string;
}

/** Which ports to read from a slice: a port name to look up, or a number used as is. */
export interface EndpointPorts {
  readonly admin: string | number;
  readonly health: string | number;
}

function portOf(slice: V1EndpointSlice, wanted: string | number): number | undefined {
  if (typeof wanted === 'number') return wanted;
  return slice.ports?.find((port) => port.name === wanted)?.port ?? undefined;
}

/**
 * The node servers of one EndpointSlice (https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/):
 * one per endpoint, at its first address. An endpoint that is terminating and no longer serving is left out.
 */
export function nodeEndpointsOf(slice: V1EndpointSlice, ports: EndpointPorts): NodeEndpoint[] {
  const adminPort = portOf(slice, ports.admin);
  const healthPort = portOf(slice, ports.health);
  const endpoints: NodeEndpoint[] = [];
  for (const endpoint of slice.endpoints ?? []) {
    const address = endpoint.addresses?.[0];
    if (!address) continue;
    const conditions = endpoint.conditions ?? {};
    if (conditions.terminating === true && conditions.serving === false) continue;
    const pod = endpoint.targetRef?.kind === 'Pod' ? endpoint.targetRef.name : undefined;
    endpoints.push({
      node: endpoint.nodeName ?? pod ?? address,
      address,
      ...(adminPort !== undefined ? { adminPort } : {}),
      ...(healthPort !== undefined ? { healthPort } : {}),
      ready: conditions.ready !== false,
      ...(pod !== undefined ? { pod } : {}),
    });
  }
  return endpoints;
}
