import { Module } from '@nestjs/common';
import { CommandsModule } from '../commands/index.js';
import { ConnectionSettingsModule } from '../connection-settings/index.js';
import { FleetModule } from '../fleet/index.js';
import { PackagesModule } from '../packages/index.js';
import { PluginsModule } from '../plugins/index.js';
import { SessionModule } from '../session/index.js';
import { TransportModule } from '../transport/index.js';
import { AdminAudit } from './api/admin-audit.js';
import { AgentsController } from './api/agents.controller.js';
import { ConfigsController } from './api/configs.controller.js';
import { PackageFileBodyParser } from './api/packages-file-body.parser.js';
import { PackagesController } from './api/packages.controller.js';
import { PackagesFilesController } from './api/packages-files.controller.js';
import { ConnectionOffersController } from './api/connection-offers.controller.js';
import { ServerController } from './api/server.controller.js';
import { EventsController } from './api/events.controller.js';
import { LiveEvents } from './api/live-events.js';
import { ServerIdentity } from './api/server-identity.js';
import { AdminAccessModule } from './admin-access.module.js';
import { AdminListenerClose } from './admin-listener-close.js';

/**
 * The admin API on the application's HTTP listener: `/api/v1/agents`, `/api/v1/configs`, `/api/v1/packages`,
 * `/api/v1/connection-offers`, `/api/v1/server`, `/api/v1/summary`, `/api/v1/events`, and `/package-files`
 * for agents' downloads (OpenAPI at
 * `/api/docs-json` once `setupAdminOpenApi(app)` ran), behind `ADMIN_TOKEN` when set, every change audited.
 * Probes and metrics are the HealthModule's, on a listener of their own.
 */
@Module({
  imports: [
    AdminAccessModule,
    TransportModule,
    SessionModule,
    FleetModule,
    CommandsModule,
    PackagesModule,
    ConnectionSettingsModule,
    PluginsModule,
  ],
  controllers: [
    AgentsController,
    ConfigsController,
    PackagesController,
    PackagesFilesController,
    ConnectionOffersController,
    ServerController,
    EventsController,
  ],
  providers: [AdminAudit, AdminListenerClose, ServerIdentity, LiveEvents, PackageFileBodyParser],
})
export class AdminModule {}
