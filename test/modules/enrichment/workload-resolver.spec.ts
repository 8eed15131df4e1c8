import { describe, expect, it } from '@jest/globals';
import { type PodMetadata, type PodOwnerReference } from '../../../src/modules/enrichment/pod-metadata.js';
import { resolveWorkload, type Workload } from '../../../src/modules/enrichment/workload-resolver.js';

function pod(
  owners: readonly (readonly [kind: string, name: string])[],
  labels: Record<string, string> = {},
  name = 'web-5f7b9c-abcde',
): PodMetadata {
  const ownerReferences: PodOwnerReference[] = owners.map(([kind, ownerName], index) => ({
    kind,
    name: ownerName,
    uid: `uid-${index}`,
    controller: true,
  }));
  return { name, namespace: 'shop', uid: 'pod-uid', labels, ownerReferences, containerNames: ['app'] };
}

describe('resolveWorkload', () => {
  it.each<[string, PodMetadata, Pick<Workload, 'kind' | 'name'>]>([
    [
      'a ReplicaSet as its Deployment, cutting the pod-template-hash label off',
      pod([['ReplicaSet', 'web-api-5f7b9c']], { 'pod-template-hash': '5f7b9c' }),
      { kind: 'Deployment', name: 'web-api' },
    ],
    [
      'a ReplicaSet without the hash label as a Deployment, cutting the last segment off',
      pod([['ReplicaSet', 'web-api-5f7b9c']]),
      { kind: 'Deployment', name: 'web-api' },
    ],
    [
      'a ReplicaSet whose hash label is not its suffix by its last segment',
      pod([['ReplicaSet', 'web-api-5f7b9c']], { 'pod-template-hash': 'other' }),
      { kind: 'Deployment', name: 'web-api' },
    ],
    [
      'a ReplicaSet of an Argo Rollout when the pod has the rollouts label',
      pod([['ReplicaSet', 'checkout-6c8d4f']], { 'rollouts-pod-template-hash': '6c8d4f' }),
      { kind: 'Rollout', name: 'checkout' },
    ],
    [
      'a ReplicaSet without a hyphen as itself',
      pod([['ReplicaSet', 'handmade']]),
      { kind: 'ReplicaSet', name: 'handmade' },
    ],
    [
      'a Job with a CronJob-style numeric suffix as its CronJob',
      pod([['Job', 'nightly-report-29345678']]),
      { kind: 'CronJob', name: 'nightly-report' },
    ],
    [
      'a Job without a numeric suffix as a Job',
      pod([['Job', 'db-migrate']]),
      { kind: 'Job', name: 'db-migrate' },
    ],
    [
      'a ReplicationController with a version suffix as its DeploymentConfig',
      pod([['ReplicationController', 'frontend-12']]),
      { kind: 'DeploymentConfig', name: 'frontend' },
    ],
    [
      'a ReplicationController without a version suffix as itself',
      pod([['ReplicationController', 'legacy']]),
      { kind: 'ReplicationController', name: 'legacy' },
    ],
    [
      'a Node-owned pod as a StaticPod named after the pod',
      pod([['Node', 'node-1']], {}, 'kube-apiserver-node-1'),
      { kind: 'StaticPod', name: 'kube-apiserver-node-1' },
    ],
    ['a StatefulSet as itself', pod([['StatefulSet', 'db']]), { kind: 'StatefulSet', name: 'db' }],
    ['a DaemonSet as itself', pod([['DaemonSet', 'agent']]), { kind: 'DaemonSet', name: 'agent' }],
    ['a pod without owners as a Pod', pod([], {}, 'debug-shell'), { kind: 'Pod', name: 'debug-shell' }],
    [
      'an unknown owner kind as-is',
      pod([['SparkApplication', 'etl-7']]),
      { kind: 'SparkApplication', name: 'etl-7' },
    ],
    [
      'the last of several owners',
      pod([
        ['StatefulSet', 'first'],
        ['DaemonSet', 'last'],
      ]),
      { kind: 'DaemonSet', name: 'last' },
    ],
  ])('resolves %s', (_case, input, expected) => {
    expect(resolveWorkload(input)).toEqual({ ...expected, namespace: 'shop' });
  });
});
