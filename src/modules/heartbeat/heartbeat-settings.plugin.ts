import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  AgentCapabilities,
  OpAMPConnectionSettings,
  ServerCapabilities,
  type ServerToAgent,
} from '../../generated/opamp/v1/opamp.js';
import {
  OpampPlugin,
  type ConnectionRequest,
  type MessageContext,
  type OpampPluginHooks,
} from '../../plugins/index.js';
import { InjectServerConfig, type ServerConfig } from '../config/index.js';
import { hasCapability } from '../protocol/index.js';
import { OpampServer } from '../session/index.js';

/**
 * Offers `HEARTBEAT_INTERVAL_S` to agents that report heartbeats, in `connection_settings.opamp`, once per
 * session (again if the agent reports applying other settings). The offer names the endpoint the agent is
 * already using, so an agent that reconnects on any OpAMP settings offer comes back to the same place.
 */
@OpampPlugin({ name: 'heartbeat-settings', order: 0 })
@Injectable()
export class HeartbeatSettingsPlugin implements OpampPluginHooks, OnModuleInit {
  constructor(
    private readonly server: OpampServer,
    @InjectServerConfig() private readonly config: ServerConfig,
  ) {}

  onModuleInit(): void {
    this.server.advertise(ServerCapabilities.ServerCapabilities_OffersConnectionSettings);
  }

  onMessage({ session, connection }: MessageContext): Partial<ServerToAgent> | undefined {
    if (!hasCapability(session.effectiveCapabilities, AgentCapabilities.AgentCapabilities_ReportsHeartbeat))
      return;
    const opamp = OpAMPConnectionSettings.fromPartial({
      destinationEndpoint: this.endpointOf(connection),
      heartbeatIntervalSeconds: BigInt(this.config.heartbeat.intervalS),
    });
    const hash = createHash('sha256').update(OpAMPConnectionSettings.encode(opamp).finish()).digest();
    const reported = session.status.connectionSettingsStatus?.lastConnectionSettingsHash;
    const firstMessage = session.messageCount === 1;
    if (!firstMessage && (!reported || reported.equals(hash))) return;
    return { connectionSettings: { hash, opamp, otherConnections: {} } };
  }

  private endpointOf(connection: ConnectionRequest): string {
    const host = connection.headers.host ?? `${this.config.opamp.host}:${this.config.opamp.port}`;
    const scheme = connection.transport === 'websocket' ? 'ws' : 'http';
    return `${scheme}://${Array.isArray(host) ? host[0] : host}${this.config.opamp.path}`;
  }
}
