import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ServerCapabilities, type ServerToAgent } from '../../generated/opamp/v1/opamp.js';
import {
  OpampPlugin,
  type ConnectionRequest,
  type MessageContext,
  type OpampPluginHooks,
} from '../../plugins/index.js';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { OpampServer } from '../session/index.js';
import { buildConnectionSettingsOffer } from './connection-settings.offer.js';

/**
 * Offers connection settings once per session (again if the agent reports having applied other ones):
 * `HEARTBEAT_INTERVAL_S` in `connection_settings.opamp` to agents that report heartbeats — naming the
 * endpoint the agent already uses, so an agent that reconnects on any OpAMP settings offer comes back to
 * the same place — and `OWN_METRICS_ENDPOINT` / `OWN_TRACES_ENDPOINT` / `OWN_LOGS_ENDPOINT` to agents that
 * report their own metrics, traces or logs. Everything offered to an agent shares one hash.
 */
@OpampPlugin({ name: 'connection-settings', order: 0 })
@Injectable()
export class ConnectionSettingsPlugin implements OpampPluginHooks, OnModuleInit {
  constructor(
    private readonly server: OpampServer,
    @InjectServerConfig() private readonly config: ServerConfig,
  ) {}

  onModuleInit(): void {
    this.server.advertise(ServerCapabilities.ServerCapabilities_OffersConnectionSettings);
  }

  onMessage({ session, connection }: MessageContext): Partial<ServerToAgent> | undefined {
    const offer = buildConnectionSettingsOffer(session.effectiveCapabilities, {
      opampEndpoint: this.endpointOf(connection),
      heartbeatIntervalS: this.config.heartbeat.intervalS,
      ...this.config.connectionSettings,
    });
    if (!offer) return;
    const reported = session.status.connectionSettingsStatus?.lastConnectionSettingsHash;
    const firstMessage = session.messageCount === 1;
    if (!firstMessage && (!reported || reported.equals(offer.hash))) return;
    return { connectionSettings: offer };
  }

  private endpointOf(connection: ConnectionRequest): string {
    const host = connection.headers.host ?? `${this.config.opamp.host}:${this.config.opamp.port}`;
    const scheme = connection.transport === 'websocket' ? 'ws' : 'http';
    return `${scheme}://${Array.isArray(host) ? host[0] : host}${this.config.opamp.path}`;
  }
}
