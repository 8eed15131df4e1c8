import {
  ServerToAgent,
  ServerToAgentFlags,
  type AgentRemoteConfig,
  type AgentToServer,
  type RemoteConfigStatus,
} from '../../../src/generated/opamp/v1/opamp.js';
import { PythonHttpClient } from './agent-http.js';
import {
  health,
  newInstanceUid,
  pythonJsonDumps,
  toKeyValues,
  type AgentToServerInit,
  type AttributeValue,
  type ContainerConfig,
} from './agent-messages.js';
import { OPAMP_PATH, resolveTarget } from './agent-target.js';
import { withDefaults } from './defaults.js';
import {
  ExchangeLog,
  type OdigosExchange,
  type OdigosMessagePurpose,
  type OdigosResponse,
} from './exchange-log.js';
import { SimulatorTimers } from './simulator-timers.js';

/** Options of {@link OdigosPythonAgentSimulator}; every delay defaults to the real agent's value. */
export interface OdigosPythonAgentOptions {
  /** `ODIGOS_OPAMP_SERVER_HOST` (`host:port`, docs/odigos.md). */
  serverHost?: string;
  /** `ODIGOS_OPAMP_UNIX_SOCKET`; wins over `serverHost` (`opamp/transport.py: from_env`). */
  unixSocket?: string;
  /** Request path; the agent hard-codes `/v1/opamp`. */
  path?: string;
  /** `ODIGOS_WORKLOAD_NAMESPACE` → `k8s.namespace.name`; omitted when empty. */
  namespace?: string;
  /** `ODIGOS_CONTAINER_NAME` → `k8s.container.name`; omitted when empty. */
  containerName?: string;
  /** `ODIGOS_POD_NAME` → `k8s.pod.name`; omitted when empty. */
  podName?: string;
  /** `os.getpid()` in the container, sent as an int. Default 1. */
  vpid?: number;
  /** `process.vpid` (default) or `process.pid` (the agent's VM branch, `DISABLE_OPAMP_CLIENT=true`). */
  processIdAttribute?: 'process.vpid' | 'process.pid';
  /** The uuid7 string; default a fresh one. */
  instanceUid?: string;
  /** Heartbeat period (`condition.wait(30)`). Default 30000. */
  heartbeatIntervalMs?: number;
  /** Pause between first-message attempts (not after the last). Default 2000. */
  firstMessageRetryDelayMs?: number;
  /** First-message attempts. Default 2. */
  firstMessageAttempts?: number;
  /** Socket timeout. Default 5000. */
  requestTimeoutMs?: number;
  /** Run the heartbeat loop after startup. Default true; false leaves heartbeats to {@link OdigosPythonAgentSimulator.heartbeatNow}. */
  autoHeartbeat?: boolean;
  /** What the distro registered (`{name: {"is_standard_lib": bool}}`), reported after startup when non-empty. */
  instrumentedLibraries?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The interpreter version named in the `UnsupportedRuntimeVersion` message. Default `3.8.18`. */
  pythonVersion?: string;
}

/**
 * How the simulated interpreter ends (`initializer/components.py: start_opamp_client.shutdown`):
 * - `clean`: normal end → `AgentFailure`, healthy **true**, "Program finished";
 * - `crash` (= `{exitCode: 1}`), `{exitCode, exception?}`, `{exception}`: → `AgentFailure`, healthy false;
 * - `{initFailure}`: `initialize_components` raised → `AgentFailure`, healthy false, the message;
 * - `terminated`: `shutdown()` without a message → `ProcessTerminated`, "Python runtime is exiting";
 * - `kill`: SIGKILL/OOM — `atexit` never runs, nothing is sent.
 */
export type OdigosPythonExit =
  | 'clean'
  | 'kill'
  | 'crash'
  | 'terminated'
  | { exitCode: number | string; exception?: string }
  | { exception: string }
  | { initFailure: string };

/** Lifecycle of {@link OdigosPythonAgentSimulator}; `offline` = first message failed, no heartbeats. */
export type OdigosPythonAgentState =
  'idle' | 'connecting' | 'running' | 'offline' | 'unsupported' | 'stopped';

const DEFAULT_LIBRARIES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  urllib: { is_standard_lib: true },
  flask: { is_standard_lib: false },
};

