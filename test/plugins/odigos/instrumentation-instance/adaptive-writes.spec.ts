import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CustomResourceStore, type ConcurrencyLimits } from '../../../../src/modules/persistence/index.js';
import { systemTimers } from '../../../../src/modules/persistence/timers.js';
import { WriteBehindQueue } from '../../../../src/modules/persistence/write-behind.queue.js';
import {
  type AgentStore,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from '../../../../src/plugin-api/index.js';
import { instrumentationInstanceResource } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.mapping.js';
import { InstrumentationInstanceMapping } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record-mapping.js';
import { type InstrumentationInstanceRecord as AgentRecord } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record.js';
import { FakeKubeApiServer } from '../../../support/fake-kube-apiserver/index.js';
import { captureLogs } from '../../../support/logs.js';
import { instances, removeInstances, seedPod } from './support/kube.js';

captureLogs();

const NS = 'shop';
const mapping = new InstrumentationInstanceMapping(() => undefined);

/** Counts the calls in flight around the real store and remembers the queue's limit after each. */
class CountingStore implements AgentStore<AgentRecord> {
  inFlight = 0;
  peak = 0;
  readonly limits: number[] = [];
  queue?: WriteBehindQueue<AgentRecord>;

  constructor(private readonly store: CustomResourceStore<AgentRecord>) {}

  upsert(record: AgentRecord): Promise<UpsertOutcome> {
    return this.count(() => this.store.upsert(record));
  }

  remove(record: AgentRecord, reason: RemoveReason): Promise<RemoveOutcome> {
    return this.count(() => this.store.remove(record, reason));
  }

  list(): Promise<AgentRecord[]> {
    return this.store.list();
  }

  private async count<T>(call: () => Promise<T>): Promise<T> {
    this.peak = Math.max(this.peak, ++this.inFlight);
    try {
      return await call();
    } finally {
      this.inFlight--;
      queueMicrotask(() => this.limits.push(this.queue!.stats().concurrencyLimit));
    }
  }
}

function record(index: number): AgentRecord {
  return {
    agentId: `agent-${index}`,
    location: {
      namespace: NS,
      podName: `pod-${index}`,
      containerName: 'app',
      processId: 7,
      workload: { kind: 'Deployment', name: 'Frontend' },
    },
    identifyingAttributes: [{ key: 'service.name', value: 'frontend' }],
    health: { healthy: true, reason: 'Healthy', message: '' },
    observedAt: Date.parse('2026-03-01T12:00:00Z'),
  };
}

describe('the write-behind queue against the fake API server, with adaptive concurrency', () => {
  let server: FakeKubeApiServer;
  // Slow only past 5 s: on a loaded machine a 10 ms call can take a second, and this spec is about growth and errors.
  const limits: ConcurrencyLimits = { initial: 2, min: 1, max: 16, slowMs: 5000 };

  beforeAll(async () => {
    server = await FakeKubeApiServer.start();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.faults.reset();
    removeInstances(server);
    for (let i = 0; i < 120; i++) seedPod(server, NS, `pod-${i}`);
  });

  function queueOn(requestTimeoutMs = 2000): { queue: WriteBehindQueue<AgentRecord>; store: CountingStore } {
    const store = new CountingStore(
      new CustomResourceStore(server.kubeConfig(), mapping, instrumentationInstanceResource, {
        nodeName: 'node-a',
        requestTimeoutMs,
      }),
    );
    const queue = new WriteBehindQueue(store, mapping, {
      concurrency: limits,
      timers: systemTimers,
      baseDelayMs: 2,
      maxDelayMs: 20,
    });
    store.queue = queue;
    return { queue, store };
  }

  async function writeAll(queue: WriteBehindQueue<AgentRecord>, from: number, count: number): Promise<void> {
    for (let i = from; i < from + count; i++) queue.upsert(record(i));
    const result = await queue.flush(20_000);
    expect(result).toEqual({ flushed: true, remaining: 0 });
  }

  it('raises the concurrency while the API answers fast, and writes every record', async () => {
    server.faults.setLatency(10);
    const { queue, store } = queueOn();
    await writeAll(queue, 0, 60);
    expect(instances(server, NS)).toHaveLength(60);
    expect(store.peak).toBeGreaterThan(limits.initial);
    expect(queue.stats().concurrencyLimit).toBeGreaterThan(limits.initial);
  }, 60_000);

  it('halves it on 429 and 5xx answers, and still writes every record', async () => {
    server.faults.setLatency(10);
    const { queue, store } = queueOn();
    await writeAll(queue, 0, 60);
    const raised = queue.stats().concurrencyLimit;
    store.limits.length = 0;
    server.faults.failNext(3, { status: 429, retryAfterSeconds: 0 });
    server.faults.failNext(3, { status: 503 });
    await writeAll(queue, 60, 60);
    expect(instances(server, NS)).toHaveLength(120);
    expect(Math.min(...store.limits)).toBeLessThanOrEqual(Math.floor(raised / 2));
    expect(queue.stats().retries).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('falls to the floor while requests time out, and writes everything once the API recovers', async () => {
    server.faults.setLatency(300);
    const { queue, store } = queueOn(100);
    for (let i = 0; i < 40; i++) queue.upsert(record(i));
    const stalled = await queue.flush(1500);
    expect(stalled.flushed).toBe(false);
    expect(queue.stats().concurrencyLimit).toBe(limits.min);
    expect(store.peak).toBeLessThanOrEqual(limits.initial);
    server.faults.setLatency(0);
    const result = await queue.flush(20_000);
    expect(result).toEqual({ flushed: true, remaining: 0 });
    expect(instances(server, NS)).toHaveLength(40);
  }, 60_000);
});
