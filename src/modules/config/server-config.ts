import { Inject } from '@nestjs/common';

/**
 * Log output format: one JSON object per line, colourised text for a terminal, or `auto` (pretty when
 * stdout is a terminal, JSON otherwise).
 */
export type LogFormat = 'json' | 'pretty' | 'auto';

/** TLS of one listener: its certificate and key files, re-read every `reloadIntervalMs` (see docs/tls.md). */
export interface ListenerTlsConfig {
  /** PEM certificate, the chain after the leaf (`OPAMP_TLS_CERT_FILE` / `ADMIN_TLS_CERT_FILE`). */
  certFile: string;
  /** Unencrypted PEM private key of the certificate (`OPAMP_TLS_KEY_FILE` / `ADMIN_TLS_KEY_FILE`). */
  keyFile: string;
  /** CA certificates that sign client certificates; set means mTLS (`OPAMP_TLS_CLIENT_CA_FILE`). */
  clientCaFile?: string;
  /** Period of the check of the files for a new pair (`TLS_RELOAD_INTERVAL_S`, default 10 s). */
  reloadIntervalMs: number;
}

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
    /** Concurrent WebSocket connections before new ones get 503 (`MAX_CONNECTIONS`, default 100000). */
    maxConnections: number;
    /** Pending TCP connections queued before they are accepted (`OPAMP_LISTEN_BACKLOG`, default 4096). */
    listenBacklog: number;
    /** Replies smaller than this are sent uncompressed even when gzip is accepted (`OPAMP_GZIP_MIN_BYTES`, default 1024). */
    gzipMinBytes: number;
    /** WebSocket ping period; a socket that misses one pong is closed (`WS_PING_INTERVAL_S`, default 30). */
    wsPingIntervalMs: number;
    /** Consecutive bad WebSocket messages before the socket is closed (`WS_MAX_BAD_MESSAGES`, default 5). */
    wsMaxBadMessages: number;
    /** Retry-After given to agents while the server drains at shutdown (`RETRY_AFTER_S`, default 30). */
    retryAfterMs: number;
    /** Custom capabilities the server announces in its first reply per connection (`CUSTOM_CAPABILITIES`, default none). */
    customCapabilities: string[];
    /**
     * Messages per second one WebSocket connection, or one instance uid over HTTP, may send; bursts of twice
     * as many pass (`MAX_MESSAGES_PER_SECOND`, default 100).
     */
    maxMessagesPerSecond: number;
    /** Time to receive a request's headers, upgrades included (`HTTP_HEADERS_TIMEOUT_S`, default 10 s). */
    headersTimeoutMs: number;
    /** Time to receive a whole request (`HTTP_REQUEST_TIMEOUT_S`, default 30 s). */
    requestTimeoutMs: number;
    /** Idle time of a keep-alive connection between requests (`HTTP_KEEP_ALIVE_TIMEOUT_S`, default 72 s). */
    keepAliveTimeoutMs: number;
    /** Time a new WebSocket has to send its first message (`WS_HANDSHAKE_TIMEOUT_S`, default 30 s). */
    wsHandshakeTimeoutMs: number;
    /** HTTPS and WSS on the TCP port (`OPAMP_TLS_*`, default none: plain); the Unix socket stays plain. */
    tls?: ListenerTlsConfig;
  };
  /** Longest graceful shutdown before the process exits anyway with code 1 (`SHUTDOWN_TIMEOUT_S`, default 25 s). */
  shutdownTimeoutMs: number;
  admin: {
    /** Interface of the admin listener (`ADMIN_HOST`, default `127.0.0.1`). */
    host: string;
    /** Port of the admin listener (`ADMIN_PORT`, default 4321). */
    port: number;
    /**
     * Bearer token every admin API call needs, reads included (`ADMIN_TOKEN`, default none; required when
     * `ADMIN_HOST` is not a loopback address).
     */
    token?: string;
    /** HTTPS on the admin port (`ADMIN_TLS_CERT_FILE`, `ADMIN_TLS_KEY_FILE`, default none: plain). */
    tls?: ListenerTlsConfig;
  };
  health: {
    /** Interface of the probes and metrics listener (`HEALTH_HOST`, default `0.0.0.0`). */
    host: string;
    /** Port of the probes and metrics listener; 0 picks a free one (`HEALTH_PORT`, default 4322). */
    port: number;
  };
  heartbeat: {
    /** Heartbeat interval offered to agents, seconds (`HEARTBEAT_INTERVAL_S`, default 30). */
    intervalS: number;
    /** Silence after which an agent is ended as stale (`STALE_AFTER_S`, default 75 s = 2.5 heartbeats). */
    staleAfterMs: number;
    /** Period of the stale-agent sweep (`SWEEP_INTERVAL_S`, default 30 s). */
    sweepIntervalMs: number;
  };
  plugins: {
    /** Time one plugin hook may take before it is skipped and logged (`PLUGIN_TIMEOUT_MS`, default 2000). */
    timeoutMs: number;
  };
  kubernetes: {
    /** Where agent state is persisted (`PERSISTENCE`; auto resolves to kubernetes inside a cluster). */
    persistence: 'memory' | 'kubernetes';
    /** This node (`NODE_NAME`, default the host name). */
    nodeName: string;
    /**
     * Whether agents must run in pods of this node (`NODE_NAME` set: a DaemonSet serves its own node only).
     * Outside a cluster (no `NODE_NAME`) no pod is refused for where it runs.
     */
    nodeLocal: boolean;
    /** Whether the pods of this node are listed and watched (`WATCH_NODE_PODS`, and `NODE_NAME` set). */
    watchNodePods: boolean;
    /** This server's namespace (`POD_NAMESPACE`, default none). */
    podNamespace?: string;
    /** Kubelet pod-resources socket (`KUBELET_POD_RESOURCES_SOCKET`). */
    kubeletPodResourcesSocket: string;
    /**
     * Bounds of the adaptive concurrency of agent-record writes (`PERSISTENCE_WRITE_CONCURRENCY_MIN`/`_MAX`,
     * `PERSISTENCE_WRITE_SLOW_MS`); it starts at 4 within them.
     */
    writeConcurrency: { initial: number; min: number; max: number; slowMs: number };
  };
  log: {
    /** Minimum level logged (`LOG_LEVEL`, default `info`). */
    level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
    /** Output format (`LOG_FORMAT`, default `json`). */
    format: LogFormat;
  };
  fleet: {
    /**
     * Where remote configs, packages and their assignments are kept (`CONFIG_STORE`, default `auto`: ConfigMaps when a
     * Kubernetes client configuration is available, memory otherwise).
     */
    configStore: 'auto' | 'memory' | 'kubernetes';
    /** Label selector of the ConfigMaps holding configs (`CONFIG_LABEL_SELECTOR`, default `opamp-nest.io/config=true`). */
    configLabelSelector: string;
    /** Label selector of the ConfigMaps holding packages (`PACKAGE_LABEL_SELECTOR`, default `opamp-nest.io/package=true`). */
    packageLabelSelector: string;
    /** Label selector of the ConfigMaps holding connection offers (`CONNECTION_OFFER_LABEL_SELECTOR`, default `opamp-nest.io/connection-offer=true`). */
    connectionOfferLabelSelector: string;
  };
  packageFiles: {
    /** Where uploaded package files are kept (`PACKAGE_FILES_DIR`); default none: in memory. */
    directory?: string;
    /** Largest accepted upload, bytes (`PACKAGE_FILE_MAX_BYTES`, default 64 MiB). */
    maxBytes: number;
    /** Base URL agents download uploaded files from (`PACKAGE_FILES_URL`); default the creating call's origin. */
    baseUrl?: string;
  };
  connectionSettings: {
    /** Offered to agents with ReportsOwnMetrics (`OWN_METRICS_ENDPOINT`, default none). */
    ownMetricsEndpoint?: string;
    /** Offered to agents with ReportsOwnTraces (`OWN_TRACES_ENDPOINT`, default none). */
    ownTracesEndpoint?: string;
    /** Offered to agents with ReportsOwnLogs (`OWN_LOGS_ENDPOINT`, default none). */
    ownLogsEndpoint?: string;
  };
  /** What this process is (`MODE`, default `node`): an OpAMP server, or the cluster-wide hub (docs/hub.md). */
  mode: 'node' | 'hub';
  /** Settings of the hub (`MODE=hub`); read only then. */
  hub: {
    /** The headless Service of the node servers, whose EndpointSlices are watched (`HUB_NODE_SERVICE`). */
    nodeService: string;
    /** Its namespace (`HUB_NODE_NAMESPACE`, default `POD_NAMESPACE`; else the kubeconfig context's). */
    nodeNamespace?: string;
    /** The nodes' admin port: an EndpointSlice port name or a number (`HUB_NODE_ADMIN_PORT`, default `admin`). */
    nodeAdminPort: string | number;
    /** The nodes' probes port, name or number (`HUB_NODE_HEALTH_PORT`, default `health`). */
    nodeHealthPort: string | number;
    /** Scheme of the nodes' admin API (`HUB_NODE_SCHEME`, default `http`). */
    nodeScheme: 'http' | 'https';
    /** Deadline of one call to one node (`HUB_NODE_TIMEOUT_S`, default 2 s). */
    nodeTimeoutMs: number;
    /** Bearer token sent to the nodes (`HUB_NODE_TOKEN`, default `ADMIN_TOKEN`). */
    nodeToken?: string;
    /** Nodes called at once by one request (`HUB_MAX_CONCURRENT_CALLS`, default 16). */
    maxConcurrentCalls: number;
  };
  clientCertificates: {
    /** CA certificate that signs agents' CSRs (`CLIENT_CA_CERT_FILE`, default none: CSRs are refused). */
    caCertFile?: string;
    /** Its private key (`CLIENT_CA_KEY_FILE`; both or neither). */
    caKeyFile?: string;
    /** Validity of issued certificates, days (`CLIENT_CERT_VALIDITY_DAYS`, default 30). */
    validityDays: number;
  };
}

/** DI token of the {@link ServerConfig}. */
export const SERVER_CONFIG = 'OPAMP:SERVER_CONFIG';

/** Injects the {@link ServerConfig}. */
export const InjectServerConfig = (): ParameterDecorator => Inject(SERVER_CONFIG);
