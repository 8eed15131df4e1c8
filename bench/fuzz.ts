/**
 * `npm run fuzz [-- --inputs N] [--seed S] [--heap-snapshots DIR]`: throws 100,000 (default) generated and
 * mutated inputs at a real `node dist/main.js` over HTTP and WebSocket (the generators of test/support/fuzz),
 * checking a valid agent on both transports every 50 inputs, then checks that the process is alive and that
 * its heap does not grow with the inputs: after a warm-up pass, the heap (after the sessions ended and a full
 * GC, through the inspector) is taken as a baseline and again after each of 5 slices, and the slope over
 * those checkpoints is judged (bench/lib/heap-growth.ts, bench/README.md). Connection errors are counted and
 * reported; on a valid input (a valid protobuf, valid gzip of one) each is a failure. Writes
 * bench/results/fuzz-latest.json.
 */
import { machineInfo } from './lib/machine.js';
import { provenance } from './lib/provenance.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { runFuzz, type FuzzReport } from '../test/support/fuzz/fuzz-driver.js';
import { judgeHeapGrowth, type HeapCheckpoint } from './lib/heap-growth.js';
import { dataHeapBytes, type RemoteMemory } from './lib/inspector-client.js';
import { RESULTS_DIR } from './lib/paths.js';
import { ServerProcess } from './lib/server-process.js';
import { sleep } from './lib/sleep.js';

const LIMIT = 65_536;
const MIB = 1024 * 1024;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

