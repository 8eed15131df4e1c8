import { Module } from '@nestjs/common';
import { SessionModule } from '../session/index.js';
import { AgentCommands } from './agent-commands.service.js';
import { CustomMessages } from './custom-messages.service.js';

/** Commands (restart) and custom messages, for the admin API and for plugins. */
@Module({
  imports: [SessionModule],
  providers: [AgentCommands, CustomMessages],
  exports: [AgentCommands, CustomMessages],
})
export class CommandsModule {}
