import { type Params } from 'nestjs-pino';
import { type LogFormat, type ServerConfig } from './modules/config/index.js';

/**
 * The format actually used: `auto` is `pretty` when stdout is a terminal (a person is watching) and
 * `json` otherwise (a container, a pipe to `jq` or a log shipper).
 */
export function resolveLogFormat(
  format: LogFormat,
  stdoutIsTty = process.stdout.isTTY === true,
): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTty ? 'pretty' : 'json';
  return format;
}

/**
 * nestjs-pino settings: JSON lines, or pino-pretty for `LOG_FORMAT=pretty` (and `auto` on a terminal).
 * Lines about an agent carry its uid in the `agent` field whatever the format.
 */
export function pinoOptions(config: ServerConfig): Params {
  const pretty = resolveLogFormat(config.log.format) === 'pretty';
  return {
    pinoHttp: {
      level: config.log.level,
      // Admin requests are few and uninteresting; agent traffic is logged by the OpAMP handlers.
      autoLogging: false,
      transport: pretty
        ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
        : undefined,
    },
  };
}
