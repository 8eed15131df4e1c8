import { Inject } from '@nestjs/common';

/** Log output format: one JSON object per line, or colourised text for a terminal. */
export type LogFormat = 'json' | 'pretty';

/** The validated settings of one opamp-nest server, read from the environment at start-up. */
export interface ServerConfig {
  opamp: {
    /** Interface of the OpAMP listener (`OPAMP_HOST`, default `0.0.0.0`). */
    host: string;
    /** TCP port of the OpAMP listener; 0 picks a free one (`OPAMP_PORT`, default 4320). */
    port: number;
    /** Path serving both HTTP POST and the WebSocket upgrade (`OPAMP_PATH`, default `/v1/opamp`). */
    path: string;
    /** Also serve the HTTP transport on this Unix socket (`OPAMP_UNIX_SOCKET`, default none). */
    unixSocket?: string;
    /** Largest message after decompression, either direction (`MAX_MESSAGE_BYTES`, default 16 MiB). */
    maxMessageBytes: number;
    /** Concurrent WebSocket connections before new ones get 503 (`MAX_CONNECTIONS`, default 20000). */
    maxConnections: number;
    /** Replies smaller than this are sent uncompressed even when gzip is accepted (`OPAMP_GZIP_MIN_BYTES`, default 1024). */
    gzipMinBytes: number;
    /** WebSocket ping period; a socket that misses one pong is closed (`WS_PING_INTERVAL_S`, default 30). */
    wsPingIntervalMs: number;
    /** Consecutive bad WebSocket messages before the socket is closed (`WS_MAX_BAD_MESSAGES`, default 5). */
    wsMaxBadMessages: number;
    /** Retry-After given to agents while the server drains at shutdown (`RETRY_AFTER_S`, default 30). */
    retryAfterMs: number;
  };
  admin: {
    /** Interface of the admin listener (`ADMIN_HOST`, default `127.0.0.1`). */
    host: string;
    /** Port of the admin listener (`ADMIN_PORT`, default 4321). */
    port: number;
    /** Bearer token required for mutating admin calls (`ADMIN_TOKEN`, default none). */
    token?: string;
  };
  /** Heartbeat interval offered to agents, seconds (`HEARTBEAT_INTERVAL_S`, default 30). */
  heartbeatIntervalS: number;
  log: {
    /** Minimum level logged (`LOG_LEVEL`, default `info`). */
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
    /** Output format (`LOG_FORMAT`, default `json`). */
    format: LogFormat;
  };
}

/** DI token of the {@link ServerConfig}. */
export const SERVER_CONFIG = 'OPAMP:SERVER_CONFIG';

/** Injects the {@link ServerConfig}. */
export const InjectServerConfig = (): ParameterDecorator => Inject(SERVER_CONFIG);
