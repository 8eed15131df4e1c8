import { Logger, type LoggerService } from '@nestjs/common';

/** One line Nest's `Logger` was asked to write: its level and every string argument (message, context). */
export interface LoggedLine {
  readonly level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  readonly text: string;
  /** The object logged first (opamp-nest logs `{ ...context }, 'message'`), if any. */
  readonly context?: Record<string, unknown>;
}

/** Routes Nest's static logger into an array (and keeps test output quiet); returns that array. */
export function recordNestLogs(): LoggedLine[] {
  const lines: LoggedLine[] = [];
  const record =
    (level: LoggedLine['level']) =>
    (...args: unknown[]): void => {
      const context = args.find(
        (arg): arg is Record<string, unknown> => typeof arg === 'object' && arg !== null,
      );
      lines.push({
        level,
        text: args.filter((arg) => typeof arg === 'string').join(' '),
        ...(context ? { context } : {}),
      });
    };
  const logger: LoggerService = {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
  Logger.overrideLogger(logger);
  return lines;
}
