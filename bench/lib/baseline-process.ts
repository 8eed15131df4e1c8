import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { imageNodeOptions } from './image-node-options.js';
import { BENCH_DIST } from './paths.js';

/**
 * The baseline server ({@link ../servers/baseline-server.ts}) as a child process: the minimal-OpAMP baseline
 * ({@link opampUrl}, {@link wsUrl}) and the bare route ({@link bareOpampUrl}, {@link bareWsUrl}).
 */
export class BaselineProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<BaselineProcess> {
    const child = spawn(
      process.execPath,
      // The image's Node flags, as the server gets them: the ratios compare code, not V8 settings.
      [...imageNodeOptions(), '--expose-gc', join(BENCH_DIST, 'servers', 'baseline-server.js')],
      {
        env: { ...process.env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const port = await new Promise<number>((resolve, reject) => {
      let text = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const line = text.split('\n')[0];
        if (text.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
      });
      child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
    });
    return new BaselineProcess(child, port);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get opampUrl(): string {
    return `http://127.0.0.1:${this.port}/v1/opamp`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/opamp`;
  }

  /** The bare route: a fixed reply, nothing decoded. */
  get bareOpampUrl(): string {
    return `http://127.0.0.1:${this.port}/bare/v1/opamp`;
  }

  /** The bare WebSocket echo: a fixed frame per message, nothing decoded. */
  get bareWsUrl(): string {
    return `ws://127.0.0.1:${this.port}/bare/v1/opamp`;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Writes one `bytes`-byte frame to every open socket; resolves when all were written. */
  async broadcast(bytes: number): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.port}/broadcast?bytes=${bytes}`, {
      method: 'POST',
    });
    await response.text();
  }

  /** Runs a full GC in the baseline process and returns its `process.memoryUsage()`. */
  async memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
    const response = await fetch(`http://127.0.0.1:${this.port}/gc`, { method: 'POST' });
    return (await response.json()) as NodeJS.MemoryUsage;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