const EMPTY_REPLY: ServerToAgent = ServerToAgent.fromPartial({});

/**
 * Replays the Odigos Python agent's OpAMP client (`odigos-io/odigos-opentelemetry-python@2110333`,
 * `opamp/http_client.py`, `opamp/transport.py`, `initializer/components.py`; docs/odigos.md Python).
 *
 * Startup: description + `health{healthy:false, status:"Starting", last_error:"Connecting to Odigos
 * configuration server"}` + an EMPTY `remote_config_status`, 2 attempts 2 s apart; success needs a
 * reply with `remote_config` whose config map decodes. Then `health{healthy:true, status:"Healthy"}`, the
 * heartbeat loop (its first heartbeat goes out at once, then every 30 s) and the libraries report. On
 * failure: description + `NoConnectionToOpAMPServer`, no heartbeats, no report. Every message carries
 * `remote_config_status{last_remote_config_hash}` (status enum never set) once a config was received.
 * Requests never throw: errors, HTTP ≥ 400 and bad bodies all read as an empty `ServerToAgent`.
 *
 * Ordering choice: the real agent sends the first heartbeat (worker thread) and the libraries report
 * (main thread) concurrently; the simulator sends them one after the other, heartbeat first.
 */
export class OdigosPythonAgentSimulator {
  /** The uuid7 string; its UTF-8 bytes are the `instance_uid` (docs/odigos.md). */
  readonly instanceUid: string;
  /** `instance_uid` as sent: 36 ASCII bytes. */
  readonly instanceUidBytes: Buffer;
  /**
   * The container config in effect: `client.container_config` from the first reply (`{}` when the key is
   * missing or not JSON), then whatever later configs hand to the update callback. Undefined offline (the
   * agent then runs with traces on).
   */
  containerConfig?: ContainerConfig;
  /** True after a failed startup: the agent runs with its default (traces only) and no OpAMP. */
  connectionError = false;

  private readonly options: ReturnType<typeof pythonDefaults> & OdigosPythonAgentOptions;
  private readonly http?: PythonHttpClient;
  private readonly log?: ExchangeLog;
  private readonly timers = new SimulatorTimers();
  private nextSequenceNum = 0n;
  private remoteConfigStatusValue?: RemoteConfigStatus;
  private stateValue: OdigosPythonAgentState = 'idle';
  private running = false;
  private worker: Promise<unknown> = Promise.resolve();
  private startup?: Promise<void>;

  constructor(options: OdigosPythonAgentOptions) {
    this.options = withDefaults(pythonDefaults(), options);
    this.instanceUid = this.options.instanceUid ?? newInstanceUid();
    this.instanceUidBytes = Buffer.from(this.instanceUid, 'utf8');
    const target = this.options.unixSocket
      ? resolveTarget({ socketPath: this.options.unixSocket })
      : this.options.serverHost
        ? resolveTarget(this.options.serverHost)
        : undefined;
    if (target) {
      this.http = new PythonHttpClient({
        target,
        path: this.options.path,
        timeoutMs: this.options.requestTimeoutMs,
      });
      this.log = new ExchangeLog(this.http);
    }
  }

  /** Where the simulator is in its lifecycle. */
  get state(): OdigosPythonAgentState {
    return this.stateValue;
  }

  /** Every exchange, in the order the messages were built. */
  get exchanges(): readonly OdigosExchange[] {
    return this.log?.exchanges ?? [];
  }

  /** Every message sent, decoded from the bytes on the wire. */
  get sent(): AgentToServer[] {
    return this.exchanges.map((e) => e.message);
  }

  /** The responses received (status, headers, decoded `ServerToAgent`), in request order. */
  get responses(): OdigosResponse[] {
    return this.exchanges.flatMap((e) => (e.response ? [e.response] : []));
  }

  /** The messages sent for one purpose. */
  sentFor(purpose: OdigosMessagePurpose): AgentToServer[] {
    return this.exchanges.filter((e) => e.purpose === purpose).map((e) => e.message);
  }

  /** The `remote_config_status` the next message will carry. */
  get remoteConfigStatus(): RemoteConfigStatus | undefined {
    return this.remoteConfigStatusValue;
  }

