import { z } from 'zod';
import {
  packageAssignmentResponseSchema,
  packageFileResponseSchema,
  packageListResponseSchema,
  packageResponseSchema,
  packageRolloutResponseSchema,
} from '../../packages/index.js';
import { named } from './admin-schema.registry.js';

// The bodies the admin API answers with, as zod schemas: the OpenAPI document's components (and so the
// typed client's types) are generated from them, and the e2e tests parse real answers with them.

const anyJson = z.unknown().describe('any JSON value');
const attributes = z.record(z.string(), anyJson).describe('attribute key to value');
const hexHash = z.string().nullable().describe('lower-case hex; null when empty');

/** A node server that gave the hub no usable answer (hub only, `MODE=hub`; docs/hub.md). */
export const missingNodeSchema = named(
  'MissingNode',
  z.object({
    node: z.string().describe('the node whose server did not answer'),
    reason: z
      .enum(['timeout', 'error', 'unreachable'])
      .describe('no answer in time; an error status or an answer off the contract; no connection'),
    detail: z.string(),
  }),
);

/** `partial` and `missingNodes` of an answer the hub builds from several node servers. */
const hubMarks = {
  partial: z
    .boolean()
    .optional()
    .describe('hub only: some node servers did not answer, and their part is missing (see missingNodes)'),
  missingNodes: z
    .array(missingNodeSchema)
    .optional()
    .describe('hub only: the node servers that did not answer; empty when partial is false'),
};
/** The node server that holds the agent, on the hub's answers about one agent. */
const hubNode = z
  .string()
  .optional()
  .describe('hub only: the node server that holds the agent (its EndpointSlice nodeName)');

/** The body of every error answer (4xx, 5xx). */
export const apiErrorSchema = named(
  'ApiError',
  z.object({
    statusCode: z.number().int(),
    error: z.string().optional().describe('the HTTP reason phrase (absent when Fastify refuses the body)'),
    message: z.union([z.string(), z.array(z.string())]).describe('what went wrong and what to do'),
    problems: z.array(z.string()).optional().describe('every problem of an invalid body or query'),
    capability: z.string().optional().describe('the capability the agent lacks (409)'),
    missingNodes: z
      .array(missingNodeSchema)
      .optional()
      .describe('hub only (502, 503, 504): the node servers that did not answer'),
  }),
);

const rolloutState = z.enum(['none', 'unsupported', 'pending', 'applying', 'applied', 'failed']);

/** Where an agent's remote config comes from and how far it got. */
export const remoteConfigSummarySchema = named(
  'RemoteConfigSummary',
  z.object({
    source: z.enum(['fleet', 'plugin', 'none']),
    config: z.string().nullable().describe('the config of the deciding assignment'),
    state: rolloutState,
    hash: hexHash.describe('hash of the remote config offered to the agent'),
  }),
);

/** Where an agent runs and what it is: from its resource attributes, else its reported attributes. */
const placement = {
  serviceName: z.string().nullable().describe('service.name'),
  node: z.string().nullable().describe('k8s.node.name'),
  namespace: z.string().nullable().describe('k8s.namespace.name'),
  workload: z
    .string()
    .nullable()
    .describe('name of the Deployment, StatefulSet, DaemonSet, ... (k8s.<kind>.name)'),
  workloadKind: z.string().nullable().describe('deployment, statefulset, daemonset, cronjob, job, rollout'),
};

/** One line of the agents list (and of live events). */
export const agentSummarySchema = named(
  'AgentSummary',
  z.object({
    id: z.string().describe('display form of the instance uid'),
    transport: z.enum(['http', 'websocket']),
    connected: z.boolean(),
    health: z.enum(['healthy', 'unhealthy', 'unknown']),
    ...placement,
    identifyingAttributes: attributes,
    labels: z.record(z.string(), z.string()).describe('identity labels'),
    lastSeen: z.iso.datetime(),
    remoteConfig: remoteConfigSummarySchema,
  }),
);

/** `GET /api/v1/agents`. */
export const agentListSchema = named(
  'AgentList',
  z.object({
    items: z.array(agentSummarySchema),
    total: z.number().int().describe('agents matching the filters, over all pages'),
    nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
    ...hubMarks,
  }),
);

/** A file of a config, as the API shows it. */
export const configFileSchema = named(
  'ConfigFile',
  z.object({
    contentType: z.string(),
    encoding: z.enum(['utf8', 'base64']).describe('utf8 for printable text, base64 otherwise'),
    body: z.string(),
  }),
);
const configFiles = z.record(z.string(), configFileSchema).describe('file name to file');

