import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { ADMIN_OPTIONS, type AdminOptions } from './admin.options.js';
import { AdminTokenGuard } from './api/admin-token.guard.js';

/**
 * Who may call the admin API: `ADMIN_TOKEN` mapped to {@link AdminOptions} and the {@link AdminTokenGuard}
 * that checks it. The AdminModule imports it; so does a plugin module whose controllers add admin routes
 * (`@AdminRoutes`), which then answer on the admin listener behind the same token (docs/plugins.md).
 */
@Module({
  providers: [
    {
      provide: ADMIN_OPTIONS,
      useFactory: (config: ServerConfig): AdminOptions => ({ token: config.admin.token }),
      inject: [SERVER_CONFIG],
    },
    AdminTokenGuard,
  ],
  exports: [ADMIN_OPTIONS, AdminTokenGuard],
})
export class AdminAccessModule {}