  /**
   * Runs the startup sequence and resolves when it is over (first message(s), Healthy or
   * NoConnection, the immediate heartbeat, the libraries report). `unsupportedRuntime` instead sends
   * description + `agent_disconnect` + `UnsupportedRuntimeVersion` once — and then, as the agent does
   * (its connection event is not marked as failed), the libraries report when there are libraries.
   * Without `serverHost`/`unixSocket` nothing is sent, as in the agent.
   */
  start(mode: 'normal' | 'unsupportedRuntime' = 'normal'): Promise<void> {
    if (this.stateValue !== 'idle') throw new Error(`cannot start a simulator in state ${this.stateValue}`);
    this.stateValue = 'connecting';
    this.startup = this.runStartup(mode);
    return this.startup;
  }

  /**
   * One iteration of the worker loop now: heartbeat, apply any returned config, answer
   * `ReportFullState` with description + Healthy. Serialised with the automatic loop, like the thread.
   */
  async heartbeatNow(): Promise<ServerToAgent> {
    if (this.stateValue !== 'running') throw new Error(`no heartbeats in state ${this.stateValue}`);
    const iteration = this.worker.then(() => this.workerIteration());
    this.worker = iteration.catch(() => undefined);
    return iteration;
  }

  /**
   * `report_instrumented_libraries`: `health{healthy:true, status:"instrumentation libraries report",
   * component_health_map{name → {healthy:true, status: json.dumps(details)}}}`; skipped after a failed
   * startup. Resolves with the reply, or undefined when skipped.
   */
  async reportInstrumentedLibraries(
    libraries: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  ): Promise<ServerToAgent | undefined> {
    if (this.connectionError || !this.log) return undefined;
    const componentHealthMap = Object.fromEntries(
      Object.entries(libraries).map(([name, details]) => [
        name,
        health({ healthy: true, status: pythonJsonDumps(details) }),
      ]),
    );
    return this.sendMessage('libraries', {
      health: health({ healthy: true, status: 'instrumentation libraries report', componentHealthMap }),
    });
  }

  /** Resolves when no request is in flight. */
  async idle(): Promise<void> {
    await this.log?.idle();
  }

  /**
   * The `atexit` hook: stops the loop, waits for the worker like `client_thread.join()`, then sends the
   * disconnect for `exit` (see {@link OdigosPythonExit}; none for `kill`) — also when offline. After the unsupported-runtime
   * start nothing is sent (the real hook raises: there is no client thread). Clears every timer; a start
   * still retrying is abandoned instead of being waited for.
   */
  async stop(exit: OdigosPythonExit = 'clean'): Promise<void> {
    if (this.stateValue === 'stopped') return;
    const previous = this.stateValue;
    this.running = false;
    this.timers.clearAll();
    await this.startup;
    await this.worker;
    if (exit !== 'kill' && previous !== 'idle' && previous !== 'unsupported' && this.log) {
      await this.sendMessage('disconnect', { agentDisconnect: {}, health: disconnectHealth(exit) });
    }
    await this.log?.idle();
    this.stateValue = 'stopped';
  }

  private async runStartup(mode: 'normal' | 'unsupportedRuntime'): Promise<void> {
    const libraries = this.options.instrumentedLibraries;
    if (mode === 'unsupportedRuntime') {
      this.stateValue = 'unsupported';
      if (!this.log) return;
      const v = this.options.pythonVersion;
      await this.sendMessage('unsupportedRuntime', {
        agentDescription: this.description(),
        agentDisconnect: {},
        health: health({
          healthy: false,
          lastError: `Opentelemetry SDK require Python in version 3.8 or higher [${v} is not supported]`,
          status: 'UnsupportedRuntimeVersion',
        }),
      });
      if (Object.keys(libraries).length > 0) await this.reportInstrumentedLibraries(libraries);
      return;
    }
    if (!this.log) {
      // mandatory_env_vars_set() is false: the event is set with error=True and nothing is sent.
      this.connectionError = true;
      this.stateValue = 'offline';
      return;
    }
    this.running = true;
    const connected = await this.sendFirstMessageWithRetry();
    if (!this.running) return;
    if (!connected) {
      this.stateValue = 'offline';
      return;
    }
    this.stateValue = 'running';
    if (this.options.autoHeartbeat) await this.loop();
    if (Object.keys(libraries).length > 0) await this.reportInstrumentedLibraries(libraries);
  }

