import { describe, expect, it } from '@jest/globals';
import { AgentStoreError } from '../../../src/modules/persistence/index.js';
import { WriteBehindQueue } from '../../../src/modules/persistence/write-behind.queue.js';
import {
  type AgentRecordMapping,
  type AgentStore,
  type RemoveOutcome,
  type UpsertOutcome,
} from '../../../src/plugin-api/index.js';
import { FakeTimers } from './support/fake-timers.js';
import { captureLogs } from '../../support/logs.js';

captureLogs();

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A record of the test mapping: one per process of a pod, with the state last reported. */
interface TestRecord {
  readonly pod: string;
  readonly pid: number;
  readonly state: string;
  readonly agentId: string;
  readonly observedAt: number;
}

function record(pid: number, state = 'Healthy', pod = 'pod-a'): TestRecord {
  return { pod, pid, state, agentId: `agent-${pid}`, observedAt: 0 };
}

/**
 * Keyed by pod and process, grouped by pod (one call at a time per pod); the queue asks nothing else of it.
 * The session hooks are never called by the queue.
 */
const mapping: AgentRecordMapping<TestRecord> = {
  name: 'test-records',
  recordOf: () => undefined,
  keyOf: (r) => `${r.pod}/${r.pid}`,
  groupOf: (r) => r.pod,
  agentOf: (r) => r.agentId,
  atSessionEnd: () => 'keep',
};

/** A store whose calls are recorded and held until the test releases or fails them. */
class ScriptedStore implements AgentStore<TestRecord> {
  readonly calls: { op: 'upsert' | 'remove'; record: TestRecord }[] = [];
  private waiting: {
    resolve: (outcome: UpsertOutcome | RemoveOutcome) => void;
    reject: (error: unknown) => void;
    op: string;
  }[] = [];
  autoResolve = false;
  failWith?: unknown;

  upsert(record: TestRecord): Promise<UpsertOutcome> {
    return this.call('upsert', record) as Promise<UpsertOutcome>;
  }

  remove(record: TestRecord): Promise<RemoveOutcome> {
    return this.call('remove', record) as Promise<RemoveOutcome>;
  }

  async list(): Promise<TestRecord[]> {
    return [];
  }

  get inFlight(): number {
    return this.waiting.length;
  }

