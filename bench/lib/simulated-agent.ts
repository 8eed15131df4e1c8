import { createHash } from 'node:crypto';
import {
  AgentCapabilities,
  AgentToServer,
  RemoteConfigStatuses,
  ServerToAgent,
  ServerToAgentFlags,
  type AgentDescription,
  type ComponentHealth,
} from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';

/**
 * What kind of agent is simulated: an OpenTelemetry Collector as opamp-go runs it (16-byte uid, the usual
 * capabilities, effective config), or an Odigos language agent (36-byte text uid, capabilities 0,
 * Kubernetes attributes the odigos plugin identifies it by).
 */
export type AgentFlavor = 'collector' | 'odigos';

/** Where Odigos-flavoured agents run: `pods` pods of `perPod` processes in namespace `bench`. */
export const ODIGOS_LAYOUT = { namespace: 'bench', container: 'app', perPod: 10 } as const;

/** The pod an Odigos agent of `index` runs in. */
export const odigosPodName = (index: number): string =>
  `bench-app-${Math.floor(index / ODIGOS_LAYOUT.perPod)}`;

export const COLLECTOR_CAPABILITIES = BigInt(
  AgentCapabilities.AgentCapabilities_ReportsStatus |
    AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig |
    AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig |
    AgentCapabilities.AgentCapabilities_ReportsHealth |
    AgentCapabilities.AgentCapabilities_ReportsRemoteConfig |
    AgentCapabilities.AgentCapabilities_ReportsHeartbeat,
);
const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

const str = (key: string, value: string): KeyValue => ({
  key,
  value: { value: { $case: 'stringValue', value } },
});
const int = (key: string, value: number): KeyValue => ({
  key,
  value: { value: { $case: 'intValue', value: BigInt(value) } },
});

const EFFECTIVE_CONFIG = Buffer.from(
  [
    'receivers:',
    '  otlp:',
    '    protocols:',
    '      grpc: { endpoint: 0.0.0.0:4317 }',
    '      http: { endpoint: 0.0.0.0:4318 }',
    'processors:',
    '  batch: { timeout: 1s, send_batch_size: 8192 }',
    '  memory_limiter: { check_interval: 1s, limit_percentage: 80, spike_limit_percentage: 25 }',
    'exporters:',
    '  otlphttp: { endpoint: http://gateway.observability:4318 }',
    'service:',
    '  pipelines:',
    '    traces: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp] }',
    '    metrics: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp] }',
    '    logs: { receivers: [otlp], processors: [memory_limiter, batch], exporters: [otlphttp] }',
    '',
  ].join('\n'),
);

/** Counters a generator keeps over all its agents. */
export interface AgentCounters {
  /** Replies that asked for the full state again (after the first). */
  fullStateRequests: number;
  /** Replies carrying a ServerErrorResponse. */
  errorReplies: number;
  /** Remote configs received. */
  remoteConfigs: number;
  /** Replies for another instance uid than the one that asked. */
  wrongUid: number;
}

/** A fresh set of {@link AgentCounters}. */
export const newCounters = (): AgentCounters => ({
  fullStateRequests: 0,
  errorReplies: 0,
  remoteConfigs: 0,
  wrongUid: 0,
});

/**
 * One simulated agent: real `AgentToServer` messages with increasing sequence numbers — the full state
 * first (and whenever the server asks for it), then heartbeats, a health change every `statusEvery`
 * messages, and the remote config status after a remote config arrived. Replies are checked.
 */
export class SimulatedAgent {
  readonly uid: Buffer;
  private sequenceNum = 0n;
  private needsFullState = true;
  private messages = 0;
  private healthy = true;
  private configStatus?: { hash: Buffer };
  /** Time the last remote config arrived (ms, performance.now of this process). */
  configReceivedAt?: number;

  constructor(
    readonly index: number,
    readonly flavor: AgentFlavor,
    /** A health change every this many messages; 0 for never. */
    private readonly statusEvery: number,
    salt: string,
    private readonly counters: AgentCounters,
    /** Capabilities to declare instead of the flavour's own (e.g. an Odigos agent that accepts remote config). */
    private readonly declaredCapabilities?: bigint,
    /** Messages by which this agent's health changes are offset, so that agents started together do not all change at once. */
    private readonly statusPhase = 0,
  ) {
    const digest = createHash('sha256').update(`${salt}:${index}`).digest();
    if (flavor === 'odigos') {
      const hex = digest.toString('hex');
      // Odigos agents send the 36-byte text of a UUIDv7 as the uid.
      this.uid = Buffer.from(
        `0192a0e4-${hex.slice(0, 4)}-7${hex.slice(4, 7)}-8${hex.slice(7, 10)}-${hex.slice(10, 22)}`,
      );
    } else {
      this.uid = digest.subarray(0, 16);
    }
  }

  get capabilities(): bigint {
    return this.declaredCapabilities ?? (this.flavor === 'collector' ? COLLECTOR_CAPABILITIES : 0n);
  }

  /** The next message to send, encoded. */
  next(): Uint8Array {
    return AgentToServer.encode(this.nextMessage()).finish();
  }

