import { type LoggerService } from '@nestjs/common';

/** Signals the server drains on. */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Bounds the graceful shutdown: once a shutdown signal arrives, the process exits with code 1 if draining
 * (in-flight messages, WebSocket closes, the persistence flush) has not finished within `timeoutMs`.
 * The timer does not keep the process alive.
 */
export function armShutdownDeadline(timeoutMs: number, logger: LoggerService): void {
  const arm = (signal: NodeJS.Signals): void => {
    setTimeout(() => {
      logger.error(`graceful shutdown after ${signal} took longer than ${timeoutMs} ms; exiting`, 'Shutdown');
      process.exit(1);
    }, timeoutMs).unref();
  };
  for (const signal of SHUTDOWN_SIGNALS) process.once(signal, arm);
}
