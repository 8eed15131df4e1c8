import { describe, expect, it } from '@jest/globals';
import { type V1EndpointSlice } from '@kubernetes/client-node';
import { nodeEndpointsOf } from '../../../src/modules/hub/node-endpoint.js';

const slice: V1EndpointSlice = {
  addressType: 'IPv4',
  metadata: { name: 'opamp-nest-nodes-abcde' },
  ports: [
    { name: 'admin', port: 4321 },
    { name: 'health', port: 4322 },
  ],
  endpoints: [
    {
      addresses: ['10.0.0.1'],
      nodeName: 'node-a',
      conditions: { ready: true },
      targetRef: { kind: 'Pod', name: 'p-a' },
    },
    { addresses: ['10.0.0.2'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'p-b' } },
    { addresses: ['10.0.0.3'], nodeName: 'node-c', conditions: { terminating: true, serving: false } },
    { addresses: [], nodeName: 'node-d' },
  ],
};

describe('nodeEndpointsOf', () => {
  it('reads each endpoint: node (else pod), address, named ports, readiness; leaves out the gone ones', () => {
    expect(nodeEndpointsOf(slice, { admin: 'admin', health: 'health' })).toEqual([
      { node: 'node-a', address: '10.0.0.1', adminPort: 4321, healthPort: 4322, ready: true, pod: 'p-a' },
      { node: 'p-b', address: '10.0.0.2', adminPort: 4321, healthPort: 4322, ready: false, pod: 'p-b' },
    ]);
  });

  it('takes a port number as given, and leaves a port unset when the slice does not name it', () => {
    const [first] = nodeEndpointsOf(slice, { admin: 9443, health: 'metrics' });
    expect(first).toEqual(expect.objectContaining({ adminPort: 9443 }));
    expect(first).not.toHaveProperty('healthPort');
  });
});