  /** The next message to send. */
  nextMessage(): AgentToServer {
    this.messages++;
    const message: AgentToServer = {
      instanceUid: this.uid,
      sequenceNum: ++this.sequenceNum,
      capabilities: this.capabilities,
      flags: 0n,
    };
    if (this.needsFullState) {
      this.needsFullState = false;
      const full: AgentToServer = { ...message, ...this.fullState() };
      // A config that came with the full-state request is reported in the full state, as a real agent would.
      if (this.configStatus) full.remoteConfigStatus = this.appliedStatus();
      return full;
    }
    if (this.configStatus) {
      message.remoteConfigStatus = this.appliedStatus();
      return message;
    }
    if (this.statusEvery > 0 && (this.messages + this.statusPhase) % this.statusEvery === 0) {
      this.healthy = !this.healthy;
      message.health = this.health();
    }
    return message;
  }

  /** APPLIED for the config received last; it is reported once. */
  private appliedStatus(): NonNullable<AgentToServer['remoteConfigStatus']> {
    const hash = this.configStatus?.hash ?? Buffer.alloc(0);
    this.configStatus = undefined;
    return {
      lastRemoteConfigHash: hash,
      status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
      errorMessage: '',
    };
  }

  /** A message that changes only the health (a status report). */
  healthChange(): Uint8Array {
    this.messages++;
    this.healthy = !this.healthy;
    return AgentToServer.encode({
      instanceUid: this.uid,
      sequenceNum: ++this.sequenceNum,
      capabilities: this.capabilities,
      flags: 0n,
      health: this.health(),
    }).finish();
  }

  /** The last message: `agent_disconnect` (with a healthy status for Odigos agents, as they send it). */
  disconnect(): Uint8Array {
    const message: AgentToServer = {
      instanceUid: this.uid,
      sequenceNum: ++this.sequenceNum,
      capabilities: this.capabilities,
      flags: 0n,
      agentDisconnect: {},
    };
    if (this.flavor === 'odigos') {
      this.healthy = true;
      message.health = this.health();
    }
    return AgentToServer.encode(message).finish();
  }

  /** Handles a reply: full-state requests, remote configs, errors. */
  onReply(reply: ServerToAgent): void {
    if (!reply.instanceUid.equals(this.uid)) this.counters.wrongUid++;
    if (reply.errorResponse) {
      this.counters.errorReplies++;
      return;
    }
    if ((reply.flags & REPORT_FULL_STATE) !== 0n) {
      if (this.messages > 1) this.counters.fullStateRequests++;
      this.needsFullState = true;
    }
    if (reply.remoteConfig) {
      this.counters.remoteConfigs++;
      this.configReceivedAt = performance.now();
      this.configStatus = { hash: reply.remoteConfig.configHash };
    }
  }

  /** Decodes and handles one reply body. */
  onReplyBytes(bytes: Uint8Array): ServerToAgent {
    const reply = ServerToAgent.decode(bytes);
    this.onReply(reply);
    return reply;
  }

  private fullState(): Partial<AgentToServer> {
    const health = this.health();
    if (this.flavor === 'odigos') return { agentDescription: this.odigosDescription(), health };
    return {
      agentDescription: this.collectorDescription(),
      health,
      effectiveConfig: {
        configMap: { configMap: { 'collector.yaml': { body: EFFECTIVE_CONFIG, contentType: 'text/yaml' } } },
      },
      remoteConfigStatus: {
        lastRemoteConfigHash: Buffer.alloc(0),
        status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET,
        errorMessage: '',
      },
    };
  }

  private collectorDescription(): AgentDescription {
    return {
      identifyingAttributes: [
        str('service.name', 'otelcol-contrib'),
        str('service.instance.id', this.uid.toString('hex')),
        str('service.version', '0.130.0'),
      ],
      nonIdentifyingAttributes: [
        str('host.name', `node-${this.index % 50}`),
        str('os.type', 'linux'),
        str('os.description', 'Debian GNU/Linux 12 (bookworm)'),
        str('host.arch', 'amd64'),
        str('deployment.environment', 'bench'),
      ],
    };
  }

  private odigosDescription(): AgentDescription {
    return {
      identifyingAttributes: [
        str('telemetry.sdk.language', 'nodejs'),
        str('k8s.namespace.name', ODIGOS_LAYOUT.namespace),
        str('k8s.pod.name', odigosPodName(this.index)),
        str('k8s.container.name', ODIGOS_LAYOUT.container),
        int('process.vpid', 1000 + (this.index % ODIGOS_LAYOUT.perPod)),
        str('service.instance.id', this.uid.toString()),
      ],
      nonIdentifyingAttributes: [str('os.type', 'linux'), str('process.runtime.version', '20.19.0')],
    };
  }

  private health(): ComponentHealth {
    const now = BigInt(Date.now()) * 1_000_000n;
    const component = (status: string): ComponentHealth => ({
      healthy: true,
      startTimeUnixNano: now,
      lastError: '',
      status,
      statusTimeUnixNano: now,
      componentHealthMap: {},
      attributes: [],
    });
    if (this.flavor === 'odigos') {
      return {
        ...component(this.healthy ? 'Healthy' : 'Degraded'),
        healthy: true,
        lastError: this.healthy ? '' : 'exporter queue is full',
      };
    }
    return {
      ...component(this.healthy ? 'StatusOK' : 'StatusRecoverableError'),
      healthy: true,
      componentHealthMap: {
        'receiver:otlp': component('StatusOK'),
        'processor:batch': component('StatusOK'),
        'exporter:otlphttp': component(this.healthy ? 'StatusOK' : 'StatusRecoverableError'),
      },
    };
  }
}
