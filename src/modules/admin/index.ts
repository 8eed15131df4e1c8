export * from './admin.module.js';
export * from './admin-openapi.js';
export { AdminTokenGuard } from './api/admin-token.guard.js';
export { AdminAccessModule } from './admin-access.module.js';
export { AdminRoutes } from './api/admin-routes.decorator.js';
export {
  named as registerAdminSchema,
  namedSchema,
  schemaRef,
  schemaRef as adminSchemaRef,
} from './api/admin-schema.registry.js';
export * from './api/response.schemas.js';
// The hub (src/modules/hub) serves the same API from the nodes' answers: it shares its guard, audit, schemas,
// errors and renderings.
export { ADMIN_OPTIONS, type AdminOptions } from './admin.options.js';
export { AdminAudit } from './api/admin-audit.js';
export { AdminListenerClose } from './admin-listener-close.js';
export { ServerIdentity } from './api/server-identity.js';
export { LiveEventStreamResponse, liveEventStreams } from './api/live-event-streams.js';
export { AdminApiErrorsFilter } from './api/api-errors.filter.js';
export { DEFAULT_PAGE_SIZE } from './api/agent-query.js';
export { renderAssignment } from './api/agent-view.js';
export {
  AGENT_SORT_KEYS,
  type AgentSortKey,
  configNameParamSchema,
  listAgentsQuerySchema,
  openApiSchema,
  putAgentConfigBodySchema,
  putAssignmentBodySchema,
  putConfigBodySchema,
  type PutConfigBody,
  selectorPreviewBodySchema,
  type SelectorPreviewBody,
} from './api/api.schemas.js';
export { type Json, renderConfigFiles, renderHash } from './api/json-render.js';
export { MutatingRoute } from './api/mutating-route.decorator.js';
export { ZodPipe } from './api/zod-body.pipe.js';
