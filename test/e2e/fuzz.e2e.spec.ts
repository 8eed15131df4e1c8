import { describe, expect, it } from '@jest/globals';
import { runFuzz } from '../support/fuzz/fuzz-driver.js';
import { startTestServer } from '../support/test-server.js';

const LIMIT = 65_536;

describe('fuzzing (a seeded slice; `npm run fuzz` runs 100,000+ inputs against node dist/main.js)', () => {
  it('survives generated and mutated input on both transports and keeps serving a valid agent', async () => {
    const server = await startTestServer({
      env: { MAX_MESSAGE_BYTES: String(LIMIT), MAX_MESSAGES_PER_SECOND: '1000000' },
    });
    try {
      const report = await runFuzz(server, {
        seed: 20261123,
        inputs: 3000,
        maxMessageBytes: LIMIT,
        goodEvery: 40,
      });
      expect(report.failures).toEqual([]);
      // A valid message (plain or in valid gzip) never loses its connection; connection errors in general
      // are counted (bodies refused unread may close theirs).
      expect(report.validInputConnectionErrors).toEqual({ count: 0, examples: [] });
      expect(report.connectionErrors.total).toBe(report.connectionErrors.http + report.connectionErrors.ws);
      expect(report.connectionErrors.total).toBe(
        Object.values(report.connectionErrors.byKind).reduce((a, b) => a + b, 0),
      );
      expect(report.inputs).toBe(3000);
      expect(report.goodChecks).toBeGreaterThan(70);
      expect(report.httpStatuses['200']).toBeGreaterThan(0);
      expect(report.httpStatuses['400']).toBeGreaterThan(0);
      expect(report.wsReplies).toBeGreaterThan(0);
      // Still the same server, still answering.
      expect((await fetch(`${server.healthUrl}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  }, 30_000);
});
