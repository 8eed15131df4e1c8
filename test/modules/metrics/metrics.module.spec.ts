import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Registry } from 'prom-client';
import { PERSISTENCE_STATS, type PersistenceStatsSource } from '../../../src/common/persistence-stats.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { METRICS_REGISTRY, MetricsModule } from '../../../src/modules/metrics/index.js';
import { OpampPlugin } from '../../../src/modules/plugins/index.js';
import { type OpampPluginHooks } from '../../../src/plugin-api/index.js';
import { MessagePipeline } from '../../../src/modules/session/index.js';
import { OpampListener } from '../../../src/modules/transport/index.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { postMessage, postRaw } from '../../support/http-agent.js';
import { agentToServer, description, randomUid } from '../../support/opamp-messages.js';
import { parsePrometheusText, sampleValue, type Sample } from '../../support/prometheus-text.js';

const ENV = { OPAMP_HOST: '127.0.0.1', OPAMP_PORT: '0' };

const STATS: PersistenceStatsSource = {
  stats: () => ({ depth: 3, writes: { upsert: { ok: 5, failed: 1 } }, dropped: 2 }),
};

/** Stands in for a persistence layer: provides PERSISTENCE_STATS from another module. */
@Module({ providers: [{ provide: PERSISTENCE_STATS, useValue: STATS }] })
class StatsModule {}

/** A write-behind queue's full stats: two writes of 3 ms and 30 ms, one retry, one state 1.5 s old. */
const FULL_STATS: PersistenceStatsSource = {
  stats: () => ({
    depth: 1,
    writes: { upsert: { ok: 2, failed: 1 }, remove: { ok: 0, failed: 0 } },
    dropped: 0,
    retries: 1,
    oldestPendingMs: 1500,
    outcomes: { created: 1, updated: 1, deleted: 0 },
    latency: {
      count: 2,
      sumMs: 33,
      buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000].map((le) => ({
        le,
        count: le >= 50 ? 2 : le >= 5 ? 1 : 0,
      })),
    },
  }),
};

