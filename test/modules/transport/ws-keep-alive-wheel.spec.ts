import { describe, expect, it } from '@jest/globals';
import { KEEP_ALIVE_STEP_MS, KeepAliveWheel } from '../../../src/modules/transport/index.js';

/** A socket stand-in that counts its keep-alive visits. */
class Counted {
  keepAliveSlot = -1;
  visits = 0;
  keepAlive(): void {
    this.visits++;
  }
}

describe('KeepAliveWheel', () => {
  it('visits every socket exactly once per turn of steps, a turn lasting the ping interval', () => {
    const wheel = new KeepAliveWheel<Counted>(30_000);
    const sockets = Array.from({ length: 1000 }, () => new Counted());
    for (const socket of sockets) wheel.add(socket);

    const stepsPerTurn = 30_000 / KEEP_ALIVE_STEP_MS;
    expect(wheel.stepMs).toBe(KEEP_ALIVE_STEP_MS);
    for (let i = 0; i < stepsPerTurn; i++) wheel.step();
    expect(sockets.every((s) => s.visits === 1)).toBe(true);
    for (let i = 0; i < stepsPerTurn; i++) wheel.step();
    expect(sockets.every((s) => s.visits === 2)).toBe(true);
  });

  it('spreads 100,000 sockets evenly: no step visits more than its share', () => {
    const wheel = new KeepAliveWheel<Counted>(30_000);
    for (let i = 0; i < 100_000; i++) wheel.add(new Counted());
    const steps = 30_000 / KEEP_ALIVE_STEP_MS;
    const share = Math.ceil(100_000 / steps);

    let most = 0;
    let total = 0;
    const everyone = [...wheel];
    for (let i = 0; i < steps; i++) {
      const before = everyone.reduce((sum, s) => sum + s.visits, 0);
      wheel.step();
      const visited = everyone.reduce((sum, s) => sum + s.visits, 0) - before;
      most = Math.max(most, visited);
      total += visited;
    }

    expect(wheel.size).toBe(100_000);
    expect(total).toBe(100_000);
    expect(most).toBeLessThanOrEqual(share);
  });

  it('forgets a deleted socket and counts what it holds', () => {
    const wheel = new KeepAliveWheel<Counted>(1000);
    const kept = new Counted();
    const gone = new Counted();
    wheel.add(kept);
    wheel.add(gone);

    expect(wheel.delete(gone)).toBe(true);
    expect(wheel.delete(gone)).toBe(false);
    wheel.turn();

    expect(wheel.size).toBe(1);
    expect([...wheel]).toEqual([kept]);
    expect(kept.visits).toBe(1);
    expect(gone.visits).toBe(0);
  });

  it('has one slot for an interval shorter than a step, visited by every step', () => {
    const wheel = new KeepAliveWheel<Counted>(50);
    const socket = new Counted();
    wheel.add(socket);

    wheel.step();
    wheel.step();

    expect(wheel.stepMs).toBe(50);
    expect(socket.visits).toBe(2);
  });
});
