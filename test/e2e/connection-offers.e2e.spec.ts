import { afterEach, describe, expect, it } from '@jest/globals';
import { AgentCapabilities, ConnectionSettingsStatuses } from '../../src/generated/opamp/v1/opamp.js';
import { bitmask, formatInstanceUid } from '../../src/modules/protocol/index.js';
import { adminCall, type JsonObject } from '../support/admin-client.js';
import { postMessage } from '../support/http-agent.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsTestAgent } from '../support/ws-agent.js';

const FULL = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings,
  AgentCapabilities.AgentCapabilities_AcceptsOtherConnectionSettings,
  AgentCapabilities.AgentCapabilities_ReportsConnectionSettingsStatus,
);
const HEARTBEAT_ONLY = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_ReportsHeartbeat,
);
const FLEET = { endpoint: 'wss://opamp.example:4320/v1/opamp', headers: { Authorization: 'Bearer fleet' } };
const CANARY = { endpoint: 'wss://canary.example:4320/v1/opamp', headers: { Authorization: 'Bearer one' } };
const EXPORTER = { endpoint: 'https://otlp.example:4318', headers: {} };

describe('connection offers from the admin API', () => {
  let server: TestServer;
  afterEach(() => server.close());

  const put = async (name: string, body: JsonObject): Promise<number> =>
    (await adminCall(server.adminUrl, 'PUT', `/api/v1/connection-offers/${name}`, body)).status;

  it('offers endpoint, headers and other connections only to agents whose capabilities accept them', async () => {
    server = await startTestServer();
    expect(
      await put('fleet', { target: { selector: {} }, opamp: FLEET, otherConnections: { otlp: EXPORTER } }),
    ).toBe(201);
    const full = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: FULL,
      agentDescription: description('full'),
    });
    const offer = full.message!.connectionSettings!;
    expect(offer.opamp?.destinationEndpoint).toBe(FLEET.endpoint);
    expect(offer.opamp?.headers?.headers).toEqual([{ key: 'Authorization', value: 'Bearer fleet' }]);
    expect(offer.otherConnections.otlp?.destinationEndpoint).toBe(EXPORTER.endpoint);

    const limited = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: HEARTBEAT_ONLY,
      agentDescription: description('limited'),
    });
    const heartbeatOnly = limited.message!.connectionSettings!;
    expect(heartbeatOnly.opamp?.destinationEndpoint).toBe(server.opampUrl); // not moved
    expect(heartbeatOnly.opamp?.headers).toBeUndefined();
    expect(heartbeatOnly.otherConnections).toEqual({});

    const none = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus),
      agentDescription: description('none'),
    });
    expect(none.message!.connectionSettings).toBeUndefined();
  });

  it('gives the most specific offer: per agent over selector; pushes changes to WebSocket agents at once', async () => {
    server = await startTestServer();
    const canaryUid = randomUid();
    const canary = await WsTestAgent.connect(server.wsUrl);
    const other = await WsTestAgent.connect(server.wsUrl);
    const hello = (uid: Buffer) => ({
      instanceUid: uid,
      capabilities: FULL,
      agentDescription: description('checkout', [attr('env', 'prod')]),
    });
    await canary.request(hello(canaryUid));
    await other.request(hello(randomUid()));

    const pushedCanary = canary.nextMessage();
    const pushedOther = other.nextMessage();
    await put('prod', { target: { selector: { env: 'prod' } }, opamp: FLEET });
    expect((await pushedCanary).connectionSettings?.opamp?.destinationEndpoint).toBe(FLEET.endpoint);
    expect((await pushedOther).connectionSettings?.opamp?.destinationEndpoint).toBe(FLEET.endpoint);

    const next = canary.nextMessage();
    const count = other.received.length;
    await put('canary', { target: { agent: formatInstanceUid(canaryUid) }, opamp: CANARY });
    expect((await next).connectionSettings?.opamp?.destinationEndpoint).toBe(CANARY.endpoint);
    expect(other.received).toHaveLength(count); // its offer did not change: nothing pushed
    canary.close();
    other.close();
  });

  it('re-offers while the reported hash differs, and shows the reported status in the agent view', async () => {
    server = await startTestServer();
    await put('fleet', { target: { selector: {} }, opamp: FLEET });
    const uid = randomUid();
    const first = await postMessage(server.opampUrl, {
      instanceUid: uid,
      capabilities: FULL,
      agentDescription: description('reporting'),
    });
    const hash = first.message!.connectionSettings!.hash;
    const report = (
      lastConnectionSettingsHash: Buffer,
      status: ConnectionSettingsStatuses,
      sequenceNum: bigint,
    ) =>
      postMessage(server.opampUrl, {
        instanceUid: uid,
        sequenceNum,
        capabilities: FULL,
        connectionSettingsStatus: { lastConnectionSettingsHash, status, errorMessage: 'bad token' },
      });
    const stale = await report(
      Buffer.from('old'),
      ConnectionSettingsStatuses.ConnectionSettingsStatuses_APPLIED,
      1n,
    );
    expect(stale.message!.connectionSettings?.hash).toEqual(hash);
    const failed = await report(hash, ConnectionSettingsStatuses.ConnectionSettingsStatuses_FAILED, 2n);
    expect(failed.message!.connectionSettings).toBeUndefined();

    const view = await adminCall<{ connectionSettings: JsonObject }>(
      server.adminUrl,
      'GET',
      `/api/v1/agents/${formatInstanceUid(uid)}`,
    );
    expect(view.body.connectionSettings).toEqual({
      status: 'FAILED',
      hash: hash.toString('hex'),
      errorMessage: 'bad token',
      offeredHash: hash.toString('hex'),
    });
    const { samples } = parsePrometheusText(await (await fetch(`${server.healthUrl}/metrics`)).text());
    expect(sampleValue(samples, 'opamp_connection_settings_status_total', { status: 'failed' })).toBe(1);
    expect(sampleValue(samples, 'opamp_connection_settings_offers_total', { transport: 'http' })).toBe(2);
  });

  it('refuses bad bodies and answers 404 for unknown offers', async () => {
    server = await startTestServer();
    expect(await put('x', { target: { selector: {} } })).toBe(400);
    expect(await put('x', { target: { selector: {} }, opamp: { endpoint: 'ftp://nope' } })).toBe(400);
    expect((await adminCall(server.adminUrl, 'GET', '/api/v1/connection-offers/x')).status).toBe(404);
    expect((await adminCall(server.adminUrl, 'DELETE', '/api/v1/connection-offers/x')).status).toBe(404);
    expect(await put('x', { target: { agent: 'a' }, otherConnections: { otlp: EXPORTER } })).toBe(201);
    const listed = await adminCall<{ items: JsonObject[] }>(
      server.adminUrl,
      'GET',
      '/api/v1/connection-offers',
    );
    expect(listed.body.items.map((item) => item.name)).toEqual(['x']);
    expect((await adminCall(server.adminUrl, 'DELETE', '/api/v1/connection-offers/x')).status).toBe(204);
  });
});
