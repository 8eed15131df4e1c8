import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatInstanceUid } from '../../src/modules/protocol/index.js';
import { adminCall } from '../support/admin-client.js';
import { FakeKubeApiServer, type KubeConfigFile } from '../support/fake-kube-apiserver/index.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { ensureServerBuilt, freePort } from '../support/server-process.js';
import { type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';
import {
  HUB_NAMESPACE,
  HUB_TOKEN,
  NODE_TOKEN,
  nodePorts,
  seedNodeSlice,
  startNodeServer,
} from '../modules/hub/support/hub-cluster.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'main.js');

/** `node dist/main.js` with only these variables; its output and exit. */
function startProcess(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe('the shipped server with MODE=hub', () => {
  beforeAll(() => ensureServerBuilt(), 180_000);

  it('refuses to start without a cluster, saying why', async () => {
    const hub = startProcess({ MODE: 'hub' });
    expect(await hub.exited).toBe(1);
    expect(hub.output()).toMatch(/opamp-nest: invalid configuration:\n {2}MODE: is hub/);
  }, 30_000);

  describe('in a cluster', () => {
    let kube: FakeKubeApiServer;
    let kubeConfigFile: KubeConfigFile;
    let node: TestServer;
    const pool = new WsAgentPool(() => node.wsUrl);

    beforeAll(async () => {
      kube = await FakeKubeApiServer.start();
      kubeConfigFile = await kube.writeKubeConfig();
      node = await startNodeServer(kube);
      seedNodeSlice(kube, 'node-a', nodePorts(node));
    });
    afterAll(async () => {
      pool.closeAll();
      await node.close();
      await kube.close();
      await kubeConfigFile.dispose();
    });

    it('serves the merged API and its OpenAPI document on the admin port, and stops on SIGTERM', async () => {
      const uid = randomUid();
      await (await pool.connect()).request({ instanceUid: uid, agentDescription: description('shipped') });
      const port = await freePort();
      const hub = startProcess({
        MODE: 'hub',
        KUBECONFIG: kubeConfigFile.path,
        POD_NAMESPACE: HUB_NAMESPACE,
        ADMIN_HOST: '127.0.0.1',
        ADMIN_PORT: String(port),
        ADMIN_TOKEN: HUB_TOKEN,
        HUB_NODE_TOKEN: NODE_TOKEN,
      });
      const url = `http://127.0.0.1:${port}`;
      try {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const status = await fetch(`${url}/readyz`).then(
            (response) => response.status,
            () => 0,
          );
          if (status === 200) break;
          if (Date.now() > deadline) throw new Error(`the hub was not ready:\n${hub.output()}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const agents = await adminCall<{ items: Array<{ id: string; node: string }>; partial: boolean }>(
          url,
          'GET',
          '/api/v1/agents',
          undefined,
          HUB_TOKEN,
        );
        expect(agents.body.items.map(({ id, node: where }) => [id, where])).toEqual([
          [formatInstanceUid(uid), 'node-a'],
        ]);
        expect(agents.body.partial).toBe(false);
        const document = await adminCall<{ paths: Record<string, unknown> }>(url, 'GET', '/api/docs-json');
        expect(Object.keys(document.body.paths)).toEqual(
          expect.arrayContaining(['/api/v1/agents', '/api/v1/nodes', '/api/v1/configs']),
        );
        hub.child.kill('SIGTERM');
        expect(await hub.exited).toBe(0);
      } finally {
        hub.child.kill('SIGKILL');
      }
    }, 30_000);
  });
});
