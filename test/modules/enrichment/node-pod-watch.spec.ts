import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { NodePodWatch } from '../../../src/modules/enrichment/node-pod-watch.js';
import { PodMetadataCache } from '../../../src/modules/enrichment/pod-metadata.cache.js';
import { eventually } from '../../support/eventually.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { podObject } from './kube-objects.js';

const pod = (name: string, nodeName: string, uid = `uid-${name}`) =>
  podObject({
    namespace: 'shop',
    name,
    uid,
    nodeName,
    owners: [{ kind: 'ReplicaSet', name: 'checkout-7d9f5c6b8', controller: true }],
    containers: ['app'],
  });

describe('NodePodWatch', () => {
  let server: FakeKubeApiServer;
  let watch: NodePodWatch;

  const podReads = (): number =>
    server.requests.filter((r) => r.verb === 'get' && r.resource === 'pods').length;

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    server.seed(pod('here-1', 'node-1'));
    server.seed(pod('elsewhere-1', 'node-2'));
    watch = new NodePodWatch(server.kubeConfig(), 'node-1', { backoffInitialMs: 10 });
    watch.start();
    await eventually(() => watch.ready);
  });

  afterEach(async () => {
    await watch.stop();
    await server.close();
  });

  it("holds the node's pods from one list and follows them through the watch", async () => {
    expect(watch.size).toBe(1);
    expect(watch.get('shop', 'here-1')).toMatchObject({ uid: 'uid-here-1', nodeName: 'node-1' });
    expect(watch.get('shop', 'elsewhere-1')).toBeUndefined();
    const listed = server.requests.filter((r) => r.resource === 'pods' && r.verb === 'list');
    expect(listed.map((r) => r.query.fieldSelector)).toEqual(['spec.nodeName=node-1']);

    server.seed(pod('here-2', 'node-1'));
    server.seed(pod('elsewhere-2', 'node-2'));
    await eventually(() => watch.get('shop', 'here-2') !== undefined);
    server.remove('', 'v1', 'pods', 'shop', 'here-1');
    await eventually(() => watch.get('shop', 'here-1') === undefined);
    expect(watch.get('shop', 'elsewhere-2')).toBeUndefined();
    expect(watch.size).toBe(1);
  });

  it('lets the pod cache answer watched pods without a read, and read the others', async () => {
    const cache = new PodMetadataCache(server.kubeConfig(), { known: watch, deadlineMs: 1_000 });
    await expect(cache.get('shop', 'here-1')).resolves.toMatchObject({ uid: 'uid-here-1' });
    expect(podReads()).toBe(0);
    await expect(cache.get('shop', 'elsewhere-1')).resolves.toMatchObject({ uid: 'uid-elsewhere-1' });
    expect(podReads()).toBe(1);
  });

  it('gives the re-created pod of a StatefulSet its new uid at once', async () => {
    server.remove('', 'v1', 'pods', 'shop', 'here-1');
    server.seed(pod('here-1', 'node-1', 'uid-new'));
    await eventually(() => watch.get('shop', 'here-1')?.uid === 'uid-new');
  });

  it('is inert without a Kubernetes configuration', () => {
    const inert = new NodePodWatch(undefined, 'node-1');
    inert.start();
    expect(inert.ready).toBe(false);
    expect(inert.get('shop', 'here-1')).toBeUndefined();
  });
});
