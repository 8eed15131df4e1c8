import {
  RemoteConfigStatuses,
  ServerToAgentFlags,
  type AgentRemoteConfig,
  type AgentToServer,
  type RemoteConfigStatus,
  type ServerToAgent,
} from '../../../src/generated/opamp/v1/opamp.js';
import { AxiosLikeHttpClient } from './agent-http.js';
import {
  health,
  newInstanceUid,
  toKeyValues,
  type AgentToServerInit,
  type AttributeValue,
  type ContainerConfig,
} from './agent-messages.js';
import { OPAMP_PATH, resolveTarget, type OdigosAgentTarget } from './agent-target.js';
import {
  ExchangeLog,
  type OdigosExchange,
  type OdigosMessagePurpose,
  type OdigosResponse,
} from './exchange-log.js';
import { SimulatorTimers } from './simulator-timers.js';
import { withDefaults } from './defaults.js';

/** Options of {@link OdigosNodeAgentSimulator}; every delay defaults to the real agent's value. */
export interface OdigosNodeAgentOptions {
  /** `ODIGOS_OPAMP_SERVER_HOST` (`host:port`). The real agent has no Unix-socket transport (docs/odigos.md); `{socketPath}` is a test convenience. */
  target: OdigosAgentTarget;
  /** Request path; the agent hard-codes `/v1/opamp`. */
  path?: string;
  /** `k8s.namespace.name` from `OTEL_RESOURCE_ATTRIBUTES` (docs/odigos.md); not sent in device-id mode. */
  namespace?: string;
  /** `k8s.pod.name`; not sent in device-id mode. */
  podName?: string;
  /** `k8s.container.name`; not sent in device-id mode. */
  containerName?: string;
  /** `OTEL_SERVICE_NAME`; in device-id mode defaults to the device id (the device plugin's fallback, docs/odigos.md). */
  serviceName?: string;
  /** More `OTEL_RESOURCE_ATTRIBUTES`/`ODIGOS_RESOURCE_ATTRIBUTES` entries (e.g. `odigos.workload.kind`). */
  resourceAttributes?: Readonly<Record<string, string>>;
  /** `process.vpid` (the in-container pid), sent as an int. Default 1. */
  vpid?: number;
  /** `telemetry.distro.name`. Default `nodejs-community`. */
  distroName?: string;
  /** `telemetry.distro.version`. Default `development` (the value in the repo; images replace it). */
  distroVersion?: string;
  /** `host.name`. Default `odigos-node-agent-sim`. */
  hostName?: string;
  /** `host.arch` (already normalised, x64 → `amd64`). Default `amd64`. */
  hostArch?: string;
  /** The process detector's attributes; `process.pid` is dropped like the agent does. Defaults look like `node /app/index.js`. */
  processAttributes?: Readonly<Record<string, AttributeValue>>;
  /** The uuidv7 string; default a fresh one. */
  instanceUid?: string;
  /** Heartbeat period. Default 10000 (docs/odigos.md). */
  pollingIntervalMs?: number;
  /** Pause after each failed first-message attempt (also after the last). Default 2000. */
  firstMessageRetryDelayMs?: number;
  /** First-message attempts. Default 5. */
  firstMessageAttempts?: number;
  /** HTTP inactivity timeout. Default 5000. */
  requestTimeoutMs?: number;
  /** Start the heartbeat interval after startup. Default true; false leaves heartbeats to {@link OdigosNodeAgentSimulator.heartbeatNow}. */
  autoHeartbeat?: boolean;
  /** Device-id mode (docs/odigos.md old design): `X-Odigos-DeviceId` on every request, no `k8s.*` attributes. */
  deviceId?: string;
  /**
   * Parse remote config like the device-id-era agent: requires `InstrumentationLibraries` and `SDK`
   * JSON sections, ignores `container_config` (docs/odigos.md "older key layouts"). Default: device-id mode.
   */
  legacyRemoteConfig?: boolean;
  /** `User-Agent` axios writes. Default `axios/1.18.0` (the agent's `axios: ^1.18.0`). */
  userAgent?: string;
}

/** How the agent last reported its health (`SdkHealthInfo` in the agent). */
export interface NodeSdkHealthInfo {
  status: string;
  errorMessage?: string;
}

/** The `SDK` + `InstrumentationLibraries` sections the device-id-era agent applied. */
export interface NodeLegacyRemoteConfig {
  sdk: unknown;
  instrumentationLibraries: unknown;
}