  /** Completes the oldest held call. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next.resolve(next.op === 'upsert' ? 'updated' : 'deleted');
  }

  fail(error: unknown): void {
    this.waiting.shift()?.reject(error);
  }

  private call(op: 'upsert' | 'remove', record: TestRecord): Promise<UpsertOutcome | RemoveOutcome> {
    this.calls.push({ op, record });
    if (this.failWith !== undefined) return Promise.reject(this.failWith);
    if (this.autoResolve) return Promise.resolve(op === 'upsert' ? 'updated' : 'deleted');
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject, op }));
  }
}

function queueOn(
  store: AgentStore<TestRecord>,
  timers = new FakeTimers(),
  recordMapping: AgentRecordMapping<TestRecord> = mapping,
): WriteBehindQueue<TestRecord> {
  return new WriteBehindQueue(store, recordMapping, {
    timers,
    random: () => 0.5,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    concurrency: 2,
  });
}

describe('WriteBehindQueue', () => {
  it('coalesces per record: states replaced while one is in flight are never written', async () => {
    const store = new ScriptedStore();
    const queue = queueOn(store);
    queue.upsert(record(1, 'Starting'));
    for (let i = 0; i < 10; i++) queue.upsert(record(1, `Update${i}`));
    expect(store.calls).toHaveLength(1);
    expect(queue.depth).toBe(1);
    store.release();
    await settle();
    expect(store.calls.map((c) => c.record.state)).toEqual(['Starting', 'Update9']);
    store.release();
    await queue.idle();
    expect(queue.stats()).toMatchObject({ depth: 0, coalesced: 9, writes: { upsert: { ok: 2, failed: 0 } } });
  });

  it('lets a later remove replace a pending upsert of the same record', async () => {
    const store = new ScriptedStore();
    store.autoResolve = true;
    const queue = queueOn(store);
    queue.upsert(record(1, 'Starting'));
    queue.upsert(record(2, 'Starting'));
    queue.upsert(record(3, 'Starting'));
    queue.remove(record(3), 'agent-disconnect');
    await queue.idle();
    expect(store.calls.map((c) => `${c.op}:${c.record.pid}`)).toEqual(['upsert:1', 'upsert:2', 'remove:3']);
  });

  it('runs one call at a time per pod and at most `concurrency` overall', async () => {
    const store = new ScriptedStore();
    const queue = queueOn(store);
    queue.upsert(record(1, 'x', 'pod-a'));
    queue.upsert(record(2, 'x', 'pod-a'));
    queue.upsert(record(3, 'x', 'pod-b'));
    queue.upsert(record(4, 'x', 'pod-c'));
    expect(store.calls.map((c) => c.record.pid)).toEqual([1, 3]);
    store.release();
    await settle();
    expect(store.calls.map((c) => c.record.pid)).toEqual([1, 3, 2]);
    store.release();
    store.release();
    await settle();
    store.release();
    await queue.idle();
    expect(store.calls.map((c) => c.record.pid)).toEqual([1, 3, 2, 4]);
  });

  it('retries with exponential backoff for as long as the store fails, then writes the latest state', async () => {
    const store = new ScriptedStore();
    const timers = new FakeTimers();
    const queue = queueOn(store, timers);
    store.failWith = new Error('connect ECONNREFUSED');
    queue.upsert(record(1, 'Starting'));
    await settle();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = store.calls.length;
      let waited = 0;
      while (store.calls.length === before) {
        timers.advance(10);
        waited += 10;
        await settle();
      }
      delays.push(waited);
      if (i === 3) queue.upsert(record(1, 'Healthy'));
    }
    // equal jitter with random 0.5: 3/4 of 100, 200, 400, 800, then the 1000 ms ceiling
    expect(delays).toEqual([80, 150, 300, 600, 750, 750, 750, 750]);
    store.failWith = undefined;
    store.autoResolve = true;
    timers.advance(1000);
    await queue.idle();
    expect(store.calls.at(-1)?.record.state).toBe('Healthy');
    expect(queue.stats()).toMatchObject({ depth: 0, retries: 9, writes: { upsert: { ok: 1, failed: 9 } } });
  });

  it('gives up a state the store rejects for good, and still writes the next one', async () => {
    const store = new ScriptedStore();
    const queue = queueOn(store);
    store.failWith = new AgentStoreError('invalid', { operation: 'upsert', retryable: false, status: 422 });
    queue.upsert(record(1, 'Bad'));
    await queue.idle();
    expect(queue.stats()).toMatchObject({ dropped: 1, depth: 0, retries: 0 });
    store.failWith = undefined;
    store.autoResolve = true;
    queue.upsert(record(1, 'Good'));
    await queue.idle();
    expect(store.calls.map((c) => c.record.state)).toEqual(['Bad', 'Good']);
  });

  it('does not send an upsert identical to the last one written (by default, apart from observedAt)', async () => {
    const store = new ScriptedStore();
    store.autoResolve = true;
    const queue = queueOn(store);
    queue.upsert(record(1));
    await queue.idle();
    queue.upsert({ ...record(1), observedAt: 99 });
    await queue.idle();
    expect(store.calls).toHaveLength(1);
    expect(queue.stats().unchanged).toBe(1);
    queue.upsert({ ...record(1), observedAt: 100, agentId: 'other-uid' });
    await queue.idle();
    expect(store.calls.map((c) => c.record.agentId)).toEqual(['agent-1', 'other-uid']);
  });

  it("compares records by the mapping's fingerprint when it has one", async () => {
    const store = new ScriptedStore();
    store.autoResolve = true;
    const byState: AgentRecordMapping<TestRecord> = { ...mapping, fingerprintOf: (r) => r.state };
    const queue = queueOn(store, new FakeTimers(), byState);
    queue.upsert(record(1));
    await queue.idle();
    queue.upsert({ ...record(1), observedAt: 99, agentId: 'other-uid' });
    await queue.idle();
    expect(store.calls).toHaveLength(1);
    queue.upsert(record(1, 'Degraded'));
    await queue.idle();
    expect(store.calls.map((c) => c.record.state)).toEqual(['Healthy', 'Degraded']);
  });

  it('writes again what was removed since, even when it is what was written before', async () => {
    const store = new ScriptedStore();
    store.autoResolve = true;
    const queue = queueOn(store);
    queue.upsert(record(1));
    await queue.idle();
    queue.remove(record(1), 'superseded');
    await queue.idle();
    queue.upsert(record(1));
    await queue.idle();
    expect(store.calls.map((c) => c.op)).toEqual(['upsert', 'remove', 'upsert']);
  });

  it('without groupOf, writes records of one pod side by side (each record is its own group)', async () => {
    const store = new ScriptedStore();
    const { groupOf: _groupOf, ...byKey } = mapping;
    const queue = queueOn(store, new FakeTimers(), byKey);
    queue.upsert(record(1, 'x', 'pod-a'));
    queue.upsert(record(2, 'x', 'pod-a'));
    // Without groupOf, each record is its own group: both calls start at once.
    expect(store.calls.map((c) => c.record.pid)).toEqual([1, 2]);
    store.release();
    store.release();
    await queue.idle();
  });

  it('flush tries states waiting for a retry at once and reports what is left at the deadline', async () => {
    const store = new ScriptedStore();
    const timers = new FakeTimers();
    const queue = new WriteBehindQueue(store, mapping, { timers, baseDelayMs: 60_000, maxDelayMs: 60_000 });
    store.failWith = new Error('socket hang up');
    queue.upsert(record(1));
    queue.remove(record(2), 'stale');
    await settle();
    expect(store.calls).toHaveLength(2);
    store.failWith = undefined;
    store.autoResolve = true;
    await expect(queue.flush(1000)).resolves.toEqual({ flushed: true, remaining: 0 });
    expect(store.calls.map((c) => c.op)).toEqual(['upsert', 'remove', 'upsert', 'remove']);

    store.autoResolve = false;
    queue.upsert(record(3));
    const result = queue.flush(500);
    timers.advance(500);
    await expect(result).resolves.toEqual({ flushed: false, remaining: 1 });
  });

  it('keeps latency and outcome statistics', async () => {
    const store = new ScriptedStore();
    store.autoResolve = true;
    let now = 0;
    const queue = new WriteBehindQueue(store, mapping, {
      timers: new FakeTimers(),
      monotonicNow: () => (now += 7),
    });
    queue.upsert(record(1));
    queue.remove(record(2), 'stale');
    await queue.idle();
    const stats = queue.stats();
    expect(stats.outcomes).toMatchObject({ updated: 1, deleted: 1, created: 0 });
    expect(stats.latency.count).toBe(2);
    expect(stats.latency.buckets.find((b) => b.le === 25)?.count).toBe(2);
  });
});
