/**
 * The plugin API: types only. It imports nothing from the server's modules, so a plugin depends on this
 * contract and on nothing the server keeps internal.
 */
export { type AgentIdentity, type IdentityAttributeValue } from './agent-identity.types.js';
export { type AgentStatus, type AgentStatusField, type AgentView } from './agent-view.types.js';
export {
  type AgentUpdate,
  type AuthorizeDecision,
  type Awaitable,
  type CertificateRequestSubject,
  type MessageContext,
  type OpampPluginHooks,
  type OpampPluginOptions,
  type ReplyContext,
  type ResourceAttributesAnswer,
} from './plugin-hooks.types.js';
export {
  type ClientCertificate,
  type ConnectionRequest,
  type DisconnectReason,
  type TransportKind,
} from './transport.types.js';
export {
  type AgentRecordMapping,
  type CustomResourceMapping,
  type CustomResourceObject,
  type SessionEndAction,
} from './agent-record-mapping.types.js';
export {
  type AgentStore,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from './agent-store.types.js';
