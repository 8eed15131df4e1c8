import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AgentCapabilities,
  AgentToServerFlags,
  ServerCapabilities,
  ServerToAgent,
  ServerToAgentFlags,
} from '../../src/generated/opamp/v1/opamp.js';
import { postMessage, postRaw } from '../support/http-agent.js';
import { description, encodeAgentToServer, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);

describe('HTTP transport', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { OPAMP_GZIP_MIN_BYTES: '0' } });
  });
  afterAll(() => server.close());

  it('answers a POSTed AgentToServer with a protobuf ServerToAgent echoing the uid', async () => {
    const uid = randomUid();
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: BigInt(AgentCapabilities.AgentCapabilities_ReportsStatus),
      agentDescription: description('checkout'),
    });
    expect(exchange.status).toBe(200);
    expect(exchange.headers['content-type']).toBe('application/x-protobuf');
    expect(Buffer.from(exchange.message!.instanceUid)).toEqual(uid);
    expect(exchange.message!.flags & REPORT_FULL_STATE).toBe(0n);
  });

  it('puts the server capabilities, with AcceptsStatus, in the first reply', async () => {
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      sequenceNum: 1n,
      agentDescription: description('cart'),
    });
    const capabilities = exchange.message!.capabilities;
    expect(capabilities & BigInt(ServerCapabilities.ServerCapabilities_AcceptsStatus)).not.toBe(0n);
  });

  it('keeps one session across polls and sees it in the registry', async () => {
    const uid = randomUid();
    await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 1n,
      agentDescription: description('a'),
    });
    const poll = await postMessage(server.opampUrl, { instanceUid: uid, sequenceNum: 2n });
    expect(poll.message!.flags & REPORT_FULL_STATE).toBe(0n);
    const session = server.registry.get(uid);
    expect(session?.messageCount).toBe(2);
    expect(session?.transport).toBe('http');
    expect(session?.status.description?.identifyingAttributes[0]?.key).toBe('service.name');
  });

  it('asks an unknown agent without a description for its full state', async () => {
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid(), sequenceNum: 7n });
    expect(exchange.message!.flags & REPORT_FULL_STATE).toBe(REPORT_FULL_STATE);
  });

  it('replies ReportFullState after a sequence gap', async () => {
    const uid = randomUid();
    await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 1n,
      agentDescription: description('gap'),
    });
    const exchange = await postMessage(server.opampUrl, { instanceUid: uid, sequenceNum: 5n });
    expect(exchange.message!.flags & REPORT_FULL_STATE).toBe(REPORT_FULL_STATE);
  });

  it('accepts a text uid of 36 bytes and echoes it unchanged', async () => {
    const uid = Buffer.from('0192a0e4-7c1e-7b3a-9a55-3f3c2b1a0e9d');
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: uid,
      agentDescription: description('odigos'),
    });
    expect(exchange.status).toBe(200);
    expect(Buffer.from(exchange.message!.instanceUid)).toEqual(uid);
    expect(server.registry.get(uid)?.displayId).toBe(uid.toString());
  });

  it('assigns a new uid on RequestInstanceUid and moves the session to it', async () => {
    const temporary = randomUid();
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: temporary,
      flags: BigInt(AgentToServerFlags.AgentToServerFlags_RequestInstanceUid),
      agentDescription: description('fresh'),
    });
    const assigned = Buffer.from(exchange.message!.agentIdentification!.newInstanceUid);
    expect(Buffer.from(exchange.message!.instanceUid)).toEqual(temporary);
    expect(assigned).toHaveLength(16);
    expect(assigned[6]! >> 4).toBe(7); // UUIDv7
    expect(server.registry.get(temporary)).toBeUndefined();
    const next = await postMessage(server.opampUrl, { instanceUid: assigned, sequenceNum: 1n });
    expect(next.message!.flags & REPORT_FULL_STATE).toBe(0n);
  });

  it('forgets an agent that sends agent_disconnect', async () => {
    const uid = randomUid();
    await postMessage(server.opampUrl, { instanceUid: uid, agentDescription: description('bye') });
    const exchange = await postMessage(server.opampUrl, {
      instanceUid: uid,
      sequenceNum: 1n,
      agentDisconnect: {},
    });
    expect(exchange.status).toBe(200);
    expect(server.registry.get(uid)).toBeUndefined();
  });

  it('accepts a gzip request body', async () => {
    const uid = randomUid();
    const body = gzipSync(encodeAgentToServer({ instanceUid: uid, agentDescription: description('zipped') }));
    const exchange = await postRaw(server.opampUrl, body, {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(exchange.status).toBe(200);
    expect(server.registry.get(uid)?.status.description).toBeDefined();
  });

  it('gzips the reply when the agent accepts gzip', async () => {
    const uid = randomUid();
    const exchange = await postRaw(
      server.opampUrl,
      encodeAgentToServer({ instanceUid: uid, agentDescription: description('gz') }),
      { 'content-type': 'application/x-protobuf', 'accept-encoding': 'br;q=1, gzip;q=0.5' },
    );
    expect(exchange.headers['content-encoding']).toBe('gzip');
    expect(exchange.headers['content-type']).toBe('application/x-protobuf');
    const message = ServerToAgent.decode(gunzipSync(exchange.body));
    expect(Buffer.from(message.instanceUid)).toEqual(uid);
  });

  it('never gzips a reply for an agent that did not ask for it', async () => {
    const exchange = await postMessage(server.opampUrl, { instanceUid: randomUid() });
    expect(exchange.headers['content-encoding']).toBeUndefined();
    expect(exchange.message).toBeDefined();
  });

  it('accepts the Content-Type with surrounding whitespace and parameters', async () => {
    const exchange = await postMessage(
      server.opampUrl,
      { instanceUid: randomUid() },
      { 'content-type': ' application/x-protobuf ; charset=binary' },
    );
    expect(exchange.status).toBe(200);
  });
});
