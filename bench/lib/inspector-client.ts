import { WebSocket } from 'ws';

/** `process.memoryUsage()` of the inspected process, and the parts of its heap that are compiled code. */
export interface RemoteMemory {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** V8's code spaces: grows while the JIT warms up, so it is not counted as data. */
  readonly codeSpace: number;
  /**
   * Bytecode and its metadata (`v8.getHeapCodeStatistics()`), which lives outside the code spaces: functions
   * compile lazily, on their first call, so it grows as a long run reaches code it had not run yet.
   */
  readonly bytecode: number;
  /** V8's young generation (the new space), committed: it grows under a high allocation rate. */
  readonly newSpace: number;
}

/** The heap without compiled code (code spaces and bytecode): what a run's data takes. */
export const dataHeapBytes = (memory: RemoteMemory): number =>
  memory.heapUsed - memory.codeSpace - memory.bytecode;

const MEMORY_EXPRESSION = `JSON.stringify({
  ...process.memoryUsage(),
  codeSpace: require('v8').getHeapSpaceStatistics()
    .filter((space) => space.space_name.startsWith('code'))
    .reduce((sum, space) => sum + space.space_used_size, 0),
  bytecode: require('v8').getHeapCodeStatistics().bytecode_and_metadata_size,
  newSpace: require('v8').getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space')
    .reduce((sum, space) => sum + space.space_size, 0),
})`;

/**
 * A minimal Chrome DevTools Protocol client for a process started with `--inspect=127.0.0.1:0`: forces a
 * full garbage collection and reads `process.memoryUsage()`, so memory is compared after a GC without
 * adding any code to the server.
 */
export class InspectorClient {
  private nextId = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
      if (message.id === undefined) return;
      this.pending.get(message.id)?.(message.result);
      this.pending.delete(message.id);
    });
  }

  /** Connects to the `ws://...` URL the process printed (`Debugger listening on ...`). */
  static async connect(url: string): Promise<InspectorClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new InspectorClient(socket);
  }

  /** Runs a full, compacting GC (twice, so weak references freed by the first are collected too). */
  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
  }

  /** `process.memoryUsage()` and the code spaces now (`require` comes from the console's command-line API). */
  async memoryUsage(): Promise<RemoteMemory> {
    const result = (await this.call('Runtime.evaluate', {
      expression: MEMORY_EXPRESSION,
      includeCommandLineAPI: true,
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(result.result.value) as RemoteMemory;
  }

  /**
   * Writes a heap snapshot of the process to `path` (`v8.writeHeapSnapshot`, which collects garbage first).
   * Blocks the process for seconds on a large heap: only after a measured window.
   */
  async writeHeapSnapshot(path: string): Promise<string> {
    const result = (await this.call(
      'Runtime.evaluate',
      {
        expression: `require('v8').writeHeapSnapshot(${JSON.stringify(path)})`,
        includeCommandLineAPI: true,
        returnByValue: true,
      },
      300_000,
    )) as { result: { value: string } };
    return result.result.value;
  }

  /** GC, then memory. */
  async memoryAfterGc(): Promise<RemoteMemory> {
    await this.collectGarbage();
    return this.memoryUsage();
  }

  close(): void {
    this.socket.close();
  }

  private call(method: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector call ${method} timed out`));
      }, timeoutMs);
      this.pending.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
