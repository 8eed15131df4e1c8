import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from '../../common/clock.js';
import { PluginsModule } from '../../plugins/plugins.module.js';
import { AgentEvents } from './agent-events.js';
import { AgentRegistry } from './agent-registry.js';
import { OpampServer } from './opamp-server.service.js';

/** The agent registry and the message pipeline. */
@Module({
  imports: [PluginsModule],
  providers: [AgentRegistry, AgentEvents, OpampServer, { provide: CLOCK, useValue: systemClock }],
  exports: [AgentRegistry, AgentEvents, OpampServer, CLOCK],
})
export class SessionModule {}
