/**
 * opamp-nest: an OpAMP server framework for NestJS. This entry is what an application or a plugin
 * imports; everything else is internal. Testing helpers: `opamp-nest/testing`; the Odigos conventions as a
 * plugin: `opamp-nest/odigos`.
 */

// The module, its options, and the settings and infrastructure every module shares.
export { OpampModule } from './opamp.module.js';
export {
  OPAMP_MODULE_OPTIONS,
  type OpampModuleExtras,
  type OpampModuleOptions,
} from './opamp.module-definition.js';
export {
  ConfigValidationError,
  InjectServerConfig,
  type InvalidVariable,
  parseServerConfig,
  parseVariables,
  SERVER_CONFIG,
  type ServerConfig,
} from './modules/config/index.js';
export { CLOCK, type Clock, InjectClock, systemClock } from './common/clock.js';
export { InjectKubeConfig, KUBE_CONFIG } from './modules/kubernetes/index.js';
export { ListenerSet } from './common/listener-set.js';
export {
  AdminAccessModule,
  AdminModule,
  adminSchemaRef,
  AdminRoutes,
  registerAdminSchema,
  setupAdminOpenApi,
} from './modules/admin/index.js';
export { HealthModule, type HealthReport } from './modules/health/index.js';
export { InjectMetricsRegistry, METRICS_REGISTRY, MetricsModule } from './modules/metrics/index.js';

// The plugin API (types only), the decorator that registers a plugin, and the agents as plugins see them.
export {
  type AgentIdentity,
  type AgentRecordMapping,
  type AgentStatus,
  type AgentStatusField,
  type AgentStore,
  type AgentUpdate,
  type AgentView,
  type AuthorizeDecision,
  type CertificateRequestSubject,
  type Awaitable,
  type ClientCertificate,
  type ConnectionRequest,
  type CustomResourceMapping,
  type CustomResourceObject,
  type DisconnectReason,
  type IdentityAttributeValue,
  type MessageContext,
  type OpampPluginHooks,
  type OpampPluginOptions,
  type RemoveOutcome,
  type RemoveReason,
  type ReplyContext,
  type ResourceAttributesAnswer,
  type SessionEndAction,
  type TransportKind,
  type UpsertOutcome,
} from './plugin-api/index.js';
export { OpampPlugin } from './modules/plugins/index.js';
export { OpampAgents, type PushResult } from './modules/session/index.js';

// Building blocks for plugins: Kubernetes placement, the kubelet's devices, persistence, configs.
export {
  AgentEnricher,
  computeResourceAttributes,
  type ContainerLocation,
  DevicePodResolver,
  EnrichmentModule,
  KubeletPodResourcesClient,
  type PodMetadata,
  type PodPlacement,
  stringAttribute,
  type Workload,
} from './modules/enrichment/index.js';
export {
  type AgentSnapshot,
  agentSnapshotMapping,
  isValidLabelValue,
  MemoryAgentStore,
} from './modules/persistence/index.js';
export {
  type ConfigAssignment,
  type ConfigStore,
  type ConfigStoreChange,
  MemoryConfigStore,
  type StoredConfig,
} from './modules/fleet/index.js';
export {
  allPackagesHash,
  type CatalogPackage,
  MemoryPackageCatalog,
  type PackageAssignment,
  type PackageCatalog,
  packageHash,
  type PackageSpec,
  PackagesAdmin,
} from './modules/packages/index.js';

export {
  callKubernetesApi,
  ReflectedCache,
  type ReflectorHandler,
  type ReflectorTiming,
  ResourceReflector,
  type ResourceReflectorOptions,
  type WatchEventType,
} from './modules/kubernetes/index.js';

// The protocol as plugins use it: messages, capabilities, config hashes.
export {
  AgentCapabilities,
  type AgentConfigFile,
  type AgentConfigMap,
  type AgentDescription,
  type AgentRemoteConfig,
  type AgentToServer,
  type ComponentHealth,
  ServerCapabilities,
  type ServerToAgent,
} from './generated/opamp/v1/opamp.js';
export { type AnyValue, type KeyValue } from './generated/opamp/v1/anyvalue.js';
export { bitmask, hashConfigMap, hasCapability, withConfigHash } from './modules/protocol/index.js';

// Errors: those a plugin throws to refuse a message, and those the framework throws.
export {
  AgentNotIdentifiedError,
  AgentNotLocalError,
  ConnectionRejectedError,
  ProtocolError,
  ServerUnavailableError,
} from './modules/protocol/index.js';
export {
  KubernetesConflictError,
  KubernetesError,
  KubernetesNotFoundError,
  KubernetesRequestError,
  KubernetesUnavailableError,
} from './modules/kubernetes/index.js';
export {
  DeviceNotFoundError,
  KubeletPodResourcesError,
  PodNotFoundError,
  PodOnAnotherNodeError,
} from './modules/enrichment/index.js';
export { AgentStoreError } from './modules/persistence/index.js';
export { DuplicatePluginError, PluginTimeoutError } from './modules/plugins/index.js';
