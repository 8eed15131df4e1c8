import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigValidationError } from './config-validation.error.js';
import { isLoopback } from './loopback.js';
import { parseVariables } from './parse-variables.js';
import { type ServerConfig } from './server-config.js';
import { requireClientCaPair } from './client-ca-settings.js';
import { requireWriteConcurrencyOrder } from './write-concurrency-settings.js';
import { listenerTls, requireTlsPairs } from './tls-settings.js';

const blankToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** Seconds, fractions allowed (`0.5`). */
const positiveSeconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const ms = (seconds: number): number => Math.round(seconds * 1000);
/** A comma-separated list variable: items trimmed, empty items dropped; unset is an empty list. */
export const commaSeparated = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  );
const endpointUrl = z.preprocess(
  blankToUndefined,
  z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
);
/** A file path; blank is unset. */
const optionalFile = z.preprocess(blankToUndefined, z.string().optional());
/** A port of an EndpointSlice: a number, or the name of one of its ports. */
const endpointPort = (fallback: string) =>
  z
    .string()
    .regex(/^([1-9][0-9]{0,4}|[a-z0-9]([-a-z0-9]*[a-z0-9])?)$/, 'must be a port number or a port name')
    .default(fallback)
    .transform((value) => (/^[0-9]+$/.test(value) ? Number(value) : value));