  /** One worker iteration, then `condition.wait(heartbeatIntervalMs)` as an unref'd timer. */
  private async loop(): Promise<void> {
    if (!this.running) return;
    const iteration = this.worker.then(() => this.workerIteration());
    this.worker = iteration.catch(() => undefined);
    await iteration;
    if (this.running) this.timers.after(this.options.heartbeatIntervalMs, () => void this.loop());
  }

  private async sendFirstMessageWithRetry(): Promise<boolean> {
    const attempts = this.options.firstMessageAttempts;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const reply = await this.sendMessage('first', {
        agentDescription: this.description(),
        health: health({
          healthy: false,
          lastError: 'Connecting to Odigos configuration server',
          status: 'Starting',
        }),
        remoteConfigStatus: {},
      });
      if (!isEmpty(reply) && reply.remoteConfig) {
        try {
          this.updateRemoteConfigStatus(reply);
          this.applyViaCallback(reply.remoteConfig);
          this.containerConfig = getContainerConfig(reply.remoteConfig);
          getRemoteConfig(reply.remoteConfig); // raises on an empty map or bad JSON → next attempt
          await this.sendMessage('healthy', { health: health({ healthy: true, status: 'Healthy' }) });
          return true;
        } catch {
          // The agent swallows it and retries.
        }
      }
      // stop() may have run while the request was in flight, before this pause existed to be cancelled.
      if (!this.running) return false;
      if (attempt < attempts && !(await this.timers.delay(this.options.firstMessageRetryDelayMs)))
        return false;
      if (!this.running) return false;
    }
    this.connectionError = true;
    await this.sendMessage('noConnection', {
      agentDescription: this.description(),
      health: health({
        healthy: false,
        lastError: 'Failed to connect to Odigos configuration server - dynamic configuration unavailable',
        status: 'NoConnectionToOpAMPServer',
      }),
      remoteConfigStatus: {},
    });
    return false;
  }

  private async workerIteration(): Promise<ServerToAgent> {
    const reply = await this.sendMessage('heartbeat', { remoteConfigStatus: this.remoteConfigStatusValue });
    if (this.updateRemoteConfigStatus(reply) && reply.remoteConfig) this.applyViaCallback(reply.remoteConfig);
    if (Number(reply.flags) & ServerToAgentFlags.ServerToAgentFlags_ReportFullState) {
      const fullStateReply = await this.sendMessage('fullState', {
        agentDescription: this.description(),
        health: health({ healthy: true, status: 'Healthy' }),
      });
      if (this.updateRemoteConfigStatus(fullStateReply) && fullStateReply.remoteConfig) {
        this.applyViaCallback(fullStateReply.remoteConfig);
      }
    }
    return reply;
  }

  /**
   * `send_agent_to_server_message`: stamps uid and sequence number, copies the stored remote config
   * status over the message's own, and turns every failure (transport error, HTTP ≥ 400, bad protobuf)
   * into an empty `ServerToAgent`.
   */
  private async sendMessage(
    purpose: OdigosMessagePurpose,
    message: AgentToServerInit,
  ): Promise<ServerToAgent> {
    if (!this.log) return EMPTY_REPLY;
    const exchange = await this.log.send(purpose, {
      ...message,
      instanceUid: this.instanceUidBytes,
      sequenceNum: this.nextSequenceNum++,
      ...(this.remoteConfigStatusValue ? { remoteConfigStatus: this.remoteConfigStatusValue } : {}),
    });
    const response = exchange.response;
    if (!response || response.status >= 400 || !response.message) return EMPTY_REPLY;
    return response.message;
  }

  /** Stores `{last_remote_config_hash}` (no status enum) when the reply has `remote_config`. */
  private updateRemoteConfigStatus(reply: ServerToAgent): boolean {
    if (!reply.remoteConfig) return false;
    this.remoteConfigStatusValue = {
      lastRemoteConfigHash: reply.remoteConfig.configHash,
      status: 0,
      errorMessage: '',
    };
    return true;
  }

  /** `update_conf_cb(get_remote_config(...))`, errors swallowed. */
  private applyViaCallback(remoteConfig: AgentRemoteConfig): void {
    try {
      const containerConfig = getRemoteConfig(remoteConfig);
      if (containerConfig !== undefined) this.containerConfig = containerConfig;
    } catch {
      // "Catch exception and don't update the config"
    }
  }

  /** `get_agent_description`: uid, pid, language, then the k8s env vars that are set. */
  private description(): AgentToServerInit['agentDescription'] {
    const o = this.options;
    const attributes: Array<[string, AttributeValue]> = [
      ['service.instance.id', this.instanceUid],
      [o.processIdAttribute, o.vpid],
      ['telemetry.sdk.language', 'python'],
    ];
    if (o.namespace) attributes.push(['k8s.namespace.name', o.namespace]);
    if (o.containerName) attributes.push(['k8s.container.name', o.containerName]);
    if (o.podName) attributes.push(['k8s.pod.name', o.podName]);
    return { identifyingAttributes: toKeyValues(attributes), nonIdentifyingAttributes: [] };
  }
}

