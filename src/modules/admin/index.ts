export * from './admin.module.js';
export * from './admin-openapi.js';
export { AdminTokenGuard } from './api/admin-token.guard.js';
export { namedSchema } from './api/admin-schema.registry.js';
export * from './api/response.schemas.js';
