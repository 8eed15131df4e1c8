import { type FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';

/** One workload's pod on a node, as the fake API server holds it: a Deployment's ReplicaSet owns it. */
export interface OdigosPodSpec {
  readonly namespace: string;
  readonly deployment: string;
  readonly node: string;
  readonly container: string;
}

/** The pod's name: `<deployment>-<template hash>-<suffix>`, as a ReplicaSet names its pods. */
export const podNameOf = (spec: OdigosPodSpec): string =>
  `${spec.deployment}-5c8f7d-${spec.node.slice(-1)}x9k`;

/**
 * Seeds a Deployment's pod scheduled on `node` and the Deployment's InstrumentationConfig (Odigos writes one
 * per instrumented workload), so an Odigos agent in that pod is placed by the node server of `node`.
 */
export function seedOdigosWorkload(kube: FakeKubeApiServer, spec: OdigosPodSpec): string {
  const podName = podNameOf(spec);
  kube.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName,
      namespace: spec.namespace,
      uid: `uid-${podName}`,
      labels: { app: spec.deployment, 'pod-template-hash': '5c8f7d' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${spec.deployment}-5c8f7d`,
          uid: `uid-rs-${spec.deployment}`,
          controller: true,
        },
      ],
    },
    spec: { nodeName: spec.node, containers: [{ name: spec.container, image: `${spec.deployment}:1` }] },
  });
  kube.seed({
    apiVersion: 'odigos.io/v1alpha1',
    kind: 'InstrumentationConfig',
    metadata: { name: `deployment-${spec.deployment}`, namespace: spec.namespace, generation: 1 },
    spec: {
      serviceName: spec.deployment,
      containers: [{ containerName: spec.container, agentEnabled: true, otelDistroName: 'python-community' }],
    },
  });
  return podName;
}