/** Why the simulated process stops: a signal, the `exit` event, an explicit reason text, or `kill` (nothing sent). */
export type OdigosNodeStopReason = 'SIGTERM' | 'SIGINT' | 'exit' | 'kill' | { reason: string };

/** Lifecycle of {@link OdigosNodeAgentSimulator}. */
export type OdigosNodeAgentState = 'idle' | 'connecting' | 'running' | 'stopped';

const SHUTDOWN_REASONS = {
  SIGTERM: 'runtime received SIGTERM',
  SIGINT: 'runtime received SIGINT',
  exit: 'node.js runtime is exiting',
} as const;

const DEFAULT_PROCESS_ATTRIBUTES: Readonly<Record<string, AttributeValue>> = {
  'process.executable.name': 'node',
  'process.executable.path': '/usr/local/bin/node',
  'process.command_args': ['/usr/local/bin/node', '/app/index.js'],
  'process.runtime.version': '20.19.0',
  'process.runtime.name': 'nodejs',
  'process.runtime.description': 'Node.js',
  'process.command': '/app/index.js',
  'process.owner': 'node',
};

/**
 * Replays the Odigos Node.js agent's OpAMP client (`odigos-io/opentelemetry-node@7d80ffd`,
 * `src/opamp/client-http.ts`, `src/autoinstrumentation.ts`; docs/odigos.md Node) against a real server.
 *
 * Sequence: the first message is the full state — description, empty `package_statuses`,
 * `health{healthy:false, status:"Starting", last_error:"Node.js OpenTelemetry agent is starting"}` — retried
 * up to 5 times, 2 s apart, where a reply without `remote_config` (or a non-2xx, timeout, bad body) is a
 * failure; after the last failure it waits once more and applies `{containerConfig:{traces:{}}}`. Applying
 * any config sends `health{healthy:true, status:"Healthy"}` once. Then a heartbeat every `pollingIntervalMs`
 * carrying only uid, seq and `remote_config_status`; `ReportFullState` gets description + packages + last
 * health. Every message carries the current `remote_config_status` (none before the first config).
 *
 * Quirks kept on purpose, all from `client-http.ts`: the Healthy message is built *before* the status of
 * the config that triggered it is stored, so the first one has no `remote_config_status`; the unhealthy
 * start still applies returned config and so still sends Healthy after its disconnect; shutdown sends
 * nothing unless heartbeats had started.
 */
export class OdigosNodeAgentSimulator {
  /** The uuidv7 string; its UTF-8 bytes are the `instance_uid` (docs/odigos.md). */
  readonly instanceUid: string;
  /** `instance_uid` as sent: 36 ASCII bytes. */
  readonly instanceUidBytes: Buffer;
  /** The container config last applied (server's or the fallback); undefined until then or in legacy mode. */
  containerConfig?: ContainerConfig;
  /** Legacy mode: the `SDK`/`InstrumentationLibraries` sections last applied. */
  legacyConfig?: NodeLegacyRemoteConfig;
  /** True when startup gave up and applied the fallback config. */
  usedFallbackConfig = false;
  /** Every config applied, in order (server configs and the fallback). */
  readonly appliedConfigs: Array<ContainerConfig | NodeLegacyRemoteConfig> = [];

  private readonly options: Required<
    Omit<OdigosNodeAgentOptions, 'deviceId' | 'serviceName' | 'namespace' | 'podName' | 'containerName'>
  > &
    OdigosNodeAgentOptions;
  private readonly http: AxiosLikeHttpClient;
  private readonly log: ExchangeLog;
  private readonly timers = new SimulatorTimers();
  private nextSequenceNum = 0n;
  private remoteConfigStatusValue?: RemoteConfigStatus;
  private lastHealth: NodeSdkHealthInfo = {
    status: 'Starting',
    errorMessage: 'Node.js OpenTelemetry agent is starting',
  };
  private heartbeatsStarted = false;
  private stopping = false;
  private stateValue: OdigosNodeAgentState = 'idle';
  private startup?: Promise<void>;

