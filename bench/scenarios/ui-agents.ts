import { type Browser } from 'playwright-core';
import { launchChromium, openPage } from '../../test/ui/support/browser.js';
import { ensureChromium, ensureUiBuilt } from '../../test/ui/support/ui-build.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import { judge, round, type Scenario } from './scenario.types.js';

/** Timed page loads and filters; the median is reported. */
const ROUNDS = 5;
/** The bench's collector agents spread over 50 `host.name`s: this filter matches 1 in 50. */
const FILTER = 'host.name=node-7';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/**
 * The web UI's agents page in headless Chromium over a server holding 10,000 WebSocket agents: the time from
 * navigation to the first page of rows, and from submitting an attribute filter to its matching rows. Not a
 * target of the issue, a figure to watch: the server filters and pages, so the browser only ever gets 50 rows.
 */
export const uiAgentsPage: Scenario = {
  name: 'ui-agents',
  title: 'Web UI agents page in Chromium',
  async run(ctx) {
    const agents = ctx.size(10_000, 2000);
    const chromiumPath = ensureChromium();
    ensureUiBuilt();
    const server = await ctx.server('default');
    const generator = ctx.generator('ws-load');
    let browser: Browser | undefined;
    try {
      const connected = await connectWsAgents(ctx, generator, server.wsUrl, agents);
      if (connected.failed > 0) throw new Error(`ui-agents: ${connected.failed} agents could not connect`);
      const expected = Math.round(agents / 50);
      browser = await launchChromium(chromiumPath);
      const { page, context, problems } = await openPage(browser);
      const firstRender: number[] = [];
      const filter: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const start = performance.now();
        await page.goto(`${server.adminUrl}/agents`);
        await page.waitForSelector('tr[data-agent]', { timeout: 60_000 });
        firstRender.push(performance.now() - start);
        await page.getByLabel('Attributes').fill(FILTER);
        const filterStart = performance.now();
        await page.getByLabel('Attributes').press('Enter');
        await page.waitForSelector(`[data-testid="agents-count"]:has-text("${expected} agents match")`, {
          timeout: 60_000,
        });
        filter.push(performance.now() - filterStart);
      }
      await context.close();
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
      const firstRenderMs = round(median(firstRender), 0);
      const filterMs = round(median(filter), 0);
      return {
        name: this.name,
        title: `${this.title}, ${agents.toLocaleString('en')} agents`,
        agents,
        real: { durationMs: firstRenderMs },
        settings: { rounds: ROUNDS, pageSize: 50, filter: FILTER },
        targets: [
          judge(
            'the agents page renders with no browser error',
            `${problems.length} errors`,
            problems.length === 0,
          ),
        ],
        notes: [
          `first render (navigation to the first 50 rows, median of ${ROUNDS}): ${firstRenderMs} ms`,
          `filter ${FILTER} (${expected} matches; submit to rows, median of ${ROUNDS}): ${filterMs} ms`,
          ...problems.map((problem) => `browser: ${problem}`),
        ],
        details: {
          firstRenderMs,
          filterMs,
          firstRenderRoundsMs: firstRender.map((ms) => round(ms, 0)),
          filterRoundsMs: filter.map((ms) => round(ms, 0)),
        },
      };
    } finally {
      await browser?.close();
      await ctx.stopGenerator(generator);
    }
  },
};
