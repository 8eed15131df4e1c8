import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AgentCapabilities,
  ServerCapabilities,
  type ServerToAgent,
} from '../../../src/generated/opamp/v1/opamp.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import {
  ConnectionOffers,
  ConnectionSettingsModule,
} from '../../../src/modules/connection-settings/index.js';
import { bitmask, hasCapability } from '../../../src/modules/protocol/index.js';
import { MessagePipeline } from '../../../src/modules/session/index.js';
import { FakeConnection } from '../../support/fake-connection.js';
import { agentToServer, description, randomUid } from '../../support/opamp-messages.js';

const OWN_METRICS = 'http://collector.observability:4318/v1/metrics';
const OWN_TRACES = 'http://collector.observability:4318/v1/traces';
const REPORTS_OWN_METRICS = bitmask(AgentCapabilities.AgentCapabilities_ReportsOwnMetrics);
const REPORTS_OWN_TRACES = bitmask(AgentCapabilities.AgentCapabilities_ReportsOwnTraces);
const REPORTS_OWN_LOGS = bitmask(AgentCapabilities.AgentCapabilities_ReportsOwnLogs);

describe('ConnectionSettingsModule', () => {
  let moduleRef: TestingModule;
  let server: MessagePipeline;

  beforeEach(async () => {
    moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({
          env: {
            OWN_METRICS_ENDPOINT: OWN_METRICS,
            OWN_TRACES_ENDPOINT: OWN_TRACES,
            HEARTBEAT_INTERVAL_S: '15',
          },
        }),
        ScheduleModule.forRoot(),
        ConnectionSettingsModule,
      ],
    }).compile();
    await moduleRef.init();
    server = moduleRef.get(MessagePipeline);
  });
  afterEach(() => moduleRef.close());

  /** The reply to a new HTTP agent's first message. */
  const firstReply = (
    capabilities: bigint,
    connection = new FakeConnection('http'),
  ): Promise<ServerToAgent> =>
    server.handle(
      connection,
      agentToServer({ instanceUid: randomUid(), capabilities, agentDescription: description('a') }),
    );

  it('announces OffersConnectionSettings in the server capabilities', async () => {
    const reply = await firstReply(0n);

    expect(
      hasCapability(reply.capabilities, ServerCapabilities.ServerCapabilities_OffersConnectionSettings),
    ).toBe(true);
  });

  it('offers the own-metrics endpoint only to an agent that reports its own metrics', async () => {
    const metricsAgent = await firstReply(REPORTS_OWN_METRICS);
    const tracesAgent = await firstReply(REPORTS_OWN_TRACES);
    const plainAgent = await firstReply(0n);

    expect(metricsAgent.connectionSettings?.ownMetrics?.destinationEndpoint).toBe(OWN_METRICS);
    expect(metricsAgent.connectionSettings?.ownTraces).toBeUndefined();
    expect(tracesAgent.connectionSettings?.ownTraces?.destinationEndpoint).toBe(OWN_TRACES);
    expect(tracesAgent.connectionSettings?.ownMetrics).toBeUndefined();
    expect(plainAgent.connectionSettings).toBeUndefined();
  });

  it('offers nothing for telemetry whose endpoint is not configured', async () => {
    const reply = await firstReply(REPORTS_OWN_LOGS);

    expect(reply.connectionSettings).toBeUndefined();
  });

  it('offers the heartbeat interval with the endpoint the agent used to an agent that reports heartbeats', async () => {
    const connection = new FakeConnection('http');
    connection.headers.host = 'opamp.example:4320';

    const reply = await firstReply(bitmask(AgentCapabilities.AgentCapabilities_ReportsHeartbeat), connection);

    expect(reply.connectionSettings?.opamp).toMatchObject({
      destinationEndpoint: 'http://opamp.example:4320/v1/opamp',
      heartbeatIntervalSeconds: 15n,
    });
  });

  it('offers once per session, and again only when the agent reports settings with another hash', async () => {
    const uid = randomUid();
    const send = (sequenceNum: bigint, lastConnectionSettingsHash?: Buffer): Promise<ServerToAgent> =>
      server.handle(
        new FakeConnection('http'),
        agentToServer({
          instanceUid: uid,
          sequenceNum,
          capabilities: REPORTS_OWN_METRICS,
          agentDescription: description('a'),
          connectionSettingsStatus: lastConnectionSettingsHash && { lastConnectionSettingsHash },
        }),
      );

    const first = await send(0n);
    const hash = Buffer.from(first.connectionSettings!.hash);
    const applied = await send(1n, hash);
    const stale = await send(2n, Buffer.from('an older offer'));

    expect(hash).toHaveLength(32);
    expect(applied.connectionSettings).toBeUndefined();
    expect(Buffer.from(stale.connectionSettings!.hash)).toEqual(hash);
  });

  it('sends an offer a heartbeat did not need once its offers, its description or its capabilities change', async () => {
    const uid = randomUid();
    const ACCEPTS_OTHER = bitmask(AgentCapabilities.AgentCapabilities_AcceptsOtherConnectionSettings);
    let sequenceNum = 0n;
    const send = (fields: Parameters<typeof agentToServer>[0] = {}): Promise<ServerToAgent> =>
      server.handle(
        new FakeConnection('http'),
        agentToServer({
          instanceUid: uid,
          sequenceNum: sequenceNum++,
          capabilities: REPORTS_OWN_METRICS | ACCEPTS_OTHER,
          ...fields,
        }),
      );
    const hashOf = (reply: ServerToAgent): Buffer => Buffer.from(reply.connectionSettings!.hash);
    const applied = (hash: Buffer) => ({ connectionSettingsStatus: { lastConnectionSettingsHash: hash } });

    const first = await send({ agentDescription: description('cart') });
    let hash = hashOf(first);
    expect((await send(applied(hash))).connectionSettings).toBeUndefined();
    expect((await send()).connectionSettings).toBeUndefined();

    // An operator offer for this service: the next heartbeat carries it.
    await moduleRef.get(ConnectionOffers).put('cart-logs', {
      target: { selector: { 'service.name': 'cart' } },
      otherConnections: { logs: { endpoint: 'https://logs.example:4318', headers: {} } },
    });
    const offered = await send();
    expect(offered.connectionSettings?.otherConnections).toHaveProperty('logs');
    hash = hashOf(offered);
    expect((await send(applied(hash))).connectionSettings).toBeUndefined();

    // Another service name: the selector no longer matches, so the offer changes again.
    const renamed = await send({ agentDescription: description('checkout') });
    expect(renamed.connectionSettings?.otherConnections ?? {}).not.toHaveProperty('logs');
    hash = hashOf(renamed);
    expect((await send(applied(hash))).connectionSettings).toBeUndefined();

    // New capabilities (own traces too): an own-traces endpoint joins the offer.
    const traces = await send({ capabilities: REPORTS_OWN_METRICS | ACCEPTS_OTHER | REPORTS_OWN_TRACES });
    expect(traces.connectionSettings?.ownTraces?.destinationEndpoint).toBe(OWN_TRACES);
  });
});
