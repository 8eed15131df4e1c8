import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { type GeneratorCommand, type GeneratorEvent } from './generator-protocol.js';
import { BENCH_DIST } from './paths.js';
import { ProcessMonitor, type ProcessUsage } from './proc-stats.js';

type EventOf<T extends GeneratorEvent['type']> = Extract<GeneratorEvent, { type: T }>;

/**
 * A load generator in its own process (`generators/<name>.js`), driven over IPC. While a timed run is
 * measured, the monitors given to {@link run} (server, generator) sample CPU and memory exactly over the
 * generator's measured window.
 */
export class GeneratorProcess {
  private readonly listeners = new Set<(event: GeneratorEvent) => void>();
  private exitError?: Error;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (event: GeneratorEvent) => {
      for (const listener of [...this.listeners]) listener(event);
    });
    child.once('exit', (code, signal) => {
      this.exitError = new Error(`generator exited (code ${code}, signal ${signal})`);
      for (const listener of [...this.listeners])
        listener({ type: 'error', message: this.exitError.message });
    });
  }

  static start(name: 'http-load' | 'ws-load', heapMb = 4096): GeneratorProcess {
    const child = fork(join(BENCH_DIST, 'generators', `${name}.js`), [], {
      execArgv: [`--max-old-space-size=${heapMb}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new GeneratorProcess(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Calls `listener` with every event of this generator until the returned function is called. */
  subscribe(listener: (event: GeneratorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends `command` and resolves with the first event of type `until`. */
  request<T extends GeneratorEvent['type']>(
    command: GeneratorCommand,
    until: T,
    timeoutMs = 300_000,
  ): Promise<EventOf<T>> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`generator did not answer ${command.type} within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (event: GeneratorEvent): void => {
        if (event.type === 'error') {
          clearTimeout(timer);
          this.listeners.delete(listener);
          reject(new Error(`generator: ${event.message}`));
        } else if (event.type === until) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve(event as EventOf<T>);
        }
      };
      this.listeners.add(listener);
      this.child.send(command);
    });
  }

  /**
   * Sends a timed-run command and resolves with its result and the usage of every monitored process
   * between the generator's `measure-start` and `measure-end`.
   */
  async run(
    command: GeneratorCommand,
    monitored: Readonly<Record<string, number>>,
  ): Promise<{ result: EventOf<'run-result'>['result']; usage: Record<string, ProcessUsage> }> {
    const monitors = Object.entries(monitored).map(([name, pid]) => [name, new ProcessMonitor(pid)] as const);
    const usage: Record<string, ProcessUsage> = {};
    const listener = (event: GeneratorEvent): void => {
      if (event.type === 'measure-start') for (const [, monitor] of monitors) monitor.start();
      if (event.type === 'measure-end') for (const [name, monitor] of monitors) usage[name] = monitor.stop();
    };
    this.listeners.add(listener);
    try {
      const { result } = await this.request(command, 'run-result');
      return { result, usage };
    } finally {
      this.listeners.delete(listener);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.send({ type: 'exit' } satisfies GeneratorCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