const httpPath = z
  .string()
  .regex(/^\/[^\s?#]*$/, 'must start with "/" and have no query or spaces')
  .default('/v1/opamp');

/**
 * Every environment variable the server reads, with what it accepts. The descriptions are the
 * configuration reference: they appear in validation errors and in `docs/configuration.md`.
 */
export const serverEnvSchema = z.object({
  OPAMP_HOST: z.string().min(1).default('0.0.0.0').describe('an interface address; default 0.0.0.0'),
  OPAMP_PORT: port(4320).describe('a TCP port 0-65535 (0 picks a free port); default 4320'),
  OPAMP_PATH: httpPath.describe('an absolute URL path; default /v1/opamp'),
  OPAMP_UNIX_SOCKET: z
    .preprocess(blankToUndefined, z.string().startsWith('/', 'must be an absolute path').optional())
    .describe('an absolute path for a Unix socket serving the HTTP transport; default none'),
  OPAMP_TLS_CERT_FILE: optionalFile.describe(
    'a PEM certificate file (chain after the leaf) of the OpAMP listener; with OPAMP_TLS_KEY_FILE it serves HTTPS and WSS on OPAMP_PORT (the Unix socket stays plain); re-read when it changes; default none (plain HTTP and WS)',
  ),
  OPAMP_TLS_KEY_FILE: optionalFile.describe(
    'the unencrypted PEM private key file of OPAMP_TLS_CERT_FILE (both or neither); default none',
  ),
  OPAMP_TLS_CLIENT_CA_FILE: optionalFile.describe(
    'a PEM file of the CA certificates that sign agent client certificates (mTLS): when set, the TLS handshake of a client without a certificate signed by one of them fails; needs OPAMP_TLS_CERT_FILE; default none (no client certificate asked)',
  ),
  MAX_MESSAGE_BYTES: positiveInt(16 * 1024 * 1024).describe(
    'a positive number of bytes, the decoded message size limit; default 16777216',
  ),
  MAX_CONNECTIONS: positiveInt(100_000).describe(
    'a positive number of WebSocket connections held at once before new upgrades get 503 + Retry-After; each needs an open file, so the open-file limit (ulimit -n, LimitNOFILE, the container runtime) must be above it plus a few hundred; default 100000',
  ),
  OPAMP_LISTEN_BACKLOG: positiveInt(4096).describe(
    'pending TCP connections the OpAMP listener queues before accepting them (the kernel caps it at net.core.somaxconn): a fleet reconnecting at once after a restart fills a short queue, and agents whose handshakes are dropped retry a second or more later; default 4096',
  ),
  OPAMP_GZIP_MIN_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(1024)
    .describe('bytes; smaller replies are not gzipped; default 1024'),
  WS_PING_INTERVAL_S: positiveInt(30).describe(
    'seconds between WebSocket keep-alive ticks: a socket silent since the last tick is pinged, one that left that ping unanswered is closed; default 30',
  ),
  WS_MAX_BAD_MESSAGES: positiveInt(5).describe(
    'consecutive bad WebSocket messages before closing; default 5',
  ),
  RETRY_AFTER_S: positiveInt(30).describe(
    'seconds agents are told to wait while the server drains; default 30',
  ),
  MAX_MESSAGES_PER_SECOND: positiveInt(100).describe(
    'messages per second one WebSocket connection, or one instance uid over HTTP, may send (bursts of twice as many pass); over it, HTTP gets 429 + Retry-After and WebSocket a ServerErrorResponse Unavailable with retry_info; default 100',
  ),
  HTTP_HEADERS_TIMEOUT_S: positiveSeconds(10).describe(
    'seconds (fractions allowed) a client may take to send the headers of a request (or of a WebSocket upgrade) before the connection is closed, against slow-loris clients; default 10',
  ),
  HTTP_REQUEST_TIMEOUT_S: positiveSeconds(30).describe(
    'seconds (fractions allowed) a client may take to send a whole request, body included, before it gets 408 and the connection is closed; default 30',
  ),
  HTTP_KEEP_ALIVE_TIMEOUT_S: positiveSeconds(72).describe(
    "seconds (fractions allowed) an idle keep-alive HTTP connection is kept open between polls; keep it above the agents' poll interval; default 72",
  ),
  WS_HANDSHAKE_TIMEOUT_S: positiveSeconds(30).describe(
    'seconds (fractions allowed) a new WebSocket may stay open without sending its first OpAMP message before it is closed (1008); default 30',
  ),
  SHUTDOWN_TIMEOUT_S: positiveSeconds(25).describe(
    'seconds (fractions allowed) the server may take to drain after SIGTERM (answer in-flight messages, close WebSockets, flush persistence) before it exits anyway with code 1; default 25',
  ),
  ADMIN_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe(
      'an interface address for the admin API; beyond loopback only together with ADMIN_TOKEN; default 127.0.0.1',
    ),
  ADMIN_PORT: port(4321).describe('a TCP port 0-65535; default 4321'),
  ADMIN_TOKEN: z
    .preprocess(blankToUndefined, z.string().min(16, 'must be at least 16 characters').optional())
    .describe(
      'a bearer token of 16+ characters every admin API call then needs (reads included); required when ADMIN_HOST is not a loopback address; default none',
    ),
  HEALTH_HOST: z
    .string()
    .min(1)
    .default('0.0.0.0')
    .describe(
      'an interface address for the probes and metrics listener (/healthz, /readyz, /metrics; no token); default 0.0.0.0',
    ),
  HEALTH_PORT: port(4322).describe('a TCP port 0-65535 for probes and metrics; default 4322'),
  ADMIN_TLS_CERT_FILE: optionalFile.describe(
    'a PEM certificate file (chain after the leaf) of the admin listener; with ADMIN_TLS_KEY_FILE it serves HTTPS; re-read when it changes; default none (plain HTTP)',
  ),
  ADMIN_TLS_KEY_FILE: optionalFile.describe(
    'the unencrypted PEM private key file of ADMIN_TLS_CERT_FILE (both or neither); default none',
  ),
  TLS_RELOAD_INTERVAL_S: positiveSeconds(10).describe(
    'seconds (fractions allowed) between checks of the TLS files of both listeners; a changed, valid certificate and key are used for new connections without closing open ones; default 10',
  ),
  HEARTBEAT_INTERVAL_S: positiveInt(30).describe(
    'seconds, the heartbeat interval offered to agents; default 30',
  ),
  STALE_AFTER_S: positiveInt(75).describe(
    'seconds of silence after which an agent is ended as stale; default 75',
  ),
  SWEEP_INTERVAL_S: positiveInt(30).describe('seconds between stale-agent sweeps; default 30'),
  PLUGIN_TIMEOUT_MS: positiveInt(2000).describe(
    'milliseconds one plugin hook may take before it is skipped; default 2000',
  ),
  PERSISTENCE: z
    .enum(['auto', 'memory', 'kubernetes'])
    .default('auto')
    .describe('auto, memory or kubernetes (auto: kubernetes inside a cluster); default auto'),
  PERSISTENCE_WRITE_CONCURRENCY_MIN: positiveInt(4).describe(
    'the fewest agent-record writes to the Kubernetes API in flight at once: the write concurrency starts at 4 (within MIN and MAX), grows while the API answers fast and work is waiting, halves on 429, 5xx or a timeout; default 4 (the fixed concurrency of earlier versions)',
  ),
  PERSISTENCE_WRITE_CONCURRENCY_MAX: positiveInt(32).describe(
    'the most agent-record writes in flight at once (at least PERSISTENCE_WRITE_CONCURRENCY_MIN; equal to it for a fixed concurrency); default 32',
  ),
  PERSISTENCE_WRITE_SLOW_MS: positiveInt(250).describe(
    'milliseconds above which an agent-record write counts as slow (a busy API queues requests: more in flight only adds waiting): the write concurrency stops growing and steps down by a fifth; default 250',
  ),
  KUBERNETES_SERVICE_HOST: z
    .preprocess(blankToUndefined, z.string().optional())
    .describe('set by Kubernetes inside a pod; its presence means "in a cluster"'),
  NODE_NAME: z
    .preprocess(blankToUndefined, z.string().optional())
    .describe(
      'the node this server runs on (downward API spec.nodeName); when set, agents may only be placed in pods scheduled on it; default the host name',
    ),
  WATCH_NODE_PODS: z
    .enum(['true', 'false'])
    .default('true')
    .describe(
      'keep the pods of NODE_NAME in memory with one list + watch (needs list and watch on pods), so placing an agent reads nothing from the API; only when NODE_NAME is set; default true',
    ),
  POD_NAMESPACE: z
    .preprocess(blankToUndefined, z.string().optional())
    .describe('the namespace this server runs in (downward API); default none'),
  KUBELET_POD_RESOURCES_SOCKET: z
    .string()
    .startsWith('/', 'must be an absolute path')
    .default('/var/lib/kubelet/pod-resources/kubelet.sock')
    .describe(
      'path of the kubelet pod-resources socket; default /var/lib/kubelet/pod-resources/kubelet.sock',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
    .default('info')
    .describe('one of fatal, error, warn, info, debug, trace; default info'),
  LOG_FORMAT: z
    .enum(['json', 'pretty', 'auto'])
    .default('json')
    .describe(
      'json (one object per line), pretty (colourised text) or auto (pretty when stdout is a terminal, json otherwise); default json',
    ),
  CONFIG_STORE: z
    .enum(['auto', 'memory', 'kubernetes'])
    .default('auto')
    .describe(
      'where remote configs, packages, connection offers and their assignments live: memory, kubernetes (ConfigMaps in POD_NAMESPACE) or auto (kubernetes when a Kubernetes client configuration is available); default auto',
    ),
  CONFIG_LABEL_SELECTOR: z
    .string()
    .regex(/^\S+$/, 'must be a label selector without spaces, e.g. opamp-nest.io/config=true')
    .default('opamp-nest.io/config=true')
    .describe('label selector of the ConfigMaps holding remote configs; default opamp-nest.io/config=true'),
  PACKAGE_LABEL_SELECTOR: z
    .string()
    .regex(/^\S+$/, 'must be a label selector without spaces, e.g. opamp-nest.io/package=true')
    .default('opamp-nest.io/package=true')
    .describe(
      'label selector of the ConfigMaps holding the package catalog (with CONFIG_STORE kubernetes); default opamp-nest.io/package=true',
    ),
  CONNECTION_OFFER_LABEL_SELECTOR: z
    .string()
    .regex(/^\S+$/, 'must be a label selector without spaces, e.g. opamp-nest.io/connection-offer=true')
    .default('opamp-nest.io/connection-offer=true')
    .describe(
      'label selector of the ConfigMaps holding connection offers (with CONFIG_STORE kubernetes); default opamp-nest.io/connection-offer=true',
    ),
  PACKAGE_FILES_DIR: optionalFile.describe(
    'a directory where package files uploaded through the admin API are kept (named by their SHA-256; put it on a volume shared by the servers, or offer external URLs); default none: kept in memory, lost on restart',
  ),
  PACKAGE_FILE_MAX_BYTES: positiveInt(64 * 1024 * 1024).describe(
    'the largest package file the admin API accepts for upload, in bytes; default 67108864 (64 MiB)',
  ),
  PACKAGE_FILES_URL: endpointUrl.describe(
    'the http(s) base URL at which agents reach this admin listener to download uploaded package files, e.g. https://opamp-admin.example:4321; default the origin of the admin call that creates the package',
  ),
  CUSTOM_CAPABILITIES: commaSeparated
    .pipe(
      z.array(z.string().regex(/^[A-Za-z0-9._/-]+$/, 'must be reverse-FQDN names such as io.example.pause')),
    )
    .describe(
      'comma-separated custom capabilities the server announces to agents, e.g. io.opentelemetry.pause; default none',
    ),
  OWN_METRICS_ENDPOINT: endpointUrl.describe(
    'an http(s) OTLP URL offered to agents that report their own metrics; default none (not offered)',
  ),
  OWN_TRACES_ENDPOINT: endpointUrl.describe(
    'an http(s) OTLP URL offered to agents that report their own traces; default none (not offered)',
  ),
  OWN_LOGS_ENDPOINT: endpointUrl.describe(
    'an http(s) OTLP URL offered to agents that report their own logs; default none (not offered)',
  ),
  CLIENT_CA_CERT_FILE: optionalFile.describe(
    'a PEM CA certificate that signs the CSRs agents send (connection_settings_request); with CLIENT_CA_KEY_FILE; point OPAMP_TLS_CLIENT_CA_FILE at it to accept the issued certificates; default none (CSRs are refused)',
  ),
  CLIENT_CA_KEY_FILE: optionalFile.describe(
    'the unencrypted PEM private key (EC P-256/P-384 or RSA) of CLIENT_CA_CERT_FILE (both or neither); default none',
  ),
  MODE: z
    .enum(['node', 'hub'])
    .default('node')
    .describe(
      'node (an OpAMP server for the agents of this node) or hub (no OpAMP listener and no agents: the admin API and UI for the whole cluster, answered by calling every node server found through HUB_NODE_SERVICE; see docs/hub.md); default node',
    ),
  HUB_NODE_SERVICE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Service name (lower-case letters, digits and "-")')
    .default('opamp-nest-nodes')
    .describe(
      'hub: the (headless) Service selecting the node servers; their addresses are read from its EndpointSlices (label kubernetes.io/service-name); default opamp-nest-nodes',
    ),
  HUB_NODE_NAMESPACE: z
    .preprocess(blankToUndefined, z.string().optional())
    .describe(
      "hub: the namespace of HUB_NODE_SERVICE; default POD_NAMESPACE, else the kubeconfig context's, else default",
    ),
  HUB_NODE_ADMIN_PORT: endpointPort('admin').describe(
    "hub: the node servers' admin port: the name of an EndpointSlice port, or a number; default admin",
  ),
  HUB_NODE_HEALTH_PORT: endpointPort('health').describe(
    "hub: the node servers' probes port (their /readyz shows in GET /api/v1/nodes): the name of an EndpointSlice port, or a number; default health",
  ),
  HUB_NODE_SCHEME: z
    .enum(['http', 'https'])
    .default('http')
    .describe(
      'hub: https when the node servers serve their admin API over TLS (ADMIN_TLS_*; trust their CA with NODE_EXTRA_CA_CERTS); default http',
    ),
  HUB_NODE_TIMEOUT_S: positiveSeconds(2).describe(
    'hub: seconds (fractions allowed) one node server may take to answer; a node that does not is named in missingNodes of a partial answer; default 2',
  ),
  HUB_NODE_TOKEN: z
    .preprocess(blankToUndefined, z.string().min(16, 'must be at least 16 characters').optional())
    .describe(
      'hub: the bearer token the hub sends to the node servers (their ADMIN_TOKEN); default ADMIN_TOKEN (one Secret for the hub and the nodes)',
    ),
  HUB_MAX_CONCURRENT_CALLS: positiveInt(16).describe(
    'hub: node servers called at once by one request; others wait for a free slot; default 16',
  ),
  CLIENT_CERT_VALIDITY_DAYS: positiveInt(30).describe(
    'days an issued client certificate is valid; a new one is offered when less than a third is left; default 30',
  ),
});

/**
 * The schema with its checks across variables. `when`: they run even when other variables are bad, so one
 * start-up attempt reports every problem.
 */
const checkedServerEnvSchema = serverEnvSchema
  .superRefine(requireTlsPairs, { when: () => true })
  .superRefine(requireClientCaPair, { when: () => true })
  .superRefine(requireWriteConcurrencyOrder, { when: () => true });

/** The raw variables as validated, before they are shaped into a {@link ServerConfig}. */
export type ServerEnv = z.infer<typeof serverEnvSchema>;

/**
 * Validates environment variables and shapes them into a {@link ServerConfig}.
 * @throws ConfigValidationError naming every bad variable and what it accepts.
 */
export function parseServerConfig(env: Record<string, unknown>): ServerConfig {
  const e = parseVariables(checkedServerEnvSchema, env);
  if (!isLoopback(e.ADMIN_HOST) && e.ADMIN_TOKEN === undefined) {
    throw new ConfigValidationError([
      {
        name: 'ADMIN_TOKEN',
        problem: `is required: ADMIN_HOST=${e.ADMIN_HOST} exposes the admin API beyond this machine, and anyone who reaches it could change the configs pushed to every agent`,
        accepts:
          'a bearer token of 16+ characters (or keep ADMIN_HOST on a loopback address such as 127.0.0.1)',
      },
    ]);
  }
  return {
    opamp: {
      host: e.OPAMP_HOST,
      port: e.OPAMP_PORT,
      path: e.OPAMP_PATH,
      unixSocket: e.OPAMP_UNIX_SOCKET,
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
      maxConnections: e.MAX_CONNECTIONS,
      listenBacklog: e.OPAMP_LISTEN_BACKLOG,
      gzipMinBytes: e.OPAMP_GZIP_MIN_BYTES,
      wsPingIntervalMs: e.WS_PING_INTERVAL_S * 1000,
      wsMaxBadMessages: e.WS_MAX_BAD_MESSAGES,
      retryAfterMs: e.RETRY_AFTER_S * 1000,
      customCapabilities: e.CUSTOM_CAPABILITIES,
      maxMessagesPerSecond: e.MAX_MESSAGES_PER_SECOND,
      headersTimeoutMs: ms(e.HTTP_HEADERS_TIMEOUT_S),
      requestTimeoutMs: ms(e.HTTP_REQUEST_TIMEOUT_S),
      keepAliveTimeoutMs: ms(e.HTTP_KEEP_ALIVE_TIMEOUT_S),
      wsHandshakeTimeoutMs: ms(e.WS_HANDSHAKE_TIMEOUT_S),
      tls: listenerTls(
        e.OPAMP_TLS_CERT_FILE,
        e.OPAMP_TLS_KEY_FILE,
        e.OPAMP_TLS_CLIENT_CA_FILE,
        e.TLS_RELOAD_INTERVAL_S,
      ),
    },
    shutdownTimeoutMs: ms(e.SHUTDOWN_TIMEOUT_S),
    admin: {
      host: e.ADMIN_HOST,
      port: e.ADMIN_PORT,
      token: e.ADMIN_TOKEN,
      tls: listenerTls(e.ADMIN_TLS_CERT_FILE, e.ADMIN_TLS_KEY_FILE, undefined, e.TLS_RELOAD_INTERVAL_S),
    },
    health: { host: e.HEALTH_HOST, port: e.HEALTH_PORT },
    heartbeat: {
      intervalS: e.HEARTBEAT_INTERVAL_S,
      staleAfterMs: e.STALE_AFTER_S * 1000,
      sweepIntervalMs: e.SWEEP_INTERVAL_S * 1000,
    },
    plugins: { timeoutMs: e.PLUGIN_TIMEOUT_MS },
    kubernetes: {
      persistence:
        e.PERSISTENCE === 'auto' ? (e.KUBERNETES_SERVICE_HOST ? 'kubernetes' : 'memory') : e.PERSISTENCE,
      nodeName: e.NODE_NAME ?? hostname(),
      nodeLocal: e.NODE_NAME !== undefined,
      watchNodePods: e.WATCH_NODE_PODS === 'true' && e.NODE_NAME !== undefined,
      podNamespace: e.POD_NAMESPACE,
      kubeletPodResourcesSocket: e.KUBELET_POD_RESOURCES_SOCKET,
      writeConcurrency: {
        initial: Math.min(
          e.PERSISTENCE_WRITE_CONCURRENCY_MAX,
          Math.max(e.PERSISTENCE_WRITE_CONCURRENCY_MIN, 4),
        ),
        min: e.PERSISTENCE_WRITE_CONCURRENCY_MIN,
        max: e.PERSISTENCE_WRITE_CONCURRENCY_MAX,
        slowMs: e.PERSISTENCE_WRITE_SLOW_MS,
      },
    },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    fleet: {
      configStore: e.CONFIG_STORE,
      configLabelSelector: e.CONFIG_LABEL_SELECTOR,
      packageLabelSelector: e.PACKAGE_LABEL_SELECTOR,
      connectionOfferLabelSelector: e.CONNECTION_OFFER_LABEL_SELECTOR,
    },
    packageFiles: {
      directory: e.PACKAGE_FILES_DIR,
      maxBytes: e.PACKAGE_FILE_MAX_BYTES,
      baseUrl: e.PACKAGE_FILES_URL,
    },
    connectionSettings: {
      ownMetricsEndpoint: e.OWN_METRICS_ENDPOINT,
      ownTracesEndpoint: e.OWN_TRACES_ENDPOINT,
      ownLogsEndpoint: e.OWN_LOGS_ENDPOINT,
    },
    mode: e.MODE,
    hub: {
      nodeService: e.HUB_NODE_SERVICE,
      nodeNamespace: e.HUB_NODE_NAMESPACE ?? e.POD_NAMESPACE,
      nodeAdminPort: e.HUB_NODE_ADMIN_PORT,
      nodeHealthPort: e.HUB_NODE_HEALTH_PORT,
      nodeScheme: e.HUB_NODE_SCHEME,
      nodeTimeoutMs: ms(e.HUB_NODE_TIMEOUT_S),
      nodeToken: e.HUB_NODE_TOKEN ?? e.ADMIN_TOKEN,
      maxConcurrentCalls: e.HUB_MAX_CONCURRENT_CALLS,
    },
    clientCertificates: {
      caCertFile: e.CLIENT_CA_CERT_FILE,
      caKeyFile: e.CLIENT_CA_KEY_FILE,
      validityDays: e.CLIENT_CERT_VALIDITY_DAYS,
    },
  };
}
