import { Logger, type LoggerService } from '@nestjs/common';

/** One line written through Nest's `Logger`. */
export interface LogLine {
  readonly level: string;
  readonly message: string;
  /** The object logged first (`this.logger.warn({ agent }, 'message')`). */
  readonly fields?: Record<string, unknown>;
}

/** Captures Nest's logger output (keeping test output quiet); returns the captured lines. */
export function captureLogs(): LogLine[] {
  const lines: LogLine[] = [];
  const capture =
    (level: string) =>
    (...args: unknown[]): void => {
      const fields = args.find((a): a is Record<string, unknown> => typeof a === 'object' && a !== null);
      const message = args.filter((a): a is string => typeof a === 'string').join(' ');
      lines.push({ level, message, ...(fields ? { fields } : {}) });
    };
  const logger: LoggerService = {
    log: capture('log'),
    error: capture('error'),
    warn: capture('warn'),
    debug: capture('debug'),
    verbose: capture('verbose'),
    fatal: capture('fatal'),
  };
  Logger.overrideLogger(logger);
  return lines;
}