/** A component health tree (OpAMP ComponentHealth). */
export const componentHealthSchema = named(
  'ComponentHealth',
  z.object({
    healthy: z.boolean(),
    status: z.string(),
    lastError: z.string(),
    startTime: z.string().nullable(),
    statusTime: z.string().nullable(),
    attributes,
    get components(): z.ZodRecord<z.ZodString, typeof componentHealthSchema> {
      return z.record(z.string(), componentHealthSchema);
    },
  }),
);

/** An assignment of a config: to one agent or to the agents a selector matches. */
export const configAssignmentSchema = named(
  'ConfigAssignment',
  z.object({
    config: z.string(),
    name: z.string(),
    agent: z.string().optional().describe('the agent id, for a per-agent assignment'),
    selector: z.record(z.string(), z.string()).optional().describe('attribute key to value'),
  }),
);

/** What an agent reported about a package (PackageStatus). */
const packageStatusSchema = z.object({
  agentHasVersion: z.string(),
  agentHasHash: hexHash,
  serverOfferedVersion: z.string(),
  serverOfferedHash: hexHash,
  status: z.string().describe('Installed, InstallPending, Installing, InstallFailed, Downloading'),
  errorMessage: z.string(),
  downloadPercent: z.number().nullable(),
});

/** `GET /api/v1/agents/{id}`. */
export const agentDetailSchema = named(
  'AgentDetail',
  z.object({
    id: z.string(),
    instanceUid: z.string().describe('hex'),
    ...placement,
    transport: z.enum(['http', 'websocket']),
    connection: z.object({
      id: z.string().nullable(),
      remoteAddress: z.string().nullable(),
      open: z.boolean(),
    }),
    firstSeen: z.iso.datetime(),
    lastSeen: z.iso.datetime(),
    messageCount: z.number().int(),
    sequenceNum: z.union([z.number(), z.string()]).nullable(),
    identity: z
      .object({
        provider: z.string(),
        key: z.string(),
        labels: z.record(z.string(), z.string()),
        attributes,
      })
      .nullable(),
    description: z.object({ identifyingAttributes: attributes, nonIdentifyingAttributes: attributes }),
    resourceAttributes: attributes,
    capabilities: z.array(z.string()).describe('AgentCapabilities names the agent reported'),
    effectiveCapabilities: z.array(z.string()),
    customCapabilities: z.array(z.string()),
    acceptsRestart: z.boolean(),
    health: componentHealthSchema.nullable(),
    effectiveConfig: z.object({ files: configFiles }).nullable().describe('what the agent runs'),
    remoteConfig: remoteConfigSummarySchema.extend({
      assignment: configAssignmentSchema.nullable(),
      files: configFiles.nullable().describe('the remote config offered to the agent'),
      reported: z
        .object({ status: z.string(), hash: hexHash, errorMessage: z.string() })
        .nullable()
        .describe('the agent’s last RemoteConfigStatus'),
    }),
    connectionSettings: z
      .object({
        status: z.string().nullable(),
        hash: hexHash,
        errorMessage: z.string(),
        offeredHash: hexHash,
      })
      .nullable(),
    packages: z
      .object({
        serverProvidedAllPackagesHash: hexHash,
        errorMessage: z.string(),
        packages: z.record(z.string(), packageStatusSchema),
      })
      .nullable(),
    pending: z.array(z.string()).describe('status fields the server asked for and has not received'),
  }),
);

/** `PUT /api/v1/agents/{id}/config`. */
export const agentConfigResultSchema = named(
  'AgentConfigResult',
  z.object({
    agent: z.string(),
    assignment: configAssignmentSchema,
    remoteConfig: remoteConfigSummarySchema,
    node: hubNode,
  }),
);

/** `POST /api/v1/agents/{id}/restart`. */
export const restartResultSchema = named(
  'RestartResult',
  z.object({
    agent: z.string(),
    command: z.literal('restart'),
    delivery: z.enum(['sent', 'queued']).describe('sent over WebSocket, or queued for the next HTTP poll'),
    node: hubNode,
  }),
);

