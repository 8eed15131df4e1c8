import { type BenchContext } from '../lib/bench-context.js';
import { type GeneratorProcess } from '../lib/generator-process.js';
import { epochMs, type ConfigReport } from '../lib/generator-protocol.js';
import { ProcessMonitor } from '../lib/proc-stats.js';
import { sleep, waitFor } from '../lib/sleep.js';
import { connectWsAgents } from '../lib/ws-agents.js';
import { GENERATOR_BOUND_CORES, judge, round, type Measurement, type Scenario } from './scenario.types.js';

const CONFIG_BYTES = 1024;

const configBody = (): string => {
  const lines = [
    'exporters:',
    '  otlphttp:',
    '    endpoint: http://gateway.observability:4318',
    'processors:',
  ];
  while (lines.join('\n').length < CONFIG_BYTES) lines.push(`  attributes/${lines.length}: { actions: [] }`);
  return `${lines.join('\n')}\n`;
};

async function connect(
  ctx: BenchContext,
  generator: GeneratorProcess,
  url: string,
  agents: number,
): Promise<void> {
  const result = await connectWsAgents(ctx, generator, url, agents);
  if (result.failed > 0) throw new Error(`rollout: ${result.failed} agents could not connect`);
}

async function allReceived(generator: GeneratorProcess, agents: number): Promise<ConfigReport> {
  return waitFor(
    async () => {
      const { result } = await generator.request({ type: 'ws-config-report' }, 'config-report');
      return result.received >= agents ? result : undefined;
    },
    120_000,
    'every agent to receive the config',
    5,
  );
}

async function adminPut(adminUrl: string, path: string, body: unknown): Promise<number> {
  const response = await fetch(`${adminUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.text();
  if (response.status >= 300) throw new Error(`PUT ${path} answered ${response.status}`);
  return response.status;
}

/** A config assigned to every agent through the admin API; measured until every WebSocket agent has it. */
export const configRollout: Scenario = {
  name: 'rollout',
  title: 'Config rollout to every WebSocket agent',
  async run(ctx) {
    const agents = ctx.size(10_000, 1000);
    const server = await ctx.server('default');
    const generator = ctx.generator('ws-load');
    try {
      // Baseline: the baseline process writes one frame of the same size to every socket.
      await connect(ctx, generator, ctx.baseline.wsUrl, agents);
      let monitor = new ProcessMonitor(ctx.baseline.pid);
      let generatorMonitor = new ProcessMonitor(generator.pid);
      monitor.start();
      generatorMonitor.start();
      const baseStart = epochMs();
      await ctx.baseline.broadcast(CONFIG_BYTES);
      const baseReport = await allReceived(generator, agents);
      const baseUsage = monitor.stop();
      const baseGenerator = generatorMonitor.stop();
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');

      await connect(ctx, generator, server.wsUrl, agents);
      await sleep(200);
      const name = `bench-rollout-${Date.now()}`;
      await adminPut(server.adminUrl, `/api/v1/configs/${name}`, {
        files: { 'collector.yaml': { body: configBody(), contentType: 'text/yaml' } },
      });
      monitor = new ProcessMonitor(server.pid);
      generatorMonitor = new ProcessMonitor(generator.pid);
      monitor.start();
      generatorMonitor.start();
      const start = epochMs();
      await adminPut(server.adminUrl, `/api/v1/configs/${name}/assignments/everyone`, { selector: {} });
      const putMs = epochMs() - start;
      const report = await allReceived(generator, agents);
      const usage = monitor.stop();
      const realGenerator = generatorMonitor.stop();
      // Every agent reports APPLIED; the API's rollout state follows.
      const applied = await waitFor(
        async () => {
          const response = await fetch(`${server.adminUrl}/api/v1/configs/${name}`);
          const body = (await response.json()) as { rollout: { applied: number } };
          return body.rollout.applied >= agents ? epochMs() : undefined;
        },
        120_000,
        'every agent to report the config applied',
        20,
      );
      await generator.request({ type: 'ws-close', disconnect: false }, 'closed');
      await fetch(`${server.adminUrl}/api/v1/configs/${name}`, { method: 'DELETE' });

      const baseMs = baseReport.lastAtEpochMs! - baseStart;
      const realMs = report.lastAtEpochMs! - start;
      const baseline: Measurement = {
        durationMs: round(baseMs, 0),
        msgsPerS: round(agents / (baseMs / 1000), 0),
        serverCpu: round(baseUsage.cpuCores),
        serverRssMb: round(baseUsage.peakRssBytes / 1048576, 1),
        generatorCpu: round(baseGenerator.cpuCores),
        generatorBound: baseGenerator.cpuCores >= GENERATOR_BOUND_CORES,
      };
      const real: Measurement = {
        durationMs: round(realMs, 0),
        msgsPerS: round(agents / (realMs / 1000), 0),
        serverCpu: round(usage.cpuCores),
        serverRssMb: round(usage.peakRssBytes / 1048576, 1),
        generatorCpu: round(realGenerator.cpuCores),
        generatorBound: realGenerator.cpuCores >= GENERATOR_BOUND_CORES,
      };
      return {
        name: this.name,
        title: `${this.title}, ${agents.toLocaleString('en')} agents`,
        agents,
        real,
        baseline,
        ratio: round(baseMs / realMs, 3),
        ratioOf: 'time until every agent has it (baseline ÷ server)',
        settings: { rounds: 1, configBytes: CONFIG_BYTES },
        targets: [
          judge(
            'every WebSocket agent receives the config',
            `${report.received}/${agents}`,
            report.received === agents,
            real.generatorBound === true,
          ),
        ],
        notes: [
          `PUT config + PUT assignment {"selector":{}} through the admin API; the PUT answered in ${round(putMs, 0)} ms`,
          `every agent reported APPLIED (admin API rollout.applied = ${agents}) ${round(applied - start, 0)} ms after the PUT`,
          `baseline: the baseline process writes one ${CONFIG_BYTES}-byte remote config frame to every socket`,
        ],
        details: { putMs: round(putMs, 0), appliedMs: round(applied - start, 0) },
      };
    } finally {
      await ctx.stopGenerator(generator);
    }
  },
};
