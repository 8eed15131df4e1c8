import { describe, expect, it } from '@jest/globals';
import { type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { computeResourceAttributes } from '../../../src/modules/enrichment/resource-attributes.js';

function pairs(attributes: KeyValue[]): [string, string][] {
  return attributes.map((attribute) => {
    const value = attribute.value?.value;
    if (value?.$case !== 'stringValue') throw new Error(`${attribute.key} is not a string`);
    return [attribute.key, value.value];
  });
}

const COMMON: [string, string][] = [
  ['k8s.node.name', 'node-1'],
  ['k8s.namespace.name', 'shop'],
  ['service.name', 'checkout-svc'],
  ['k8s.pod.name', 'checkout-abc'],
  ['k8s.container.name', 'app'],
];

function attributesFor(kind: string, name = 'checkout'): [string, string][] {
  return pairs(
    computeResourceAttributes({
      nodeName: 'node-1',
      pod: { name: 'checkout-abc', namespace: 'shop' },
      containerName: 'app',
      workload: { kind, name },
      serviceName: 'checkout-svc',
    }),
  );
}

describe('computeResourceAttributes', () => {
  it.each([
    ['Deployment', 'k8s.deployment.name'],
    ['StatefulSet', 'k8s.statefulset.name'],
    ['DaemonSet', 'k8s.daemonset.name'],
    ['Job', 'k8s.job.name'],
    ['CronJob', 'k8s.cronjob.name'],
    ['Rollout', 'k8s.argoproj.rollout.name'],
    ['DeploymentConfig', 'k8s.deployment.name'],
  ])('gives a %s the five common attributes and %s', (kind, key) => {
    expect(attributesFor(kind)).toEqual([...COMMON, [key, 'checkout']]);
  });

  it('repeats k8s.pod.name with the workload name for a bare pod, so every placed agent has a workload key', () => {
    expect(attributesFor('Pod', 'checkout-abc')).toEqual([...COMMON, ['k8s.pod.name', 'checkout-abc']]);
  });

  it.each(['StaticPod', 'ReplicaSet', 'SparkApplication', 'constructor'])(
    'gives a %s the five common attributes and no workload key of a convention of its own',
    (kind) => {
      expect(attributesFor(kind, 'etl')).toEqual(COMMON);
    },
  );
});