  constructor(options: OdigosNodeAgentOptions) {
    this.options = withDefaults(
      {
        path: OPAMP_PATH,
        resourceAttributes: {},
        vpid: 1,
        distroName: 'nodejs-community',
        distroVersion: 'development',
        hostName: 'odigos-node-agent-sim',
        hostArch: 'amd64',
        processAttributes: DEFAULT_PROCESS_ATTRIBUTES,
        instanceUid: newInstanceUid(),
        pollingIntervalMs: 10_000,
        firstMessageRetryDelayMs: 2_000,
        firstMessageAttempts: 5,
        requestTimeoutMs: 5_000,
        autoHeartbeat: true,
        legacyRemoteConfig: options.deviceId !== undefined,
        userAgent: 'axios/1.18.0',
      },
      options,
    );
    this.instanceUid = this.options.instanceUid;
    this.instanceUidBytes = Buffer.from(this.instanceUid, 'utf8');
    this.http = new AxiosLikeHttpClient({
      target: resolveTarget(this.options.target),
      path: this.options.path,
      timeoutMs: this.options.requestTimeoutMs,
      userAgent: this.options.userAgent,
      deviceId: this.options.deviceId,
    });
    this.log = new ExchangeLog(this.http);
  }

  /** Where the simulator is in its lifecycle. */
  get state(): OdigosNodeAgentState {
    return this.stateValue;
  }

  /** Every exchange, in the order the messages were built. */
  get exchanges(): readonly OdigosExchange[] {
    return this.log.exchanges;
  }

  /** Every message sent, decoded from the bytes on the wire. */
  get sent(): AgentToServer[] {
    return this.log.exchanges.map((e) => e.message);
  }

  /** The responses received (status, headers, decoded `ServerToAgent`), in request order. */
  get responses(): OdigosResponse[] {
    return this.log.exchanges.flatMap((e) => (e.response ? [e.response] : []));
  }

  /** The messages sent for one purpose. */
  sentFor(purpose: OdigosMessagePurpose): AgentToServer[] {
    return this.log.exchanges.filter((e) => e.purpose === purpose).map((e) => e.message);
  }

  /** The `remote_config_status` the next message will carry. */
  get remoteConfigStatus(): RemoteConfigStatus | undefined {
    return this.remoteConfigStatusValue;
  }

  /** The health the agent would resend on `ReportFullState`. */
  get lastSdkHealth(): NodeSdkHealthInfo {
    return { ...this.lastHealth };
  }

  /**
   * Runs the startup sequence and resolves when it is over, including the Healthy message it triggers.
   * With `unhealthy`, sends the full state + `agent_disconnect` + that health as the first message (same
   * retries) and stops (docs/odigos.md: "If started with unhealthy").
   */
  start(options: { unhealthy?: NodeSdkHealthInfo } = {}): Promise<void> {
    if (this.stateValue !== 'idle') throw new Error(`cannot start a simulator in state ${this.stateValue}`);
    this.stateValue = 'connecting';
    this.startup = this.runStartup(options.unhealthy);
    return this.startup;
  }

  private async runStartup(unhealthy: NodeSdkHealthInfo | undefined): Promise<void> {
    const fullState = this.fullStateMessage();
    if (unhealthy) {
      await this.sendFirstMessageWithRetry({ ...fullState, agentDisconnect: {}, ...healthPart(unhealthy) });
      await this.log.idle();
      this.stateValue = 'stopped';
      this.http.close();
      return;
    }
    await this.sendFirstMessageWithRetry(fullState);
    if (this.stopping) return;
    this.heartbeatsStarted = true;
    this.stateValue = 'running';
    if (this.options.autoHeartbeat) {
      this.timers.every(this.options.pollingIntervalMs, () => void this.heartbeatIteration());
    }
    await this.log.idle();
  }

  /**
   * Runs one heartbeat tick now (the interval's callback), including the full-state resend on
   * `ReportFullState`, and resolves with the heartbeat's reply (undefined when it failed).
   */
  async heartbeatNow(): Promise<ServerToAgent | undefined> {
    if (this.stateValue !== 'running') throw new Error(`no heartbeats in state ${this.stateValue}`);
    const reply = await this.heartbeatIteration();
    await this.log.idle();
    return reply;
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    return this.log.idle();
  }