function pythonDefaults() {
  return {
    path: OPAMP_PATH,
    vpid: 1,
    processIdAttribute: 'process.vpid' as 'process.vpid' | 'process.pid',
    heartbeatIntervalMs: 30_000,
    firstMessageRetryDelayMs: 2_000,
    firstMessageAttempts: 2,
    requestTimeoutMs: 5_000,
    autoHeartbeat: true,
    instrumentedLibraries: DEFAULT_LIBRARIES,
    pythonVersion: '3.8.18',
  };
}

/** `ListFields()` is empty. */
const isEmpty = (reply: ServerToAgent): boolean => ServerToAgent.encode(reply).finish().length === 0;

/** The health of the exit disconnect (`shutdown` / `get_agent_failure_disconnect_message`). */
function disconnectHealth(exit: Exclude<OdigosPythonExit, 'kill'>): ReturnType<typeof health> {
  const failure = (lastError: string, healthy = false) =>
    health({ healthy, lastError, status: 'AgentFailure' });
  if (exit === 'clean') return failure('Program finished', true);
  if (exit === 'crash') return failure('Program exit with code: 1');
  if (exit === 'terminated')
    return health({ healthy: false, lastError: 'Python runtime is exiting', status: 'ProcessTerminated' });
  if ('initFailure' in exit) return failure(exit.initFailure);
  if ('exitCode' in exit && exit.exitCode !== 0) {
    const code = `Program exit with code: ${exit.exitCode}`;
    return failure(exit.exception === undefined ? code : `${code} and exception: ${exit.exception}`);
  }
  if ('exception' in exit && exit.exception !== undefined) {
    return failure(`Program exit with exception: ${exit.exception}`);
  }
  return failure('Program finished', true);
}

/** `utils.get_container_config`: missing key or undecodable JSON → `{}`. */
function getContainerConfig(remoteConfig: AgentRemoteConfig): ContainerConfig {
  const section = remoteConfig.config?.configMap['container_config'];
  if (!section) return {};
  try {
    const parsed: unknown = JSON.parse(section.body.toString('utf8'));
    return isObject(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * `get_remote_config` (via `MessageToDict`): raises when `remote_config` or its map is empty or an
 * `application/json` entry does not parse, or when `container_config`/`traces`/`headSampling` are not
 * objects where it calls `.get`. Returns `container_config` (undefined when absent or with an empty body).
 */
function getRemoteConfig(remoteConfig: AgentRemoteConfig): ContainerConfig | undefined {
  const map = remoteConfig.config?.configMap ?? {};
  if (Object.keys(map).length === 0) throw new Error("No 'config_map' found inside 'remote_config'.");
  let containerConfig: unknown;
  for (const [key, item] of Object.entries(map)) {
    if (item.body.length === 0) continue;
    if (item.contentType !== 'application/json') continue;
    const value: unknown = JSON.parse(item.body.toString('utf8'));
    if (key === 'container_config') containerConfig = value;
  }
  if (containerConfig === undefined || containerConfig === null) return undefined;
  if (!isObject(containerConfig)) throw new Error('container_config is not an object');
  const traces = 'traces' in containerConfig ? containerConfig.traces : {};
  if (!isObject(traces)) throw new Error('traces is not an object');
  if ('headSampling' in traces && !isObject(traces.headSampling))
    throw new Error('headSampling is not an object');
  return containerConfig;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
