import { type Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type KubernetesError } from './kubernetes.errors.js';
import { type ReflectorHandler, type WatchEventType } from './reflector.types.js';
import { type ResourceReflector } from './resource-reflector.js';

/**
 * An in-memory copy of one resource kept by a {@link ResourceReflector}: started at bootstrap, stopped at
 * shutdown, failures logged once per run of them. Subclasses build the reflector with {@link reflectorHandler}
 * and keep what {@link replaceAll} and {@link apply} hand them.
 */
export abstract class ReflectedCache implements OnApplicationBootstrap, OnApplicationShutdown {
  protected abstract readonly logger: Logger;
  /** Undefined when there is no cluster to watch. */
  protected abstract readonly reflector: ResourceReflector | undefined;

  /** @param watched what is watched, for logs, e.g. `the pods of this node`. */
  protected constructor(private readonly watched: string) {}

  /** A complete list: objects held before and missing from `objects` are gone. */
  protected abstract replaceAll(objects: readonly unknown[]): void;

  /** One change from the watch. */
  protected abstract apply(type: WatchEventType, object: unknown): void;

  /** Starts the list + watch in the background. */
  start(): void {
    this.reflector?.start();
  }

  /** Stops the watch; what is held stays readable. */
  async stop(): Promise<void> {
    await this.reflector?.stop();
  }

  /** @internal Nest lifecycle: {@link start}. */
  onApplicationBootstrap(): void {
    this.start();
  }

  /** @internal Nest lifecycle: {@link stop}. */
  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** The handler for the {@link ResourceReflector}: lists and changes to the subclass, failures to the log. */
  protected reflectorHandler(): ReflectorHandler {
    return {
      replace: (objects) => this.replaceAll(objects),
      apply: (type, object) => this.apply(type, object),
      failed: (error, failures, retryInMs) => this.failed(error, failures, retryInMs),
      recovered: (failures) => this.logger.log({ failures }, `watching ${this.watched} again`),
    };
  }

  /** Logs the first failure of a run as a warning, later ones at debug. */
  private failed(error: KubernetesError, consecutiveFailures: number, retryInMs: number): void {
    const context = { err: error.message, failures: consecutiveFailures, retryInMs };
    if (consecutiveFailures === 1) this.logger.warn(context, `watching ${this.watched} failed; retrying`);
    else this.logger.debug(context, `watching ${this.watched} failed again; retrying`);
  }
}