  /**
   * Shuts down like the agent's SIGTERM/SIGINT/`exit` handlers: `agent_disconnect{}` +
   * `health{healthy:false, status:"ProcessTerminated", last_error:<reason>}` (docs/odigos.md), only if
   * heartbeats had started. `kill` sends nothing. (Inferred: on a natural `exit` the real agent cannot
   * flush the async request, so its disconnect likely never leaves the process — use `kill` for that.)
   * Always clears every timer and closes pooled connections; a start still retrying is abandoned.
   */
  async stop(reason: OdigosNodeStopReason = 'SIGTERM'): Promise<void> {
    if (this.stateValue === 'stopped') return;
    this.stopping = true;
    this.timers.clearAll();
    await this.startup;
    if (reason !== 'kill' && this.heartbeatsStarted) {
      const text = typeof reason === 'string' ? SHUTDOWN_REASONS[reason] : reason.reason;
      this.lastHealth = { status: 'ProcessTerminated', errorMessage: text };
      await this.sendMessage('disconnect', { agentDisconnect: {}, ...healthPart(this.lastHealth) }).catch(
        () => undefined,
      );
    }
    await this.log.idle();
    this.http.close();
    this.stateValue = 'stopped';
  }

  private async sendFirstMessageWithRetry(message: AgentToServerInit): Promise<void> {
    for (let i = 0; i < this.options.firstMessageAttempts; i++) {
      try {
        const reply = await this.sendMessage('first', message);
        if (!reply.remoteConfig)
          throw new Error('No remote config received on first OpAMP message to the server');
        return;
      } catch {
        // stop() may have run while the request was in flight, before this pause existed to be cancelled.
        if (this.stopping) return;
        const waited = await this.timers.delay(this.options.firstMessageRetryDelayMs);
        if (!waited || this.stopping) return;
      }
    }
    this.usedFallbackConfig = true;
    this.onNewRemoteConfig(
      this.options.legacyRemoteConfig
        ? {
            sdk: {
              remoteResourceAttributes: [
                { key: 'service.name', value: this.options.deviceId ?? '' },
                { key: 'service.instance.id', value: this.instanceUid },
              ],
              traceSignal: { enabled: true, defaultEnabledValue: true },
            },
            instrumentationLibraries: [],
          }
        : { traces: {} },
    );
  }

  private async heartbeatIteration(): Promise<ServerToAgent | undefined> {
    let reply: ServerToAgent;
    try {
      reply = await this.sendMessage('heartbeat', {});
    } catch {
      return undefined;
    }
    if (Number(reply.flags) & ServerToAgentFlags.ServerToAgentFlags_ReportFullState) {
      await this.sendMessage('fullState', {
        ...this.fullStateMessage(),
        ...healthPart(this.lastHealth),
      }).catch(() => undefined);
    }
    return reply;
  }

