import { type Params } from 'nestjs-pino';
import { type ServerConfig } from './modules/config/index.js';

/** nestjs-pino settings: JSON lines by default, pino-pretty when `LOG_FORMAT=pretty`. */
export function pinoOptions(config: ServerConfig): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      // Admin requests are few and uninteresting; agent traffic is logged by the OpAMP handlers.
      autoLogging: false,
      transport:
        config.log.format === 'pretty' ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
    },
  };
}