function textOption(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const inputs = option('inputs', 100_000);
// --heap-snapshots DIR: also write the server's heap snapshots at the baseline, each checkpoint and the end.
const snapshotDir = textOption('heap-snapshots');
const seed = option('seed', Date.now() % 1_000_000_000);
// Which code and machine the result measured (taken before the run: the run writes results files).
const measuredCode = provenance();
const logFile = join(tmpdir(), `opamp-fuzz-${process.pid}.log`);
const server = await ServerProcess.start({
  logFile,
  inspect: true,
  env: {
    MAX_MESSAGE_BYTES: String(LIMIT),
    MAX_MESSAGES_PER_SECOND: '1000000',
    // Sessions the fuzz creates (valid uids) end quickly, so memory can come back to the baseline.
    STALE_AFTER_S: '2',
    SWEEP_INTERVAL_S: '1',
  },
});
const inspector = server.inspector!;
const mib = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10;
const settle = async (): Promise<RemoteMemory> => {
  await sleep(4000); // stale sweep ends the fuzz's HTTP sessions
  return inspector.memoryAfterGc();
};
/** The heap without compiled code (code spaces, bytecode): it grows while the JIT warms up, and is not data. */
const dataHeap = dataHeapBytes;

const writeSnapshot = async (name: string): Promise<void> => {
  mkdirSync(snapshotDir!, { recursive: true });
  await inspector.writeHeapSnapshot(resolve(snapshotDir!, `fuzz-${name}.heapsnapshot`));
};

let exitCode = 0;
try {
  process.stderr.write(`fuzz: seed ${seed}, ${inputs} inputs, server log ${logFile}\n`);
  // The warm-up compiles the hot paths and fills what is filled once (pools, caches, the limiter's buckets).
  const warmUpInputs = Math.max(2000, Math.round(inputs / 10));
  const warmUp = await runFuzz(server, { seed: seed + 1, inputs: warmUpInputs, maxMessageBytes: LIMIT });
  const before = await settle();
  if (snapshotDir) await writeSnapshot('before');
  const samples: Array<{ inputs: number; heapUsedMiB: number; dataHeapMiB: number; rssMiB: number }> = [];
  const checkpoints: HeapCheckpoint[] = [{ inputs: 0, heapBytes: dataHeap(before) }];
  let report: FuzzReport | undefined;
  const slices = 5;
  const failures: string[] = [...warmUp.failures];
  const totals = { http: 0, ws: 0, good: 0, wsReplies: 0, durationMs: 0 };
  const statuses: Record<string, number> = {};
  const closes: Record<string, number> = {};
  const connection = {
    total: 0,
    http: 0,
    ws: 0,
    byCode: {} as Record<string, number>,
    byKind: {} as Record<string, number>,
    examples: [] as string[],
  };
  const validInput = { count: 0, examples: [] as string[] };
  const add = (into: Record<string, number>, from: Readonly<Record<string, number>>): void => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  };
  for (let slice = 0; slice < slices; slice++) {
    report = await runFuzz(server, {
      seed: seed + 100 + slice,
      inputs: Math.ceil(inputs / slices),
      maxMessageBytes: LIMIT,
      onProgress: (sent) => process.stderr.write(`\rfuzz: slice ${slice + 1}/${slices}, ${sent} inputs   `),
    });
    failures.push(...report.failures);
    totals.http += report.httpInputs;
    totals.ws += report.wsInputs;
    totals.good += report.goodChecks;
    totals.wsReplies += report.wsReplies;
    totals.durationMs += report.durationMs;
    add(statuses, report.httpStatuses);
    add(closes, report.wsCloses);
    connection.total += report.connectionErrors.total;
    connection.http += report.connectionErrors.http;
    connection.ws += report.connectionErrors.ws;
    add(connection.byCode, report.httpConnectionErrors);
    add(connection.byKind, report.connectionErrors.byKind);
    connection.examples.push(...report.connectionErrors.examples.slice(0, 10 - connection.examples.length));
    validInput.count += report.validInputConnectionErrors.count;
    validInput.examples.push(
      ...report.validInputConnectionErrors.examples.slice(0, 10 - validInput.examples.length),
    );
    // Each checkpoint after the sessions of its slice ended, as the baseline was taken.
    const memory = await settle();
    const sent = (slice + 1) * Math.ceil(inputs / slices);
    checkpoints.push({ inputs: sent, heapBytes: dataHeap(memory) });
    if (snapshotDir) await writeSnapshot(String(sent));
    samples.push({
      inputs: sent,
      heapUsedMiB: mib(memory.heapUsed),
      dataHeapMiB: mib(dataHeap(memory)),
      rssMiB: mib(memory.rss),
    });
  }
  const after = await inspector.memoryAfterGc();
  if (snapshotDir) await writeSnapshot('after');
  const alive = server.running && (await fetch(`${server.healthUrl}/healthz`)).status === 200;
  const heapGrowth = after.heapUsed - before.heapUsed;
  const growth = judgeHeapGrowth(checkpoints);
  const result = {
    provenance: measuredCode,
    machine: machineInfo(),
    seed,
    inputs: totals.http + totals.ws,
    httpInputs: totals.http,
    wsInputs: totals.ws,
    goodAgentChecks: totals.good,
    httpStatuses: statuses,
    wsReplies: totals.wsReplies,
    wsCloses: closes,
    // Every connection error is counted; on a valid input (valid protobuf, valid gzip) it is also a failure.
    connectionErrors: connection,
    validInputConnectionErrors: validInput,
    inputsPerSecond: Math.round(((totals.http + totals.ws) / totals.durationMs) * 1000),
    failures,
    serverAlive: alive,
    memory: {
      warmUpInputs,
      beforeHeapMiB: mib(before.heapUsed),
      beforeDataHeapMiB: mib(dataHeap(before)),
      afterHeapMiB: mib(after.heapUsed),
      heapGrowthMiB: mib(heapGrowth),
      beforeCodeSpaceMiB: mib(before.codeSpace),
      afterCodeSpaceMiB: mib(after.codeSpace),
      beforeBytecodeMiB: mib(before.bytecode),
      afterBytecodeMiB: mib(after.bytecode),
      beforeRssMiB: mib(before.rss),
      afterRssMiB: mib(after.rss),
      // Checkpoints after each slice (sessions ended, full GC); the verdict is their slope.
      checkpoints: samples,
      slopeBytesPerInput: growth.bytesPerInput,
      slopeMiBPer100kInputs: growth.mibPer100kInputs,
      maxBytesPerInput: growth.maxBytesPerInput,
      grows: growth.leak,
    },
  };
  process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, 'fuzz-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (failures.length > 0 || validInput.count > 0 || !alive || growth.leak) exitCode = 1;
  process.stderr.write(
    `fuzz: ${result.inputs} inputs, ${failures.length} failures, ${connection.total} connection errors` +
      ` (${validInput.count} on valid inputs), server ${alive ? 'alive' : 'DEAD'}, heap ${result.memory.beforeHeapMiB} → ${result.memory.afterHeapMiB} MiB, slope ${growth.bytesPerInput} bytes per input (${growth.leak ? `GROWS: over ${growth.maxBytesPerInput}` : 'flat'})\n`,
  );
} catch (error) {
  process.stderr.write(`fuzz: ${(error as Error).stack ?? String(error)}\n`);
  exitCode = 1;
} finally {
  const exit = await server.stop();
  if (exit.code !== 0) {
    process.stderr.write(`fuzz: the server exited with ${exit.code ?? exit.signal}\n`);
    exitCode = 1;
  }
}
process.exit(exitCode);
