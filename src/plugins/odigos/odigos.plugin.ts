import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../generated/opamp/v1/anyvalue.js';
import { InjectServerConfig, type ServerConfig } from '../../modules/config/index.js';
import {
  AgentEnricher,
  InstrumentationConfigCache,
  instrumentationConfigName,
  type ContainerAgentConfig,
} from '../../modules/enrichment/index.js';
import { AgentNotIdentifiedError } from '../../modules/protocol/index.js';
import {
  AgentRegistry,
  OpampServer,
  type AgentIdentity,
  type AgentSession,
} from '../../modules/session/index.js';
import { OpampPlugin } from '../opamp-plugin.decorator.js';
import {
  type AuthorizeDecision,
  type ConnectionRequest,
  type MessageContext,
  type OpampPluginHooks,
} from '../opamp-plugin.interface.js';
import { missingOdigosAttributes, readOdigosAttributes } from './odigos-agent-attributes.js';
import { toAgentError } from './odigos-errors.js';
import { odigosIdentity, type OdigosAgent } from './odigos-location.js';
import { buildOdigosRemoteConfig } from './odigos-remote-config.js';
import { ODIGOS_PLUGIN_NAME } from './odigos.constants.js';

/**
 * The Odigos conventions (odigos.md §6): agents identified by their kubelet device id
 * (`X-Odigos-DeviceId`) or by the Kubernetes attributes they report, placed in their pod and workload,
 * given `container_config` from their workload's InstrumentationConfig in the first reply (and again
 * whenever it changes), and described to the persistence layer for the InstrumentationInstance record.
 */
@OpampPlugin({ name: ODIGOS_PLUGIN_NAME, order: 20 })
@Injectable()
export class OdigosPlugin implements OpampPluginHooks, OnModuleInit {
  private readonly logger = new Logger(OdigosPlugin.name);
  private readonly agents = new WeakMap<AgentSession, OdigosAgent>();

  constructor(
    private readonly enricher: AgentEnricher,
    private readonly instrumentationConfigs: InstrumentationConfigCache,
    private readonly registry: AgentRegistry,
    private readonly server: OpampServer,
    @InjectServerConfig() private readonly config: ServerConfig,
  ) {}

  onModuleInit(): void {
    this.instrumentationConfigs.onChange(
      (namespace, name) => void this.instrumentationConfigChanged(namespace, name),
    );
  }

  authorize(request: ConnectionRequest): AuthorizeDecision | undefined {
    if (this.config.plugins.odigosIdentity !== 'device-id' || this.deviceIdOf(request)) return undefined;
    const header = this.config.kubernetes.deviceIdHeader;
    return {
      accept: false,
      status: 401,
      reason: `missing ${header} header: Odigos agents send the id of their kubelet instrumentation device`,
    };
  }

  async identify({ session, connection }: MessageContext): Promise<AgentIdentity | undefined> {
    const description = session.status.description;
    const reported = description ? readOdigosAttributes(description) : {};
    const deviceId =
      this.config.plugins.odigosIdentity === 'attributes' ? undefined : this.deviceIdOf(connection);
    if (!deviceId && !description) return undefined;
    if (!deviceId) {
      const missing = missingOdigosAttributes(reported);
      if (missing.length > 0) {
        throw new AgentNotIdentifiedError(`the agent description lacks ${missing.join(', ')}`);
      }
    }
    let agent: OdigosAgent;
    try {
      const location = deviceId
        ? await this.enricher.locateDevice(deviceId)
        : await this.enricher.locate({
            namespace: reported.namespace!,
            podName: reported.podName!,
            containerName: reported.containerName!,
          });
      agent = { location, deviceId, language: reported.language, processId: reported.processId };
    } catch (error) {
      throw toAgentError(error);
    }
    this.agents.set(session, agent);
    return odigosIdentity(agent);
  }

  resourceAttributes(session: AgentSession): KeyValue[] | undefined {
    return this.agents.get(session)?.location.resourceAttributes;
  }

  remoteConfig(session: AgentSession): AgentRemoteConfig | undefined {
    const agent = this.agents.get(session);
    if (!agent) return undefined;
    return buildOdigosRemoteConfig({
      containerConfig: this.containerConfigOf(agent),
      sdkResourceAttributes: agent.deviceId ? agent.location.resourceAttributes : undefined,
    });
  }

  /** A device-id agent may describe itself after it was identified: its process id completes the identity. */
  onStatusChange(session: AgentSession): void {
    const agent = this.agents.get(session);
    if (!agent?.deviceId || agent.processId !== undefined || !session.status.description) return;
    const { processId, language } = readOdigosAttributes(session.status.description);
    if (processId === undefined) return;
    const completed = { ...agent, processId, language: agent.language ?? language };
    this.agents.set(session, completed);
    session.identity = odigosIdentity(completed);
  }

  /** The container's entry of its workload's InstrumentationConfig, read fresh from the watched cache. */
  private containerConfigOf(agent: OdigosAgent): ContainerAgentConfig {
    const { pod, workload, containerName } = agent.location;
    const config = this.instrumentationConfigs.get(pod.namespace, instrumentationConfigName(workload));
    const entry = config?.containers.find((container) => container.containerName === containerName);
    if (entry) return entry;
    // odiglet answers 500 here; an explicit "not enabled" lets the agent start with its signals off.
    return {
      containerName,
      agentEnabled: false,
      agentEnabledReason: config ? 'ContainerNotInInstrumentationConfig' : 'NoInstrumentationConfig',
      agentEnabledMessage: config
        ? `container ${containerName} is not listed in InstrumentationConfig ${config.name}`
        : `no InstrumentationConfig ${instrumentationConfigName(workload)} in namespace ${pod.namespace}`,
    };
  }

  private async instrumentationConfigChanged(namespace: string, name: string): Promise<void> {
    const affected = this.registry.list().filter((session) => {
      const agent = this.agents.get(session);
      return (
        agent !== undefined &&
        agent.location.pod.namespace === namespace &&
        instrumentationConfigName(agent.location.workload) === name
      );
    });
    for (const session of affected) {
      try {
        await this.server.refreshRemoteConfig(session);
      } catch (error) {
        this.logger.warn(
          { agent: session.displayId, err: (error as Error).message },
          'could not push new config',
        );
      }
    }
    if (affected.length > 0) {
      this.logger.log(
        { namespace, name, agents: affected.length },
        'InstrumentationConfig changed; config re-offered',
      );
    }
  }

  private deviceIdOf(request: ConnectionRequest): string | undefined {
    const value = request.headers[this.config.kubernetes.deviceIdHeader];
    const id = Array.isArray(value) ? value[0] : value;
    return id?.trim() || undefined;
  }
}
