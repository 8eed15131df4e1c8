import { type RawData } from 'ws';
import {
  AgentCapabilities,
  RemoteConfigStatuses,
  ServerToAgent,
  type ComponentHealth,
} from '../../../src/generated/opamp/v1/opamp.js';
import { bitmask, formatInstanceUid } from '../../../src/modules/protocol/index.js';
import { postMessage } from '../../support/http-agent.js';
import { attr, randomUid } from '../../support/opamp-messages.js';
import { WsTestAgent } from '../../support/ws-agent.js';

/** What one simulated agent says about itself. */
export interface SimulatedAgentSpec {
  service: string;
  namespace: string;
  node: string;
  healthy: boolean;
}

const CAPABILITIES = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig,
  AgentCapabilities.AgentCapabilities_AcceptsRestartCommand,
  AgentCapabilities.AgentCapabilities_ReportsHealth,
);

function healthOf(spec: SimulatedAgentSpec): ComponentHealth {
  const component = (healthy: boolean, status: string): ComponentHealth => ({
    healthy,
    status,
    lastError: healthy ? '' : 'exporter otlp: connection refused',
    startTimeUnixNano: 1_700_000_000_000_000_000n,
    statusTimeUnixNano: 1_700_000_100_000_000_000n,
    attributes: [],
    componentHealthMap: {},
  });
  return {
    ...component(spec.healthy, spec.healthy ? 'running' : 'degraded'),
    componentHealthMap: {
      'receiver:otlp': component(true, 'running'),
      'exporter:otlp': component(spec.healthy, spec.healthy ? 'running' : 'failing'),
    },
  };
}

const description = (spec: SimulatedAgentSpec) => ({
  identifyingAttributes: [attr('service.name', spec.service), attr('k8s.namespace.name', spec.namespace)],
  nonIdentifyingAttributes: [attr('k8s.node.name', spec.node), attr('os.type', 'linux')],
});

/**
 * A WebSocket agent that behaves like a collector: reports its description and health, applies every remote
 * config it is sent (reporting APPLIED and the new effective config) and records the commands it gets.
 */
export class SimulatedWsAgent {
  readonly uid = randomUid();
  readonly id = formatInstanceUid(this.uid);
  readonly commands: number[] = [];
  readonly appliedConfigs: string[] = [];
  private sequenceNum = 0n;

  private constructor(
    private readonly agent: WsTestAgent,
    readonly spec: SimulatedAgentSpec,
  ) {
    agent.socket.on('message', (data: RawData) => this.onMessage(Buffer.from(data as Buffer)));
  }

  static async connect(url: string, spec: SimulatedAgentSpec): Promise<SimulatedWsAgent> {
    const simulated = new SimulatedWsAgent(await WsTestAgent.connect(url), spec);
    await simulated.agent.request({
      instanceUid: simulated.uid,
      sequenceNum: 0n,
      capabilities: CAPABILITIES,
      agentDescription: description(spec),
      health: healthOf(spec),
      remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(0), status: 0, errorMessage: '' },
      effectiveConfig: { configMap: { configMap: {} } },
    });
    return simulated;
  }

  close(): void {
    this.agent.close();
  }

  private onMessage(frame: Buffer): void {
    const message = ServerToAgent.decode(frame.subarray(1));
    if (message.command) this.commands.push(message.command.type);
    const remote = message.remoteConfig;
    if (remote?.config) {
      const files = remote.config.configMap;
      this.appliedConfigs.push(
        Object.values(files)
          .map((file) => file.body.toString())
          .join('\n'),
      );
      this.agent.send({
        instanceUid: this.uid,
        sequenceNum: ++this.sequenceNum,
        capabilities: CAPABILITIES,
        remoteConfigStatus: {
          lastRemoteConfigHash: remote.configHash,
          status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
          errorMessage: '',
        },
        effectiveConfig: { configMap: { configMap: files } },
      });
    }
  }
}

/** Registers an HTTP agent with one poll (it stays known until STALE_AFTER_S). */
export async function registerHttpAgent(opampUrl: string, spec: SimulatedAgentSpec): Promise<string> {
  const uid = randomUid();
  const exchange = await postMessage(opampUrl, {
    instanceUid: uid,
    capabilities: CAPABILITIES,
    agentDescription: description(spec),
    health: healthOf(spec),
  });
  if (exchange.status !== 200) throw new Error(`the HTTP agent's poll answered ${exchange.status}`);
  return formatInstanceUid(uid);
}
