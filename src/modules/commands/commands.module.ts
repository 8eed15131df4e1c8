import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { SessionModule } from '../session/index.js';
import { AgentCommands } from './agent-commands.service.js';
import { COMMANDS_OPTIONS, type CommandsOptions } from './commands.options.js';
import { CustomMessages } from './custom-messages.service.js';

/** Commands (restart) and custom messages, for the admin API and for plugins. */
@Module({
  imports: [SessionModule],
  providers: [
    {
      provide: COMMANDS_OPTIONS,
      useFactory: (config: ServerConfig): CommandsOptions => ({
        customCapabilities: config.opamp.customCapabilities,
      }),
      inject: [SERVER_CONFIG],
    },
    AgentCommands,
    CustomMessages,
  ],
  exports: [AgentCommands, CustomMessages],
})
export class CommandsModule {}
