import { afterEach, describe, expect, it } from '@jest/globals';
import { AgentCapabilities, ServerCapabilities } from '../../../src/generated/opamp/v1/opamp.js';
import { composeConnectionSettings } from '../../../src/modules/connection-settings/index.js';
import { bitmask, hasCapability } from '../../../src/modules/protocol/index.js';
import { postMessage } from '../../support/http-agent.js';
import { description, randomUid } from '../../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

const OWN_METRICS = 'http://collector.observability:4318/v1/metrics';
const OWN_TRACES = 'http://collector.observability:4318/v1/traces';
const OWN_LOGS = 'http://collector.observability:4318/v1/logs';
const REPORTS_OWN = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsOwnMetrics,
  AgentCapabilities.AgentCapabilities_ReportsOwnTraces,
);

describe('connection settings offers', () => {
  let server: TestServer;
  afterEach(() => server.close());

  const start = async (env: Record<string, string> = {}): Promise<void> => {
    server = await startTestServer({
      env: { OWN_METRICS_ENDPOINT: OWN_METRICS, OWN_TRACES_ENDPOINT: OWN_TRACES, ...env },
    });
  };

  it('offers the configured own-telemetry destinations once, to agents that report that telemetry', async () => {
    await start({ OWN_LOGS_ENDPOINT: OWN_LOGS });
    const uid = randomUid();
    const first = await postMessage(server.opampUrl, {
      instanceUid: uid,
      capabilities: REPORTS_OWN,
      agentDescription: description('self-reporting'),
    });
    expect(
      hasCapability(
        first.message!.capabilities,
        ServerCapabilities.ServerCapabilities_OffersConnectionSettings,
      ),
    ).toBe(true);
    const offer = first.message!.connectionSettings!;
    expect(offer.ownMetrics?.destinationEndpoint).toBe(OWN_METRICS);
    expect(offer.ownTraces?.destinationEndpoint).toBe(OWN_TRACES);
    expect(offer.ownLogs).toBeUndefined(); // configured, but the agent does not report its logs
    expect(offer.opamp).toBeUndefined(); // the agent does not report heartbeats
    expect(offer.hash).toHaveLength(32);

    const second = await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: REPORTS_OWN,
    });
    expect(second.message!.connectionSettings).toBeUndefined();
  });

  it('puts the heartbeat interval and the destinations in one offer with one hash', async () => {
    await start();
    const capabilities = REPORTS_OWN | bitmask(AgentCapabilities.AgentCapabilities_ReportsHeartbeat);
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities,
      agentDescription: description('both'),
    });
    const offer = exchange.message!.connectionSettings!;
    expect(offer.opamp?.heartbeatIntervalSeconds).toBe(30n);
    expect(offer.ownMetrics?.destinationEndpoint).toBe(OWN_METRICS);
    expect(offer.hash).toEqual(
      composeConnectionSettings(capabilities, {
        currentEndpoint: server.opampUrl,
        heartbeatIntervalS: 30,
        ownMetricsEndpoint: OWN_METRICS,
        ownTracesEndpoint: OWN_TRACES,
      })!.hash,
    );
  });

  it('offers nothing when no destination is configured for what the agent reports', async () => {
    server = await startTestServer();
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: REPORTS_OWN,
      agentDescription: description('unconfigured'),
    });
    expect(exchange.message!.connectionSettings).toBeUndefined();
  });
});
