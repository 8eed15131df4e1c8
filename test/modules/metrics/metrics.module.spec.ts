import { afterEach, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Registry } from 'prom-client';
import { PERSISTENCE_STATS, type PersistenceStatsSource } from '../../../src/common/persistence-stats.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { METRICS_REGISTRY, MetricsModule } from '../../../src/modules/metrics/index.js';
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

describe('MetricsModule', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const start = async (extra: Array<typeof StatsModule> = []): Promise<TestingModule> => {
    moduleRef = await Test.createTestingModule({
      imports: [ServerConfigModule.forRoot({ env: ENV }), MetricsModule, ...extra],
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
});
