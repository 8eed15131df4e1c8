import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FakeKubeApiServer } from './index.js';

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('FakeKubeApiServer lists by label (served from a label index)', () => {
  let server: FakeKubeApiServer;
  let core: CoreV1Api;
  const names = async (labelSelector: string): Promise<string[]> =>
    (await core.listNamespacedPod({ namespace: 'ns', labelSelector })).items.map((p) => p.metadata!.name!);

  beforeEach(async () => {
    server = await FakeKubeApiServer.start();
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    for (const [name, app] of [
      ['a', 'web'],
      ['b', 'web'],
      ['c', 'db'],
    ] as const) {
      await core.createNamespacedPod({
        namespace: 'ns',
        body: { metadata: { name, labels: { app } }, spec: { containers: [{ name: 'x', image: 'x' }] } },
      });
    }
  });

  afterEach(() => server.close());

  it('follows a label change: the object is listed under its new value only', async () => {
    await core.patchNamespacedPod(
      { namespace: 'ns', name: 'a', body: { metadata: { labels: { app: 'db' } } } },
      mergePatch,
    );

    expect(await names('app=web')).toEqual(['b']);
    expect(await names('app=db')).toEqual(['a', 'c']);
    expect(await names('app in (web),app!=db')).toEqual(['b']);
  });

  it('forgets a deleted object, and finds one re-created under the same name with other labels', async () => {
    await core.deleteNamespacedPod({ namespace: 'ns', name: 'b' });
    await core.createNamespacedPod({
      namespace: 'ns',
      body: {
        metadata: { name: 'b', labels: { app: 'cache' } },
        spec: { containers: [{ name: 'x', image: 'x' }] },
      },
    });

    expect(await names('app=web')).toEqual(['a']);
    expect(await names('app=cache')).toEqual(['b']);
    expect(await names('app=nothing')).toEqual([]);
  });
});