/** How a config's rollout goes over the connected agents. */
export const configRolloutSchema = named(
  'ConfigRollout',
  z.object({
    agents: z.number().int(),
    unsupported: z.number().int(),
    pending: z.number().int(),
    applying: z.number().int(),
    applied: z.number().int(),
    failed: z.number().int(),
    failedAgents: z.array(z.string()).describe('ids of agents that reported a failure, at most 20'),
  }),
);

/** A config in a list: its file names, assignments and rollout. */
export const configSummarySchema = named(
  'ConfigSummary',
  z.object({
    name: z.string(),
    hash: hexHash,
    updatedAt: z.string(),
    files: z.array(z.string()).describe('file names'),
    assignments: z.array(configAssignmentSchema),
    rollout: configRolloutSchema,
  }),
);

/** `GET /api/v1/configs`. */
export const configListSchema = named(
  'ConfigList',
  z.object({
    store: z.string().describe('memory or kubernetes'),
    items: z.array(configSummarySchema),
    ...hubMarks,
  }),
);

/** `GET /api/v1/configs/{name}`: the summary with the files' content. */
export const configDetailSchema = named(
  'ConfigDetail',
  configSummarySchema.extend({ files: configFiles, ...hubMarks }),
);

/** `GET /api/v1/configs/{name}/assignments`. */
export const configAssignmentListSchema = named(
  'ConfigAssignmentList',
  z.object({ items: z.array(configAssignmentSchema) }),
);

/** `PUT /api/v1/configs/{name}/assignments/{assignment}`: the assignment and the config's rollout. */
export const configAssignmentResultSchema = named(
  'ConfigAssignmentResult',
  configAssignmentSchema.extend({ rollout: configRolloutSchema }),
);

const endpointSettings = z.object({ endpoint: z.string(), headers: z.record(z.string(), z.string()) });

/** A connection offer. */
export const connectionOfferSchema = named(
  'ConnectionOffer',
  z.object({
    name: z.string(),
    target: z.object({
      agent: z.string().optional(),
      selector: z.record(z.string(), z.string()).optional(),
    }),
    opamp: endpointSettings.optional(),
    otherConnections: z.record(z.string(), endpointSettings).optional(),
    updatedAt: z.iso.datetime(),
  }),
);

/** `GET /api/v1/connection-offers`. */
export const connectionOfferListSchema = named(
  'ConnectionOfferList',
  z.object({ items: z.array(connectionOfferSchema) }),
);

const counts = z.record(z.string(), z.number().int());

/** `GET /api/v1/summary`: the connected agents counted several ways. */
export const fleetSummarySchema = named(
  'FleetSummary',
  z.object({
    total: z.number().int(),
    byHealth: z.object({ healthy: z.number().int(), unhealthy: z.number().int(), unknown: z.number().int() }),
    byTransport: z.object({ http: z.number().int(), websocket: z.number().int() }),
    byConfigState: z.object({
      none: z.number().int(),
      unsupported: z.number().int(),
      pending: z.number().int(),
      applying: z.number().int(),
      applied: z.number().int(),
      failed: z.number().int(),
    }),
    byNode: counts.describe('k8s.node.name to agents; agents without one are counted in unplaced'),
    byNamespace: counts.describe('k8s.namespace.name to agents'),
    unplaced: z.number().int().describe('agents without k8s.node.name'),
    nodes: z
      .object({ total: z.number().int(), answered: z.number().int() })
      .optional()
      .describe('hub only: the node servers known, and those whose counts are summed'),
    ...hubMarks,
  }),
);

/** `GET /api/v1/server`: which server answers. */
export const serverInfoSchema = named(
  'ServerInfo',
  z.object({
    name: z.literal('opamp-nest'),
    version: z.string().describe('the opamp-nest package version'),
    commit: z.string().nullable().describe('OPAMP_BUILD_COMMIT, when the image sets it'),
    nodeVersion: z.string().describe('the Node.js version'),
    hostname: z.string(),
    nodeName: z.string().describe('NODE_NAME (set by the DaemonSet from spec.nodeName), else the host name'),
    nodeLocal: z.boolean().describe('whether NODE_NAME is set: this server serves one node’s agents'),
    podNamespace: z.string().nullable().describe('POD_NAMESPACE'),
    startedAt: z.iso.datetime(),
    uptimeS: z.number().int(),
    agents: z.number().int().describe('agents with a session on this server'),
    configStore: z.string().describe('memory or kubernetes'),
    plugins: z.array(z.object({ name: z.string(), order: z.number() })).describe('in the order they run'),
    mode: z
      .literal('hub')
      .optional()
      .describe('hub only: `hub` (MODE=hub); absent on a node server, which serves its own agents'),
    nodes: z
      .object({
        known: z.number().int().describe('node servers the EndpointSlices list'),
        answering: z.number().int().describe('those that answered GET /api/v1/server just now'),
      })
      .optional()
      .describe('hub only: the node servers; agents is the sum of the answering ones'),
    ...hubMarks,
  }),
);

