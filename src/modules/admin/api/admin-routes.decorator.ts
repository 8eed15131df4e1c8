import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard.js';

/**
 * Makes a controller part of the admin API: its routes under `/api/v1/<path>`, behind `ADMIN_TOKEN` as every
 * admin route, in the OpenAPI document under the tag `<path>`. The controller's module imports
 * `AdminAccessModule` (which provides the guard). Meant for plugins: `@AdminRoutes('tenants')` (docs/plugins.md).
 */
export const AdminRoutes = (path: string): ClassDecorator =>
  applyDecorators(Controller(`api/v1/${path}`), UseGuards(AdminTokenGuard), ApiBearerAuth(), ApiTags(path));
