import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type AgentRemoteConfig } from '../../generated/opamp/v1/opamp.js';
import {
  AgentNotIdentifiedError,
  type AgentIdentity,
  type AgentRecordMapping,
  type AgentUpdate,
  type AgentView,
  type AuthorizeDecision,
  type ConnectionRequest,
  type MessageContext,
  OpampAgents,
  OpampPlugin,
  type OpampPluginHooks,
  type ResourceAttributesAnswer,
} from '../../index.js';
import {
  type ContainerAgentConfig,
  instrumentationConfigName,
} from './instrumentation-config/instrumentation-config.js';
import { InstrumentationConfigCache } from './instrumentation-config/instrumentation-config.cache.js';
import { InstrumentationInstanceMapping } from './instrumentation-instance/instrumentation-instance.record-mapping.js';
import {
  type InstrumentationInstanceLocation,
  type InstrumentationInstanceRecord,
} from './instrumentation-instance/instrumentation-instance.record.js';
import { missingOdigosAttributes, readOdigosAttributes } from './odigos-agent-attributes.js';
import { toAgentError } from './odigos-errors.js';
import { type OdigosAgent, odigosIdentity } from './odigos-identity.js';
import { InjectOdigosPluginOptions, type OdigosPluginOptions } from './odigos-plugin.options.js';
import { type OdigosPlacement, OdigosPlacementService } from './odigos-placement.service.js';
import { buildOdigosRemoteConfig } from './odigos-remote-config.js';
import { ODIGOS_PLUGIN_NAME } from './odigos.constants.js';

/** An agent the plugin placed, as the workloads route lists it. */
export interface PlacedOdigosAgent {
  readonly view: AgentView;
  readonly agent: OdigosAgent;
  /** The InstrumentationInstance last written for it; undefined until its first write. */
  readonly record?: InstrumentationInstanceRecord;
}

interface PlacedAgent {
  readonly agent: OdigosAgent;
  readonly placement: OdigosPlacement;
  /** Where its InstrumentationInstance belongs (read on every record write, so built once). */
  readonly location: InstrumentationInstanceLocation;
}

function instanceLocationOf(agent: OdigosAgent): InstrumentationInstanceLocation {
  return {
    namespace: agent.namespace,
    podName: agent.podName,
    containerName: agent.containerName,
    ...(agent.podUid !== undefined ? { podUid: agent.podUid } : {}),
    ...(agent.processId !== undefined ? { processId: agent.processId } : {}),
    workload: agent.workload,
  };
}

/**
 * The Odigos conventions: agents identified by their kubelet device id (`X-Odigos-DeviceId`) or by the
 * Kubernetes attributes they report, placed in their pod and workload, given `container_config` from their
 * workload's InstrumentationConfig in the first reply (and again whenever it changes), and persisted as
 * InstrumentationInstance objects through the server's record writer. See `docs/odigos.md`.
 */
@OpampPlugin({ name: ODIGOS_PLUGIN_NAME, order: 20 })
@Injectable()
export class OdigosPlugin implements OpampPluginHooks, OnModuleInit {
  private readonly logger = new Logger(OdigosPlugin.name);
  private readonly placed = new WeakMap<AgentView, PlacedAgent>();
  /** Remote configs of attribute-identified agents by container entry (entries are replaced, never changed, on an update). */
  private readonly sharedRemoteConfigs = new WeakMap<ContainerAgentConfig, AgentRemoteConfig>();
  private readonly records = new InstrumentationInstanceMapping((agent) => this.locationOf(agent));

  constructor(
    private readonly placement: OdigosPlacementService,
    private readonly instrumentationConfigs: InstrumentationConfigCache,
    private readonly agents: OpampAgents,
    @InjectOdigosPluginOptions() private readonly options: OdigosPluginOptions,
  ) {}

  onModuleInit(): void {
    this.instrumentationConfigs.onChange(
      (namespace, name) => void this.instrumentationConfigChanged(namespace, name),
    );
  }

  authorize(request: ConnectionRequest): AuthorizeDecision | undefined {
    if (this.options.identity !== 'device-id' || this.deviceIdOf(request)) return undefined;
    return {
      accept: false,
      status: 401,
      reason: `missing ${this.options.deviceIdHeader} header: Odigos agents send the id of their kubelet instrumentation device`,
    };
  }

