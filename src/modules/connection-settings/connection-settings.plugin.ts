import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type Awaitable, isThenable } from '../../common/awaitable.js';
import {
  AgentCapabilities,
  ConnectionSettingsStatuses,
  ServerCapabilities,
  type ServerToAgent,
} from '../../generated/opamp/v1/opamp.js';
import {
  type AgentStatusField,
  type AgentView,
  type OpampPluginHooks,
  type ReplyContext,
} from '../../plugin-api/index.js';
import { ClientCertificates, CsrRefusedError } from '../client-certificates/index.js';
import { OpampPlugin } from '../plugins/index.js';
import { hasCapability } from '../protocol/index.js';
import { MessagePipeline } from '../session/index.js';
import { ConnectionSettingsComposer } from './connection-settings.composer.js';
import {
  type ConnectionSettingsStats,
  InjectConnectionSettingsStats,
  type SettingsOutcome,
} from './connection-settings.stats.js';

const OUTCOMES: Partial<Record<ConnectionSettingsStatuses, SettingsOutcome>> = {
  [ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED]: 'applied',
  [ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLYING]: 'applying',
  [ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED]: 'failed',
};

/**
 * Connection settings in the message flow: signs the CSR an agent sends in `connection_settings_request`
 * (refusing it with a BadRequest ServerErrorResponse, as the specification prescribes), adds the
 * {@link ConnectionSettingsComposer}'s offer to replies, and counts the ConnectionSettingsStatus agents report.
 */
@OpampPlugin({ name: 'connection-settings', order: 0 })
@Injectable()
export class ConnectionSettingsPlugin implements OpampPluginHooks, OnModuleInit {
  private readonly logger = new Logger(ConnectionSettingsPlugin.name);

  constructor(
    private readonly server: MessagePipeline,
    private readonly composer: ConnectionSettingsComposer,
    private readonly certificates: ClientCertificates,
    @InjectConnectionSettingsStats() private readonly stats: ConnectionSettingsStats,
  ) {}

  onModuleInit(): void {
    this.server.advertise(ServerCapabilities.ServerCapabilities_OffersConnectionSettings);
    if (this.certificates.enabled) {
      this.server.advertise(ServerCapabilities.ServerCapabilities_AcceptsConnectionSettingsRequest);
    }
  }

  onMessage({ agent, message, connection }: ReplyContext): Awaitable<Partial<ServerToAgent> | undefined> {
    const csr = message.connectionSettingsRequest?.opamp?.certificateRequest?.csr;
    const reply = (offer: ServerToAgent['connectionSettings']): Partial<ServerToAgent> | undefined =>
      offer ? { connectionSettings: offer } : undefined;
    if (!csr || csr.length === 0) {
      const offer = this.composer.forMessage(agent, connection, false);
      return isThenable(offer) ? offer.then(reply) : reply(offer);
    }
    return this.signRequest(agent, csr).then(async () =>
      reply(await this.composer.forMessage(agent, connection, true)),
    );
  }

  onStatusChange(agent: AgentView, changed: readonly AgentStatusField[]): void {
    if (!changed.includes('connectionSettingsStatus')) return;
    const reported = agent.status.connectionSettingsStatus;
    const outcome = reported && OUTCOMES[reported.status];
    if (!outcome) return;
    this.stats.reported(outcome);
    if (outcome === 'failed') {
      this.logger.warn(
        { agent: agent.displayId, err: reported.errorMessage },
        'agent could not apply the offered connection settings',
      );
    }
  }

  private async signRequest(agent: AgentView, csr: Buffer): Promise<void> {
    try {
      if (
        !hasCapability(
          agent.effectiveCapabilities,
          AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings,
        )
      ) {
        throw new CsrRefusedError(
          'not-accepted',
          agent.displayId,
          'the agent does not report AcceptsOpAMPConnectionSettings, so it cannot be offered a certificate',
        );
      }
      const { signed } = await this.certificates.request(agent, csr);
      if (signed) this.stats.csr('signed');
    } catch (error) {
      if (error instanceof CsrRefusedError) {
        this.stats.csr(`refused:${error.refusal}`);
        this.logger.warn(
          { agent: agent.displayId, reason: error.refusal, err: error.problem },
          'CSR refused',
        );
      }
      throw error;
    }
  }
}
