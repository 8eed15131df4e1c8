import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { KUBE_CONFIG } from '../../src/modules/kubernetes/index.js';
import { adminCall } from '../support/admin-client.js';
import { FakeKubeApiServer } from '../support/fake-kube-apiserver/index.js';
import { OdigosNodeAgentSimulator } from '../support/odigos-agents/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import {
  HUB_NAMESPACE,
  HUB_TOKEN,
  closeServer,
  NODE_TOKEN,
  nodePorts,
  seedNodeSlice,
  startFailingServer,
  startHub,
  startSlowProxy,
  type TestHub,
} from '../modules/hub/support/hub-cluster.js';
import { reportOdigosAgent } from '../plugins/odigos/odigos-workload-agents.js';
import { launchChromium, openPage, seriousViolations, type WatchedPage } from './support/browser.js';
import { seedOdigosWorkload } from './support/odigos-fleet.js';
import { screenshotsDir } from './support/screenshots.js';
import { ensureChromium, ensureUiBuilt } from './support/ui-build.js';

const IMAGES = screenshotsDir();
const SCHEMES = ['light', 'dark'] as const;
/** Odigos agents report over HTTP now and then: keep them listed for the whole run. */
const QUIET_AGENTS = { STALE_AFTER_S: '3600' };

/** Polls `load` until `check` holds for its answer; fails after `timeoutMs`. */
async function untilAnswer<T>(
  load: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await load();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what} not seen within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens each path in turn; checks the theme and axe on each, saves a screenshot when named. */
async function checkPages(
  watched: WatchedPage,
  scheme: (typeof SCHEMES)[number],
  pages: ReadonlyArray<{ url: string; ready: string; shot?: string }>,
): Promise<void> {
  const { page } = watched;
  for (const { url, ready, shot } of pages) {
    await page.goto(url);
    await page.waitForSelector(ready, { timeout: 15_000 });
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(scheme);
    expect({ url, violations: await seriousViolations(page) }).toEqual({ url, violations: [] });
    if (shot) await page.screenshot({ path: join(IMAGES, `${shot}-${scheme}.png`), fullPage: true });
  }
}

const instanceRow = (page: Page, name: string) => page.locator(`tr[data-instance="${name}"]`);

// One browser for both servers below: launching Chromium is the slow part.
let browser: Browser;
beforeAll(async () => {
  const chromiumPath = ensureChromium();
  ensureUiBuilt();
  browser = await launchChromium(chromiumPath);
}, 300_000);
afterAll(async () => {
  await browser?.close();
});

describe('web UI nodes page of a node server with the Odigos plugin', () => {
  let kube: FakeKubeApiServer;
  let server: TestServer;
  let nodeAgent: OdigosNodeAgentSimulator;
  let failingId: string;
  const frontend = { namespace: 'shop', deployment: 'frontend', node: 'node-1', container: 'app' };
  let pod: string;

  beforeAll(async () => {
    kube = await FakeKubeApiServer.start();
    pod = seedOdigosWorkload(kube, frontend);
    seedOdigosWorkload(kube, { namespace: 'bank', deployment: 'ledger', node: 'node-2', container: 'api' });
    server = await startTestServer({
      env: { PLUGINS: 'odigos', NODE_NAME: 'node-1', ...QUIET_AGENTS },
      customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(kube.kubeConfig()),
    });
    nodeAgent = new OdigosNodeAgentSimulator({
      target: new URL(server.opampUrl).host,
      namespace: frontend.namespace,
      podName: pod,
      containerName: frontend.container,
      vpid: 41,
      firstMessageRetryDelayMs: 5,
      autoHeartbeat: false,
    });
    await nodeAgent.start();
    await nodeAgent.idle();
    failingId = await reportOdigosAgent(server.opampUrl, {
      namespace: frontend.namespace,
      podName: pod,
      containerName: frontend.container,
      vpid: 42,
      healthy: false,
      status: 'AgentFailure',
      lastError: 'exporter otlp: connection refused',
    });
    await untilAnswer(
      async () =>
        (
          await adminCall<{ items: Array<{ instances: unknown[] }> }>(
            server.adminUrl,
            'GET',
            '/api/v1/odigos/workloads',
          )
        ).body,
      (body) => body.items.reduce((sum, item) => sum + item.instances.length, 0) === 2,
      'both InstrumentationInstances',
    );
  }, 120_000);
  afterAll(async () => {
    await nodeAgent?.stop('kill');
    await server?.close();
    await kube?.close();
  });

  for (const scheme of SCHEMES) {
    it(`shows each workload with its InstrumentationInstances, healthy or not (${scheme})`, async () => {
      const watched = await openPage(browser, scheme);
      try {
        await checkPages(watched, scheme, [
          { url: `${server.adminUrl}/nodes`, ready: `tr[data-instance="${pod}-42"]`, shot: 'nodes-odigos' },
        ]);
        const { page } = watched;
        const section = page.locator('section[data-odigos-node="node-1"]');
        expect(await section.locator('h2').innerText()).toBe('Odigos workloads on node-1');
        // The other node's workload: its InstrumentationConfig is cached here, no agent runs here.
        const ledger = section.locator('[data-workload="bank/Deployment/ledger"]');
        expect(await ledger.innerText()).toContain(
          'No InstrumentationInstance written by this node’s server.',
        );
        const healthy = instanceRow(page, `${pod}-41`);
        expect(await healthy.locator('td').allInnerTexts()).toEqual([
          `${pod}-41`,
          'app',
          '41',
          'healthy',
          'Healthy',
          '—',
          expect.any(String),
        ]);
        const failing = instanceRow(page, `${pod}-42`);
        expect((await failing.locator('td').allInnerTexts()).slice(0, 6)).toEqual([
          `${pod}-42`,
          'app',
          '42',
          'unhealthy',
          'AgentFailure',
          'exporter otlp: connection refused',
        ]);
        // Keyboard: the instance's link leads to its agent.
        await failing.getByRole('link').focus();
        await page.keyboard.press('Enter');
        await page.waitForURL(`${server.adminUrl}/agents/${failingId}`);
        await page.waitForSelector('#health-title');
        expect(watched.problems).toEqual([]);
      } finally {
        await watched.context.close();
      }
    }, 120_000);
  }
});