  async identify({ agent, connection }: MessageContext): Promise<AgentIdentity | undefined> {
    const description = agent.status.description;
    const reported = description ? readOdigosAttributes(description) : {};
    const deviceId = this.options.identity === 'attributes' ? undefined : this.deviceIdOf(connection);
    if (!deviceId && !description) return undefined;
    if (!deviceId) {
      const missing = missingOdigosAttributes(reported);
      if (missing.length > 0) {
        throw new AgentNotIdentifiedError(`the agent description lacks ${missing.join(', ')}`);
      }
    }
    let placement: OdigosPlacement;
    try {
      placement = deviceId
        ? await this.placement.placeDevice(deviceId)
        : await this.placement.place({
            namespace: reported.namespace!,
            podName: reported.podName!,
            containerName: reported.containerName!,
          });
    } catch (error) {
      throw toAgentError(error);
    }
    const odigosAgent: OdigosAgent = {
      namespace: placement.pod.namespace,
      podName: placement.pod.name,
      podUid: placement.pod.uid,
      containerName: placement.containerName,
      nodeName: placement.nodeName,
      workload: { kind: placement.workload.kind, name: placement.workload.name },
      deviceId,
      language: reported.language,
      processId: reported.processId,
    };
    this.placed.set(agent, { agent: odigosAgent, placement, location: instanceLocationOf(odigosAgent) });
    return odigosIdentity(odigosAgent);
  }

  /** Device-id agents read them from the `SDK` section of the remote config, so the plugin delivers them. */
  resourceAttributes(agent: AgentView): ResourceAttributesAnswer | undefined {
    const placed = this.placed.get(agent);
    if (!placed) return undefined;
    return { attributes: placed.placement.resourceAttributes, configFile: false };
  }

  remoteConfig(agent: AgentView): AgentRemoteConfig | undefined {
    const placed = this.placed.get(agent);
    if (!placed) return undefined;
    const containerConfig = this.containerConfigOf(placed.placement);
    if (placed.agent.deviceId) {
      return buildOdigosRemoteConfig({
        containerConfig,
        sdkResourceAttributes: placed.placement.resourceAttributes,
      });
    }
    // Every process of a container gets the same config: built (JSON and SHA-256) once per container entry.
    let config = this.sharedRemoteConfigs.get(containerConfig);
    if (!config) {
      config = buildOdigosRemoteConfig({ containerConfig });
      this.sharedRemoteConfigs.set(containerConfig, config);
    }
    return config;
  }

  /** A device-id agent may describe itself after it was identified: its process id completes the identity. */
  onStatusChange(agent: AgentView): AgentUpdate | undefined {
    const placed = this.placed.get(agent);
    if (!placed?.agent.deviceId || placed.agent.processId !== undefined || !agent.status.description) {
      return undefined;
    }
    const { processId, language } = readOdigosAttributes(agent.status.description);
    if (processId === undefined) return undefined;
    const completed = { ...placed.agent, processId, language: placed.agent.language ?? language };
    this.placed.set(agent, { ...placed, agent: completed, location: instanceLocationOf(completed) });
    return { identity: odigosIdentity(completed) };
  }

  /** The agents this plugin placed, each with where it runs and the InstrumentationInstance last written for it. */
  placedAgents(): PlacedOdigosAgent[] {
    const agents: PlacedOdigosAgent[] = [];
    for (const view of this.agents.list()) {
      const placed = this.placed.get(view);
      if (!placed) continue;
      const record = this.records.lastRecordOf(view);
      agents.push({ view, agent: placed.agent, ...(record ? { record } : {}) });
    }
    return agents;
  }

  /** Agents are persisted as InstrumentationInstances. */
  recordMapping(): AgentRecordMapping {
    return this.records as AgentRecordMapping<object> as AgentRecordMapping;
  }

  private locationOf(agent: AgentView): InstrumentationInstanceLocation | undefined {
    return this.placed.get(agent)?.location;
  }

  /** The container's entry of its workload's InstrumentationConfig, read fresh from the watched cache. */
  private containerConfigOf(placement: OdigosPlacement): ContainerAgentConfig {
    const { pod, workload, containerName } = placement;
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
    const affected = this.agents.list().filter((agent) => {
      const placed = this.placed.get(agent)?.agent;
      return (
        placed !== undefined &&
        placed.namespace === namespace &&
        instrumentationConfigName(placed.workload) === name
      );
    });
    for (const agent of affected) {
      try {
        await this.agents.refreshRemoteConfig(agent);
      } catch (error) {
        this.logger.warn(
          { agent: agent.displayId, err: (error as Error).message },
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
    const value = request.headers[this.options.deviceIdHeader];
    const id = Array.isArray(value) ? value[0] : value;
    return id?.trim() || undefined;
  }
}
