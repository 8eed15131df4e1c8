import { Injectable, Logger } from '@nestjs/common';
import { AgentCapabilities, CommandType } from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';
import { MessagePipeline, type AgentSession, type PushResult } from '../session/index.js';
import { AgentCapabilityError } from './commands.errors.js';

/** Sends commands (ServerToAgentCommand) to agents, only to those that accept them. */
@Injectable()
export class AgentCommands {
  private readonly logger = new Logger(AgentCommands.name);

  constructor(private readonly server: MessagePipeline) {}

  /** Whether the agent accepts the restart command. */
  acceptsRestart(session: AgentSession): boolean {
    return hasCapability(
      session.effectiveCapabilities,
      AgentCapabilities.AgentCapabilities_AcceptsRestartCommand,
    );
  }

  /**
   * Asks an agent to restart: at once over WebSocket (`sent`), with its next poll over HTTP (`queued`).
   * @throws AgentCapabilityError when the agent does not report AcceptsRestartCommand (rather than the
   * command being silently dropped).
   */
  async restart(session: AgentSession): Promise<PushResult> {
    if (!this.acceptsRestart(session)) {
      throw new AgentCapabilityError(
        session.displayId,
        'AcceptsRestartCommand',
        `agent ${session.displayId} does not accept the restart command (no AcceptsRestartCommand capability)`,
      );
    }
    const result = await this.server.push(session, { command: { type: CommandType.CommandType_Restart } });
    this.logger.log(
      { agent: session.displayId, transport: session.transport, result },
      'restart command sent',
    );
    return result;
  }
}