const eventNode = z.string().optional().describe('hub only: the node server whose stream carried the event');

/** One event of `GET /api/v1/events` (the `data:` line; the `event:` line repeats `type`). */
export const liveEventSchema = named(
  'LiveEvent',
  z.union([
    z.object({
      type: z.enum(['agent.connected', 'agent.updated', 'agent.disconnected']),
      agent: agentSummarySchema,
      node: eventNode,
    }),
    z.object({
      type: z.literal('config.changed'),
      configs: z.array(z.string()).describe('config names'),
      node: eventNode,
    }),
    z.object({
      type: z
        .enum(['node.connected', 'node.disconnected'])
        .describe(
          'hub only: the stream of a node server opened (reload what it holds: events in between are lost) ' +
            'or closed (it is retried with backoff while the node is listed)',
        ),
      node: z.string().describe('the node of the node server'),
      detail: z.string().optional().describe('why it closed'),
    }),
  ]),
);

/** `POST /api/v1/configs/preview`: the agents a selector reaches. */
export const selectorPreviewSchema = named(
  'SelectorPreview',
  z.object({
    total: z.number().int().describe('connected agents the selector matches'),
    items: z.array(agentSummarySchema).describe('the first of them, in id order'),
    ...hubMarks,
  }),
);

/** One node server as the hub sees it (hub only: `GET /api/v1/nodes`). */
export const nodeServerSchema = named(
  'NodeServer',
  z.object({
    node: z.string().describe('the node it serves (the EndpointSlice endpoint’s nodeName)'),
    address: z.string().describe('its pod’s address'),
    pod: z.string().nullable(),
    endpointReady: z.boolean().describe('the EndpointSlice’s ready condition'),
    health: z.enum(['ready', 'unready', 'unknown']).describe('its /readyz: 200, another answer, no answer'),
    version: z.string().nullable().describe('its GET /api/v1/server version'),
    startedAt: z.string().nullable(),
    agents: z.number().int().nullable().describe('agents connected to it; null when it did not say'),
    lastContact: z.string().nullable().describe('when it last answered the hub (ISO 8601)'),
    lastError: z
      .object({ at: z.string(), reason: missingNodeSchema.shape.reason, detail: z.string() })
      .nullable()
      .describe('the hub’s last failed call to it; null when the last call succeeded'),
  }),
);

/** `GET /api/v1/nodes` (hub only). */
export const nodeServerListSchema = named(
  'NodeServerList',
  z.object({
    service: z.string().describe('namespace/name of the node servers’ Service'),
    items: z.array(nodeServerSchema).describe('sorted by node'),
  }),
);

/** The packages module's response schemas, named. */
export const packageSchemas = {
  rollout: named('PackageRollout', packageRolloutResponseSchema),
  assignment: named('PackageAssignment', packageAssignmentResponseSchema),
  package: named('Package', packageResponseSchema),
  list: named('PackageList', packageListResponseSchema),
  file: named('PackageFile', packageFileResponseSchema),
};

export type ApiError = z.output<typeof apiErrorSchema>;
export type RemoteConfigSummary = z.output<typeof remoteConfigSummarySchema>;
export type AgentSummary = z.output<typeof agentSummarySchema>;
export type AgentList = z.output<typeof agentListSchema>;
export type AgentDetail = z.output<typeof agentDetailSchema>;
export type AgentConfigResult = z.output<typeof agentConfigResultSchema>;
export type RestartResult = z.output<typeof restartResultSchema>;
export type ConfigAssignmentView = z.output<typeof configAssignmentSchema>;
export type FleetSummary = z.output<typeof fleetSummarySchema>;
export type ServerInfo = z.output<typeof serverInfoSchema>;
export type LiveEvent = z.output<typeof liveEventSchema>;
export type SelectorPreview = z.output<typeof selectorPreviewSchema>;
export type MissingNodeView = z.output<typeof missingNodeSchema>;
export type NodeServer = z.output<typeof nodeServerSchema>;
export type NodeServerList = z.output<typeof nodeServerListSchema>;
