import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { CommandType } from '../../src/generated/opamp/v1/opamp.js';
import { adminCall, oneFileConfig } from '../support/admin-client.js';
import { eventually } from '../support/eventually.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { launchChromium, openPage, seriousViolations } from './support/browser.js';
import { registerHttpAgent, SimulatedWsAgent, type SimulatedAgentSpec } from './support/simulated-fleet.js';
import { screenshotsDir } from './support/screenshots.js';
import { ensureChromium, ensureUiBuilt } from './support/ui-build.js';

const SERVICES = ['checkout', 'cart', 'payments', 'frontend'];
const WS_AGENTS = 120;
const HTTP_AGENTS = 3;
const IMAGES = screenshotsDir();

const specOf = (i: number): SimulatedAgentSpec => ({
  service: SERVICES[i % SERVICES.length]!,
  namespace: i % 3 === 0 ? 'web' : 'shop',
  node: `node-${'abc'[i % 3]}`,
  healthy: i % 7 !== 0,
});

describe('web UI in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  const agents: SimulatedWsAgent[] = [];
  const httpAgents: string[] = [];

  beforeAll(async () => {
    // Chromium (apt-get when missing) and the UI build (when ui/ changed) before the first page.
    const chromiumPath = ensureChromium();
    ensureUiBuilt();
    // The HTTP agents poll once: keep them listed for the whole run.
    server = await startTestServer({ env: { STALE_AFTER_S: '3600' } });
    for (let i = 0; i < WS_AGENTS; i++) agents.push(await SimulatedWsAgent.connect(server.wsUrl, specOf(i)));
    for (let i = 0; i < HTTP_AGENTS; i++)
      httpAgents.push(await registerHttpAgent(server.opampUrl, specOf(i)));
    await adminCall(
      server.adminUrl,
      'PUT',
      '/api/v1/configs/baseline',
      oneFileConfig('receivers: { otlp: {} }\n'),
    );
    // The first agent runs a config, so its page shows the effective and remote configs side by side.
    await adminCall(server.adminUrl, 'PUT', `/api/v1/agents/${agents[0]!.id}/config`, { config: 'baseline' });
    await eventually(() => agents[0]!.appliedConfigs.length === 1, 5_000, 'the first agent applied baseline');
    // A package assigned to every agent; these agents do not accept packages, so its rollout counts them unsupported.
    await adminCall(server.adminUrl, 'PUT', '/api/v1/packages/otelcol-0.120.0', {
      offeredAs: 'otelcol',
      version: '0.120.0',
      downloadUrl: 'https://downloads.example.com/otelcol_0.120.0_linux_amd64.tar.gz',
      contentHash: 'ab'.repeat(32),
    });
    await adminCall(server.adminUrl, 'PUT', '/api/v1/packages/otelcol-0.120.0/assignments/all', {
      selector: {},
    });
    browser = await launchChromium(chromiumPath);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const agent of agents) agent.close();
    await server?.close();
  });

  const url = (path: string) => `${server.adminUrl}${path}`;
  const total = WS_AGENTS + HTTP_AGENTS;

  /** Every page, what shows it finished loading, and the name of its screenshot. */
  const pages = (): Array<{ path: string; ready: string; shot: string }> => [
    { path: '/', ready: `[data-testid="agent-total"]:text-is("${total}")`, shot: 'overview' },
    { path: '/agents', ready: 'tr[data-agent]', shot: 'agents' },
    { path: `/agents/${agents[0]!.id}`, ready: '#health-title', shot: 'agent' },
    { path: '/configs', ready: 'li[data-config="baseline"]', shot: 'configs' },
    { path: '/configs/baseline', ready: '[data-testid="rollout"]', shot: 'config-editor' },
    { path: '/configs/new', ready: '#config-name', shot: 'config-new' },
    { path: '/nodes', ready: 'tbody tr', shot: 'nodes' },
    { path: '/packages', ready: 'text=Install rollout of otelcol-0.120.0', shot: 'packages' },
    { path: '/connection-offers', ready: 'text=None defined.', shot: 'connection-offers' },
  ];

  for (const scheme of ['light', 'dark'] as const) {
    it(`loads every page with no console error and no serious axe violation (${scheme})`, async () => {
      const { page, context, problems } = await openPage(browser, scheme);
      try {
        for (const { path, ready, shot } of pages()) {
          await page.goto(url(path));
          await page.waitForSelector(ready, { timeout: 15_000 });
          expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(scheme);
          expect({ path, violations: await seriousViolations(page) }).toEqual({ path, violations: [] });
          await page.screenshot({ path: join(IMAGES, `${shot}-${scheme}.png`), fullPage: false });
        }
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 120_000);
  }

  const rowIds = (page: Page) =>
    page.locator('tr[data-agent]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-agent')));
  /** Waits (10 s at most) until the first agent row's id satisfies `wanted`. */
  const firstRowWhere = async (page: Page, wanted: (first: string) => boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const first = await page
        .locator('tr[data-agent]')
        .first()
        .getAttribute('data-agent', { timeout: 1000 });
      if (first !== null && wanted(first)) return;
      if (Date.now() > deadline) throw new Error(`the first row is still ${first} after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it('shows each package with its assignments and its install rollout', async () => {
    const { page, context, problems } = await openPage(browser);
    try {
      await page.goto(url('/packages'));
      const card = page.locator('section.card', { hasText: 'otelcol-0.120.0' });
      await card
        .getByText(`Install rollout of otelcol-0.120.0: ${total} agents`)
        .waitFor({ timeout: 15_000 });
      expect(await card.getByText('every agent').count()).toBe(1);
      expect(await card.locator('li', { hasText: 'unsupported' }).innerText()).toBe(`unsupported: ${total}`);
      expect(await card.locator('li', { hasText: 'installed' }).innerText()).toBe('installed: 0');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('filters on the server and pages through every matching agent', async () => {
    const { page, context, problems } = await openPage(browser);
    try {
      await page.goto(url('/agents'));
      await page.getByLabel('Health').selectOption('unhealthy');
      const unhealthy = [
        ...agents.filter((agent) => !agent.spec.healthy).map((agent) => agent.id),
        ...httpAgents.filter((_, i) => !specOf(i).healthy),
      ].sort();
      await page.waitForSelector(`[data-testid="agents-count"]:has-text("${unhealthy.length} agents match")`);
      expect(await rowIds(page)).toEqual(unhealthy);
      expect(page.url()).toContain('health=unhealthy');

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByLabel('Namespace').fill('web');
      await page.getByLabel('Attributes').fill('service.name=checkout');
      await page.getByLabel('Attributes').press('Enter');
      const wanted = [
        ...agents.filter((a) => a.spec.namespace === 'web' && a.spec.service === 'checkout').map((a) => a.id),
        ...httpAgents.filter((_, i) => specOf(i).namespace === 'web' && specOf(i).service === 'checkout'),
      ].sort();
      await page.waitForSelector(`[data-testid="agents-count"]:has-text("${wanted.length} agents match")`);
      expect(await rowIds(page)).toEqual(wanted);

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.getByLabel('Transport').selectOption('websocket');
      await page.waitForSelector(
        `[data-testid="agents-count"]:has-text("${WS_AGENTS} agents match · page 1 of 3")`,
      );
      const seen: string[] = [];
      for (let pageNumber = 1; pageNumber <= 3; pageNumber++) {
        await page.waitForSelector(`[data-testid="agents-count"]:has-text("page ${pageNumber} of 3")`);
        // The count line can show the new page a render before its rows do: wait for rows not seen yet.
        await firstRowWhere(page, (first) => !seen.includes(first));
        const ids = await rowIds(page);
        expect(ids.length).toBe(pageNumber < 3 ? 50 : WS_AGENTS - 100);
        seen.push(...(ids as string[]));
        if (pageNumber < 3) await page.getByRole('button', { name: 'Next page' }).click();
      }
      expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
      expect(seen).toEqual(agents.map((agent) => agent.id).sort());
      await page.getByRole('button', { name: 'Previous page' }).click();
      await page.waitForSelector('[data-testid="agents-count"]:has-text("page 2 of 3")');
      await firstRowWhere(page, (first) => first === seen[50]);
      expect(await rowIds(page)).toEqual(seen.slice(50, 100));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('creates a config in the editor, previews the agents it reaches, and shows its rollout APPLIED', async () => {
    const { page, context, problems } = await openPage(browser);
    try {
      await page.goto(url('/configs/new'));
      await page.getByLabel('Name', { exact: true }).fill('Payments!');
      await page.getByLabel('Body').fill('exporters: { otlp: { endpoint: collector:4317 } }\n');
      await page.getByLabel('Selector').fill('service.name=payments');
      await page.getByRole('button', { name: 'Save config' }).click();
      await expect(page.locator('#config-name-problem').textContent()).resolves.toContain(
        'Lower-case letters',
      );
      await page.getByLabel('Name', { exact: true }).fill('payments');

      const payments = agents.filter((agent) => agent.spec.service === 'payments');
      await page.getByRole('button', { name: 'Preview agents' }).click();
      const reached = payments.length + httpAgents.filter((_, i) => specOf(i).service === 'payments').length;
      await page.waitForSelector(`[data-testid="preview-count"]:has-text("reaches ${reached} connected")`);

      await page.getByRole('button', { name: 'Save config' }).click();
      await page.waitForURL(url('/configs/payments'));
      await eventually(
        () => payments.every((agent) => agent.appliedConfigs.some((body) => body.includes('collector:4317'))),
        10_000,
        'every payments agent applied the config',
      );
      const applied = payments.length;
      await page.waitForSelector(`[data-testid="rollout"] li:has-text("applied: ${applied}")`, {
        timeout: 15_000,
      });
      const others = agents.filter((agent) => agent.spec.service !== 'payments');
      expect(
        others.every((agent) => !agent.appliedConfigs.some((body) => body.includes('collector:4317'))),
      ).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('delivers a restart from the agent page to the agent', async () => {
    const { page, context, problems } = await openPage(browser);
    const target = agents[5]!;
    try {
      await page.goto(url(`/agents/${target.id}`));
      await page.getByRole('button', { name: 'Restart agent' }).click();
      await page.waitForSelector('[data-testid="restart-outcome"]:has-text("Restart sent to the agent.")');
      await eventually(
        () => target.commands.includes(CommandType.CommandType_Restart),
        5_000,
        'the restart command',
      );
      expect(agents.filter((agent) => agent !== target).every((agent) => agent.commands.length === 0)).toBe(
        true,
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('searches the agents by free text and shows a newly connected agent on the overview without a reload', async () => {
    const { page, context, problems } = await openPage(browser);
    let newcomer: SimulatedWsAgent | undefined;
    try {
      await page.goto(url('/agents?q=PAYMENTS'));
      const payments = [
        ...agents.filter((agent) => agent.spec.service === 'payments').map((agent) => agent.id),
        ...httpAgents.filter((_, i) => specOf(i).service === 'payments'),
      ].sort();
      await page.waitForSelector(`[data-testid="agents-count"]:has-text("${payments.length} agents match")`);
      expect(await rowIds(page)).toEqual(payments);

      await page.goto(url('/'));
      await page.waitForSelector(`[data-testid="agent-total"]:text-is("${total}")`);
      expect(await page.locator('header .live').textContent()).toBe('live');
      newcomer = await SimulatedWsAgent.connect(server.wsUrl, specOf(1));
      await page.waitForSelector(`[data-testid="agent-total"]:text-is("${total + 1}")`, { timeout: 10_000 });
      expect(problems).toEqual([]);
    } finally {
      newcomer?.close();
      await context.close();
    }
  }, 60_000);
});

describe('web UI sign-in', () => {
  let server: TestServer;
  let browser: Browser;
  const token = 'ui-test-token-0123456789';

  beforeAll(async () => {
    const chromiumPath = ensureChromium();
    ensureUiBuilt();
    server = await startTestServer({ env: { ADMIN_TOKEN: token } });
    browser = await launchChromium(chromiumPath);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`asks for the admin token when the API answers 401, then shows the page (${scheme})`, async () => {
      const { page, context, problems } = await openPage(browser, scheme);
      try {
        await page.goto(`${server.adminUrl}/agents`);
        await page.waitForSelector('#sign-in-title');
        expect(await seriousViolations(page)).toEqual([]);
        await page.screenshot({ path: join(IMAGES, `sign-in-${scheme}.png`) });
        await page.getByLabel('Admin token').fill('not-the-token');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForSelector('text=The server refused this token.');
        await page.getByLabel('Admin token').fill(token);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForSelector('[data-testid="agents-count"]:has-text("0 agents match")');
        expect(await page.evaluate("sessionStorage.getItem('opamp-nest.admin-token')")).toBe(token);
        // The only console errors are Chromium's own lines for the two 401 answers the sign-in is about.
        expect(problems.filter((problem) => !problem.includes('status of 401'))).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