@Module({ providers: [{ provide: PERSISTENCE_STATS, useValue: FULL_STATS }] })
class FullStatsModule {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A plugin with one slow hook, one that hangs, one that throws and one that answers synchronously. */
@OpampPlugin({ name: 'slow' })
@Injectable()
class SlowPlugin implements OpampPluginHooks {
  async onConnect(): Promise<void> {
    await sleep(40);
  }
  onMessage(): Promise<undefined> {
    return new Promise<undefined>(() => undefined);
  }
  onDisconnect(): void {
    throw new Error('bug in onDisconnect');
  }
  resourceAttributes(): undefined {
    return undefined;
  }
}

@Module({ providers: [SlowPlugin] })
class SlowPluginModule {}

describe('MetricsModule', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const start = async (
    extra: Array<typeof StatsModule> = [],
    env: Record<string, string> = {},
  ): Promise<TestingModule> => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: { ...ENV, ...env } }), MetricsModule, ...extra],
    }).compile();
    await moduleRef.init();
    return moduleRef;
  };

  const scrape = async (): Promise<Sample[]> =>
    parsePrometheusText(await moduleRef!.get<Registry>(METRICS_REGISTRY).metrics()).samples;

  const opampUrl = (): string => `http://127.0.0.1:${moduleRef!.get(OpampListener).address().port}/v1/opamp`;

  it('counts the messages the pipeline handles by transport and kind', async () => {
    await start();
    const server = moduleRef!.get(MessagePipeline);
    const uid = randomUid();
    const send = (init: Parameters<typeof agentToServer>[0]) =>
      server.handle(new FakeConnection('http'), agentToServer({ instanceUid: uid, ...init }));
    await send({ sequenceNum: 0n, agentDescription: description('a') });
    await send({ sequenceNum: 1n });
    await send({ sequenceNum: 2n });
    await send({ sequenceNum: 3n, health: { healthy: true } });
    await send({ sequenceNum: 4n, agentDisconnect: {} });

    const samples = await scrape();

    const messages = (kind: string) =>
      sampleValue(samples, 'opamp_messages_total', { transport: 'http', kind });
    expect([messages('first'), messages('heartbeat'), messages('status'), messages('disconnect')]).toEqual([
      1, 2, 1, 1,
    ]);
    expect(sampleValue(samples, 'opamp_messages_total', { transport: 'websocket' })).toBeUndefined();
  });

  it('keeps counting across scrapes instead of starting over', async () => {
    await start();
    const server = moduleRef!.get(MessagePipeline);
    const uid = randomUid();
    await server.handle(new FakeConnection('http'), agentToServer({ instanceUid: uid, sequenceNum: 0n }));
    await server.handle(new FakeConnection('http'), agentToServer({ instanceUid: uid, sequenceNum: 1n }));
    expect(sampleValue(await scrape(), 'opamp_messages_total', { kind: 'heartbeat' })).toBe(1);

    await server.handle(new FakeConnection('http'), agentToServer({ instanceUid: uid, sequenceNum: 2n }));

    expect(sampleValue(await scrape(), 'opamp_messages_total', { kind: 'heartbeat' })).toBe(2);
  });

  it('gauges the connected agents by transport', async () => {
    await start();
    const server = moduleRef!.get(MessagePipeline);
    const connect = (connection: FakeConnection) =>
      server.handle(
        connection,
        agentToServer({ instanceUid: randomUid(), agentDescription: description('a') }),
      );
    await connect(new FakeConnection('http'));
    await connect(new FakeConnection('http'));
    await connect(new FakeConnection('websocket'));

    const samples = await scrape();

    expect(sampleValue(samples, 'opamp_connected_agents', { transport: 'http' })).toBe(2);
    expect(sampleValue(samples, 'opamp_connected_agents', { transport: 'websocket' })).toBe(1);
  });

  it('counts messages the listener refused, by reason, and times every handled message', async () => {
    await start();
    await postRaw(opampUrl(), Buffer.from('not protobuf at all'));
    await postRaw(opampUrl(), Buffer.from('not protobuf at all'));
    await postMessage(opampUrl(), { instanceUid: randomUid(), agentDescription: description('a') });

    const samples = await scrape();

    expect(
      sampleValue(samples, 'opamp_decode_errors_total', { transport: 'http', reason: 'malformed' }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'opamp_message_duration_seconds_count', { transport: 'http', outcome: 'refused' }),
    ).toBe(2);
    expect(
      sampleValue(samples, 'opamp_message_duration_seconds_count', { transport: 'http', outcome: 'ok' }),
    ).toBe(1);
  });

  it('exports the persistence series when some module provides PERSISTENCE_STATS, and not otherwise', async () => {
    await start([StatsModule]);
    const withStats = await scrape();
    await moduleRef!.close();
    await start();
    const without = await scrape();

    expect(sampleValue(withStats, 'opamp_persistence_queue_depth')).toBe(3);
    expect(
      sampleValue(withStats, 'opamp_persistence_writes_total', { operation: 'upsert', result: 'failed' }),
    ).toBe(1);
    expect(sampleValue(withStats, 'opamp_persistence_dropped_total')).toBe(2);
    expect(sampleValue(without, 'opamp_persistence_queue_depth')).toBeUndefined();
    expect(sampleValue(without, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });

  it('counts a rate-limited request as a refusal, not as a decode error', async () => {
    await start([], { MAX_MESSAGES_PER_SECOND: '1' });
    const uid = randomUid();
    const statuses: number[] = [];
    // One per second with a burst of two: the third message of one agent at once is refused with 429.
    for (let sequenceNum = 0n; sequenceNum < 3n; sequenceNum++)
      statuses.push((await postMessage(opampUrl(), { instanceUid: uid, sequenceNum })).status);
    await postRaw(opampUrl(), Buffer.from('not protobuf at all'));

    const samples = await scrape();

    expect(statuses).toEqual([200, 200, 429]);
    expect(sampleValue(samples, 'opamp_refusals_total', { transport: 'http', reason: 'rate-limited' })).toBe(
      1,
    );
    expect(sampleValue(samples, 'opamp_decode_errors_total', { reason: 'rate-limited' })).toBeUndefined();
    expect(
      sampleValue(samples, 'opamp_decode_errors_total', { transport: 'http', reason: 'malformed' }),
    ).toBe(1);
    expect(sampleValue(samples, 'opamp_refusals_total', { reason: 'malformed' })).toBeUndefined();
  });

  it('counts agent connections opened and closed, by transport and reason', async () => {
    await start();
    const uid = randomUid();
    await postMessage(opampUrl(), { instanceUid: uid, agentDescription: description('a') });
    await postMessage(opampUrl(), { instanceUid: randomUid(), agentDescription: description('b') });
    await postMessage(opampUrl(), { instanceUid: uid, sequenceNum: 1n, agentDisconnect: {} });

    const samples = await scrape();

    expect(sampleValue(samples, 'opamp_connections_opened_total', { transport: 'http' })).toBe(2);
    expect(
      sampleValue(samples, 'opamp_connections_closed_total', {
        transport: 'http',
        reason: 'agent-disconnect',
      }),
    ).toBe(1);
    expect(sampleValue(samples, 'opamp_connections_closed_total', { reason: 'stale' })).toBeUndefined();
  });

  it('exports opamp_build_info with the package version, the Node.js version and OPAMP_BUILD_COMMIT', async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };
    process.env.OPAMP_BUILD_COMMIT = 'abc1234';
    try {
      await start();
    } finally {
      delete process.env.OPAMP_BUILD_COMMIT;
    }

    const samples = await scrape();

    const info = samples.find((sample) => sample.name === 'opamp_build_info');
    expect(info).toEqual({
      name: 'opamp_build_info',
      labels: { version, node_version: process.version, commit: 'abc1234' },
      value: 1,
    });
  });

  it('exports the write latency in seconds buckets, the oldest pending age, retries and outcomes', async () => {
    await start([FullStatsModule]);

    const samples = await scrape();
    const bucket = (le: string) =>
      sampleValue(samples, 'opamp_persistence_write_duration_seconds_bucket', { le });

    expect([bucket('0.005'), bucket('0.025'), bucket('0.05'), bucket('10'), bucket('+Inf')]).toEqual([
      1, 1, 2, 2, 2,
    ]);
    expect(sampleValue(samples, 'opamp_persistence_write_duration_seconds_sum')).toBeCloseTo(0.033, 9);
    expect(sampleValue(samples, 'opamp_persistence_write_duration_seconds_count')).toBe(2);
    expect(sampleValue(samples, 'opamp_persistence_oldest_pending_seconds')).toBe(1.5);
    expect(sampleValue(samples, 'opamp_persistence_retries_total')).toBe(1);
    expect(sampleValue(samples, 'opamp_persistence_write_outcomes_total', { outcome: 'created' })).toBe(1);
    expect(sampleValue(samples, 'opamp_persistence_queue_depth')).toBe(1);
  });

  it('times asynchronous plugin hooks and counts the ones that time out or throw', async () => {
    await start([SlowPluginModule], { PLUGIN_TIMEOUT_MS: '100' });
    const uid = randomUid();
    await postMessage(opampUrl(), { instanceUid: uid, agentDescription: description('a') });
    await postMessage(opampUrl(), { instanceUid: uid, sequenceNum: 1n, agentDisconnect: {} });

    const samples = await scrape();
    const hook = (name: string, labels: Record<string, string>) =>
      sampleValue(samples, name, { plugin: 'slow', ...labels });

    expect(hook('opamp_plugin_hook_duration_seconds_count', { hook: 'onConnect' })).toBe(1);
    expect(hook('opamp_plugin_hook_duration_seconds_sum', { hook: 'onConnect' })).toBeGreaterThanOrEqual(
      0.035,
    );
    expect(hook('opamp_plugin_hook_duration_seconds_bucket', { hook: 'onConnect', le: '0.025' })).toBe(0);
    expect(hook('opamp_plugin_hook_duration_seconds_bucket', { hook: 'onConnect', le: '+Inf' })).toBe(1);
    // Two messages, two onMessage calls that never settle: each is cut at PLUGIN_TIMEOUT_MS.
    expect(hook('opamp_plugin_hook_failures_total', { hook: 'onMessage', outcome: 'timeout' })).toBe(2);
    expect(hook('opamp_plugin_hook_duration_seconds_count', { hook: 'onMessage' })).toBe(2);
    expect(hook('opamp_plugin_hook_duration_seconds_sum', { hook: 'onMessage' })).toBeGreaterThanOrEqual(
      0.19,
    );
    expect(hook('opamp_plugin_hook_failures_total', { hook: 'onDisconnect', outcome: 'error' })).toBe(1);
    expect(hook('opamp_plugin_hook_failures_total', { hook: 'onConnect' })).toBeUndefined();
    // Synchronous answers are not timed.
    expect(hook('opamp_plugin_hook_duration_seconds_count', { hook: 'resourceAttributes' })).toBeUndefined();
    expect(hook('opamp_plugin_hook_duration_seconds_count', { hook: 'onDisconnect' })).toBeUndefined();
  });
});
