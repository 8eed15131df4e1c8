export * from './admin.module.js';
export * from './admin-openapi.js';
export { AdminTokenGuard } from './api/admin-token.guard.js';