describe('web UI on a hub over two node servers with the Odigos plugin', () => {
  let kube: FakeKubeApiServer;
  const nodes: TestServer[] = [];
  let hub: TestHub;
  /** Agent ids by node. */
  const agents = new Map<string, string[]>();
  const workloads = [
    { namespace: 'shop', deployment: 'checkout', node: 'node-a', container: 'app' },
    { namespace: 'bank', deployment: 'ledger', node: 'node-b', container: 'api' },
  ];
  const pods: string[] = [];

  beforeAll(async () => {
    kube = await FakeKubeApiServer.start();
    for (const workload of workloads) pods.push(seedOdigosWorkload(kube, workload));
    for (const [index, workload] of workloads.entries()) {
      const server = await startTestServer({
        env: {
          CONFIG_STORE: 'kubernetes',
          POD_NAMESPACE: HUB_NAMESPACE,
          ADMIN_TOKEN: NODE_TOKEN,
          PLUGINS: 'odigos',
          NODE_NAME: workload.node,
          ...QUIET_AGENTS,
        },
        customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(kube.kubeConfig()),
      });
      nodes.push(server);
      const ids: string[] = [];
      // node-a: three processes, one failing; node-b: two.
      for (let vpid = 1; vpid <= 3 - index; vpid++) {
        const failing = index === 0 && vpid === 3;
        ids.push(
          await reportOdigosAgent(server.opampUrl, {
            namespace: workload.namespace,
            podName: pods[index]!,
            containerName: workload.container,
            vpid,
            healthy: !failing,
            status: failing ? 'AgentFailure' : 'Healthy',
            ...(failing ? { lastError: 'could not load instrumentation flask' } : {}),
          }),
        );
      }
      agents.set(workload.node, ids);
      seedNodeSlice(kube, workload.node, nodePorts(server));
    }
    hub = await startHub(kube);
    await untilAnswer(
      async () =>
        (await adminCall<{ total: number }>(hub.url, 'GET', '/api/v1/agents', undefined, HUB_TOKEN)).body,
      (body) => body.total === 5,
      'the five agents through the hub',
    );
  }, 120_000);
  afterAll(async () => {
    await hub?.close();
    for (const server of nodes) await server.close();
    await kube?.close();
  });

  /** A page signed in to the hub, as after the sign-in form. */
  async function openHubPage(
    scheme: (typeof SCHEMES)[number] = 'light',
  ): Promise<WatchedPage & { context: BrowserContext }> {
    const watched = await openPage(browser, scheme);
    await watched.context.addInitScript(
      `sessionStorage.setItem('opamp-nest.admin-token', ${JSON.stringify(HUB_TOKEN)})`,
    );
    return watched;
  }

  const rowIds = (page: Page) =>
    page.locator('tr[data-agent]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-agent')));

  for (const scheme of SCHEMES) {
    it(`loads the overview, agents, an agent of the second node and the nodes (${scheme})`, async () => {
      const watched = await openHubPage(scheme);
      const second = agents.get('node-b')![0]!;
      try {
        await checkPages(watched, scheme, [
          { url: `${hub.url}/`, ready: '[data-testid="agent-total"]:text-is("5")' },
          { url: `${hub.url}/agents`, ready: '[data-testid="agents-count"]:has-text("5 agents")' },
          { url: `${hub.url}/agents/${second}`, ready: '#health-title' },
          {
            url: `${hub.url}/nodes`,
            ready: `section[data-odigos-node="node-b"] tr[data-instance="${pods[1]}-2"]`,
            shot: 'hub-nodes',
          },
        ]);
        const { page } = watched;
        // Both node servers, each with its own workloads and InstrumentationInstances.
        expect(await page.locator('tbody tr:has(a[href^="/agents?node="])').count()).toBe(2);
        const nodeA = page.locator('section[data-odigos-node="node-a"]');
        expect(await nodeA.locator('tr[data-instance]').count()).toBe(3);
        expect(await nodeA.locator(`tr[data-instance="${pods[0]}-3"] td`).allInnerTexts()).toEqual(
          expect.arrayContaining(['unhealthy', 'AgentFailure', 'could not load instrumentation flask']),
        );
        const nodeB = page.locator('section[data-odigos-node="node-b"]');
        expect(await nodeB.locator('tr[data-instance]').count()).toBe(2);
        // Each node lists the other's workload from its InstrumentationConfig cache, with no instance.
        expect(await nodeB.locator('[data-workload="shop/Deployment/checkout"]').innerText()).toContain(
          '0 agents on this node',
        );
        expect(watched.problems).toEqual([]);
      } finally {
        await watched.context.close();
      }
    }, 120_000);
  }

  it('lists the agents of both nodes, filters them, and opens one of the second node', async () => {
    const { page, context, problems } = await openHubPage();
    try {
      await page.goto(`${hub.url}/agents`);
      await page.waitForSelector('[data-testid="agents-count"]:has-text("5 agents")');
      const all = [...agents.values()].flat().sort();
      expect(await rowIds(page)).toEqual(all);
      await page.getByLabel('Namespace').fill('bank');
      await page.getByLabel('Namespace').press('Enter');
      const second = [...agents.get('node-b')!].sort();
      await page.waitForSelector(`[data-testid="agents-count"]:has-text("${second.length} agents match")`);
      expect(await rowIds(page)).toEqual(second);
      await page.locator(`tr[data-agent="${second[0]}"] a`).first().click();
      await page.waitForURL(`${hub.url}/agents/${second[0]}`);
      await page.waitForSelector('#health-title');
      expect(await page.locator('main').innerText()).toContain('node-b');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('forwards a node’s plugin route, with 404 for an unknown node', async () => {
    const forwarded = await adminCall<{ node: string; items: unknown[] }>(
      hub.url,
      'GET',
      '/api/v1/nodes/node-b/plugins/odigos/workloads',
      undefined,
      HUB_TOKEN,
    );
    expect(forwarded.status).toBe(200);
    expect(forwarded.body.node).toBe('node-b');
    const unknown = await adminCall<{ message: string }>(
      hub.url,
      'GET',
      '/api/v1/nodes/node-z/plugins/odigos/workloads',
      undefined,
      HUB_TOKEN,
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('node-z');
    const missingRoute = await adminCall<{ message: string }>(
      hub.url,
      'GET',
      '/api/v1/nodes/node-a/plugins/odigos/not-a-route',
      undefined,
      HUB_TOKEN,
    );
    expect(missingRoute.status).toBe(404);
    expect(missingRoute.body.message).toContain('is the plugin enabled there');
    const traversal = await adminCall(
      hub.url,
      'GET',
      '/api/v1/nodes/node-a/plugins/odigos/..%2Fserver',
      undefined,
      HUB_TOKEN,
    );
    expect(traversal.status).toBe(400);
  });

  it('answers 504 for a node server that does not answer in time, 502 for one that fails', async () => {
    const slow = await startSlowProxy(nodePorts(nodes[0]!).admin, 1500);
    const failing = await startFailingServer(500);
    try {
      seedNodeSlice(kube, 'node-slow', { admin: slow.port, health: slow.port });
      seedNodeSlice(kube, 'node-failing', { admin: failing.port, health: failing.port });
      const ask = (node: string) =>
        adminCall<{ message: string; missingNodes: Array<{ node: string; reason: string }> }>(
          hub.url,
          'GET',
          `/api/v1/nodes/${node}/plugins/odigos/workloads`,
          undefined,
          HUB_TOKEN,
        );
      // The hub watches the EndpointSlices: the new nodes are known once it has seen them.
      const timedOut = await untilAnswer(
        () => ask('node-slow'),
        (answer) => answer.status !== 404,
        'node-slow',
      );
      expect(timedOut.status).toBe(504);
      expect(timedOut.body.missingNodes).toEqual([
        expect.objectContaining({ node: 'node-slow', reason: 'timeout' }),
      ]);
      const failed = await untilAnswer(
        () => ask('node-failing'),
        (answer) => answer.status !== 404,
        'node-failing',
      );
      expect(failed.status).toBe(502);
      expect(failed.body.message).toContain('node server failing on purpose');
    } finally {
      await closeServer(slow);
      await closeServer(failing);
    }
  }, 30_000);
});