  /**
   * `sendAgentToServerMessage`: stamps uid, the next sequence number and the current remote config
   * status synchronously, posts, and treats non-2xx (axios `validateStatus`) or an undecodable body as
   * errors. Any `remote_config` in the reply is applied.
   */
  private async sendMessage(
    purpose: OdigosMessagePurpose,
    message: AgentToServerInit,
  ): Promise<ServerToAgent> {
    const exchange = await this.log.send(purpose, {
      ...message,
      instanceUid: this.instanceUidBytes,
      sequenceNum: this.nextSequenceNum++,
      remoteConfigStatus: this.remoteConfigStatusValue,
    });
    const response = exchange.response;
    if (!response) throw new Error(exchange.error ?? 'no response');
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`Request failed with status code ${response.status}`);
    }
    if (!response.message) throw new Error('cannot decode ServerToAgent');
    this.handleRemoteConfigInResponse(response.message);
    return response.message;
  }

  private handleRemoteConfigInResponse(reply: ServerToAgent): void {
    const remoteConfig = reply.remoteConfig;
    if (!remoteConfig) return;
    let parsed: ContainerConfig | NodeLegacyRemoteConfig;
    try {
      parsed = this.options.legacyRemoteConfig
        ? extractLegacyConfig(remoteConfig)
        : extractContainerConfig(remoteConfig);
    } catch {
      this.remoteConfigStatusValue = {
        lastRemoteConfigHash: remoteConfig.configHash,
        status: RemoteConfigStatuses.RemoteConfigStatuses_FAILED,
        errorMessage: 'failed to apply the new remote config',
      };
      return;
    }
    this.onNewRemoteConfig(parsed);
    this.remoteConfigStatusValue = {
      lastRemoteConfigHash: remoteConfig.configHash,
      status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
      errorMessage: '',
    };
  }

  /** `onNewRemoteConfig` in `autoinstrumentation.ts`: apply, then `setSdkHealthy()` (not awaited). */
  private onNewRemoteConfig(config: ContainerConfig | NodeLegacyRemoteConfig): void {
    this.appliedConfigs.push(config);
    if (this.options.legacyRemoteConfig) {
      this.legacyConfig = config as NodeLegacyRemoteConfig;
    } else {
      this.containerConfig = config as ContainerConfig;
      // The agent reads `containerConfig.traces` first; a non-object throws inside its try/catch,
      // which skips setSdkHealthy().
      if (config === null || typeof config !== 'object') return;
    }
    this.setSdkHealthy();
  }

  private setSdkHealthy(): void {
    if (this.lastHealth.status === 'Healthy') return;
    this.lastHealth = { status: 'Healthy' };
    void this.sendMessage('healthy', healthPart(this.lastHealth)).catch(() => undefined);
  }

  /** `getFullStateAgentToServerMessage`: description + empty package statuses + last health. */
  private fullStateMessage(): AgentToServerInit {
    return {
      agentDescription: {
        identifyingAttributes: toKeyValues(this.identifyingAttributes()),
        nonIdentifyingAttributes: [],
      },
      packageStatuses: { packages: {} },
      ...healthPart(this.lastHealth),
    };
  }

  /**
   * The merged OTel resource, in the order `@opentelemetry/resources` 2.x yields it: detectors first
   * (host, then process, then env), then the static part; the first occurrence of a key wins. `host.id`
   * is still pending when the agent reads the attributes, so it is absent.
   */
  private identifyingAttributes(): Array<[string, AttributeValue]> {
    const o = this.options;
    const out: Array<[string, AttributeValue]> = [];
    const add = (key: string, value: AttributeValue | undefined): void => {
      if (value !== undefined && !out.some(([k]) => k === key)) out.push([key, value]);
    };
    add('host.name', o.hostName);
    add('host.arch', o.hostArch);
    for (const [key, value] of Object.entries(o.processAttributes)) {
      if (key !== 'process.pid') add(key, value);
    }
    add('process.vpid', o.vpid);
    const env: Record<string, string> = {};
    if (o.deviceId === undefined) {
      if (o.namespace !== undefined) env['k8s.namespace.name'] = o.namespace;
      if (o.podName !== undefined) env['k8s.pod.name'] = o.podName;
      if (o.containerName !== undefined) env['k8s.container.name'] = o.containerName;
    }
    Object.assign(env, o.resourceAttributes);
    const serviceName = o.serviceName ?? o.deviceId;
    if (serviceName) env['service.name'] = serviceName;
    for (const [key, value] of Object.entries(env)) add(key, value);
    add('telemetry.distro.name', o.distroName);
    add('telemetry.distro.version', o.distroVersion);
    add('service.instance.id', this.instanceUid);
    add('telemetry.sdk.language', 'nodejs');
    return out;
  }
}

/** `sdkHealthInfoToOpampMessage`: `healthy` is simply "no error message". */
function healthPart(info: NodeSdkHealthInfo): AgentToServerInit {
  return {
    health: health({ healthy: !info.errorMessage, lastError: info.errorMessage ?? '', status: info.status }),
  };
}

/** `extractRemoteConfigFromResponse` (`src/opamp/remote-config.ts`): missing key or bad JSON throws. */
function extractContainerConfig(remoteConfig: AgentRemoteConfig): ContainerConfig {
  const section = remoteConfig.config?.configMap['container_config'];
  if (!section) throw new Error('missing container config');
  return JSON.parse(section.body.toString('utf8')) as ContainerConfig;
}

/** The device-id-era parser (`remote-config.ts` at 77c5c8b^): both sections are required JSON. */
function extractLegacyConfig(remoteConfig: AgentRemoteConfig): NodeLegacyRemoteConfig {
  const libraries = remoteConfig.config?.configMap['InstrumentationLibraries'];
  if (!libraries) throw new Error('missing instrumentation libraries remote config');
  const instrumentationLibraries: unknown = JSON.parse(libraries.body.toString('utf8'));
  const sdkSection = remoteConfig.config?.configMap['SDK'];
  if (!sdkSection) throw new Error('missing SDK remote config');
  const sdk: unknown = JSON.parse(sdkSection.body.toString('utf8'));
  return { sdk, instrumentationLibraries };
}
