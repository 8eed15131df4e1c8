import { X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { CLOCK } from '../../src/common/clock.js';
import { ManualClock } from '../../src/testing/index.js';
import {
  AgentCapabilities,
  ServerCapabilities,
  ServerErrorResponseType,
} from '../../src/generated/opamp/v1/opamp.js';
import { OpampPlugin } from '../../src/modules/plugins/index.js';
import { bitmask, formatInstanceUid, hasCapability } from '../../src/modules/protocol/index.js';
import {
  type AgentView,
  type CertificateRequestSubject,
  type OpampPluginHooks,
} from '../../src/plugin-api/index.js';
import { makeAgentCsr } from '../support/agent-csr.js';
import { postMessage } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { authorizeRequests, RecordingAuthorizePlugin } from '../support/recording-authorize-plugin.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { TestCa, TlsDir, type PemPair } from '../support/tls-certificates.js';
import { WsTestAgent } from '../support/ws-agent.js';

const ACCEPTS = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings,
  AgentCapabilities.AgentCapabilities_ReportsConnectionSettingsStatus,
);
const csrMessage = (uid: Buffer, csrPem: string, capabilities = ACCEPTS) => ({
  instanceUid: uid,
  capabilities,
  agentDescription: description('csr-agent'),
  connectionSettingsRequest: { opamp: { certificateRequest: { csr: Buffer.from(csrPem) } } },
});

/** A plugin whose `certificateSubject` accepts only subjects with `O=acme`. */
@OpampPlugin({ name: 'acme-subjects' })
@Injectable()
class AcmeSubjects implements OpampPluginHooks {
  certificateSubject(_agent: AgentView, csr: CertificateRequestSubject): boolean {
    return /(^|, )O=acme(,|$)/.test(csr.subject);
  }
}

describe('client certificates from agent CSRs', () => {
  let ca: TestCa;
  let dir: TlsDir;
  let serverPair: PemPair;
  let bootstrap: PemPair;
  let files: Record<string, string>;
  let server: TestServer | undefined;

  beforeAll(async () => {
    ca = await TestCa.create('agents CA');
    serverPair = await ca.server();
    bootstrap = await ca.client('CN=bootstrap');
    dir = new TlsDir();
    files = { caCert: dir.write('ca.crt', ca.cert), caKey: dir.write('ca.key', await ca.keyPem()) };
    Object.assign(files, dir.writePair(serverPair));
  });
  afterAll(() => dir.remove());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const caEnv = (): Record<string, string> => ({
    CLIENT_CA_CERT_FILE: files.caCert!,
    CLIENT_CA_KEY_FILE: files.caKey!,
  });

  it('signs a CSR naming the agent, and the agent then connects over mTLS with the issued certificate', async () => {
    server = await startTestServer({
      env: {
        ...caEnv(),
        OPAMP_TLS_CERT_FILE: files.certFile!,
        OPAMP_TLS_KEY_FILE: files.keyFile!,
        OPAMP_TLS_CLIENT_CA_FILE: files.caCert!,
      },
      extras: { plugins: [RecordingAuthorizePlugin] },
    });
    const uid = randomUid();
    const { csrPem, keyPem } = await makeAgentCsr(`CN=${formatInstanceUid(uid)}`);
    const ws = await WsTestAgent.connect(server.wsUrl, undefined, { ca: ca.cert, ...bootstrap });
    const reply = await ws.request(csrMessage(uid, csrPem));
    ws.close();
    expect(reply.errorResponse).toBeUndefined();
    expect(
      hasCapability(
        reply.capabilities,
        ServerCapabilities.ServerCapabilities_AcceptsConnectionSettingsRequest,
      ),
    ).toBe(true);
    const offered = reply.connectionSettings!.opamp!.certificate!;
    expect(offered.privateKey).toHaveLength(0);
    expect(offered.caCert.toString().trim()).toBe(ca.cert.trim());
    const issued = new X509Certificate(offered.cert);
    expect(issued.subject).toBe(`CN=${formatInstanceUid(uid)}`);
    expect(issued.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);

    authorizeRequests.length = 0;
    const next = await postMessage(
      server.opampUrl,
      { instanceUid: uid, sequenceNum: 1n, capabilities: ACCEPTS },
      undefined,
      { ca: ca.cert, cert: offered.cert.toString(), key: keyPem },
    );
    expect(next.status).toBe(200);
    expect(authorizeRequests.at(-1)?.clientCertificate?.serialNumber).toBe(issued.serialNumber);
    expect(authorizeRequests.at(-1)?.clientCertificate?.commonName).toBe(formatInstanceUid(uid));
  });

  it('refuses a CSR with a BadRequest error when no client CA is configured', async () => {
    server = await startTestServer();
    const uid = randomUid();
    const { csrPem } = await makeAgentCsr(`CN=${formatInstanceUid(uid)}`);
    const reply = await postMessage(server.opampUrl, csrMessage(uid, csrPem));
    expect(reply.status).toBe(400);
    expect(reply.message?.errorResponse?.type).toBe(
      ServerErrorResponseType.ServerErrorResponseType_BadRequest,
    );
    expect(reply.message?.errorResponse?.errorMessage).toMatch(/no client CA/);
    const metrics = await (await fetch(`${server.healthUrl}/metrics`)).text();
    const { samples } = parsePrometheusText(metrics);
    const refusals = { outcome: 'refused', reason: 'no-ca' };
    expect(sampleValue(samples, 'opamp_client_certificate_requests_total', refusals)).toBe(1);
  });

  it('refuses, by the default rule, a CSR whose subject is not the agent', async () => {
    server = await startTestServer({ env: caEnv() });
    const uid = randomUid();
    const other = await makeAgentCsr(`CN=${formatInstanceUid(randomUid())}`);
    const refused = await postMessage(server.opampUrl, csrMessage(uid, other.csrPem));
    expect(refused.status).toBe(400);
    expect(refused.message?.errorResponse?.errorMessage).toMatch(/must be the agent's instance uid/);
    // A URI SAN naming the agent is enough.
    const bySan = await makeAgentCsr('CN=collector', [{ type: 'url', value: formatInstanceUid(uid) }]);
    const signed = await postMessage(server.opampUrl, csrMessage(uid, bySan.csrPem));
    expect(signed.status).toBe(200);
    expect(signed.message?.connectionSettings?.opamp?.certificate?.cert.length).toBeGreaterThan(0);
  });

  it('refuses weak keys and agents that cannot take the certificate', async () => {
    server = await startTestServer({ env: caEnv() });
    const uid = randomUid();
    const weak = await makeAgentCsr(`CN=${formatInstanceUid(uid)}`, [], 'RSA-1024');
    const refused = await postMessage(server.opampUrl, csrMessage(uid, weak.csrPem));
    expect(refused.message?.errorResponse?.errorMessage).toMatch(/1024 bits is too small/);
    const good = await makeAgentCsr(`CN=${formatInstanceUid(uid)}`);
    const reportsOnly = bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus);
    const notAccepted = await postMessage(server.opampUrl, csrMessage(uid, good.csrPem, reportsOnly));
    expect(notAccepted.message?.errorResponse?.errorMessage).toMatch(/AcceptsOpAMPConnectionSettings/);
  });

  it("lets a plugin's certificateSubject hook decide instead of the default rule", async () => {
    server = await startTestServer({ env: caEnv(), extras: { plugins: [AcmeSubjects] } });
    const uid = randomUid();
    const named = await makeAgentCsr(`CN=${formatInstanceUid(uid)}`);
    const refused = await postMessage(server.opampUrl, csrMessage(uid, named.csrPem));
    expect(refused.message?.errorResponse?.errorMessage).toMatch(/plugin acme-subjects refused/);
    const acme = await makeAgentCsr('CN=anything, O=acme');
    const signed = await postMessage(server.opampUrl, csrMessage(uid, acme.csrPem));
    expect(new X509Certificate(signed.message!.connectionSettings!.opamp!.certificate!.cert).subject).toBe(
      'CN=anything\nO=acme',
    );
  });

  it('offers a renewed certificate for the same key once less than a third of the validity is left', async () => {
    const clock = new ManualClock(Date.now());
    server = await startTestServer({
      env: { ...caEnv(), CLIENT_CERT_VALIDITY_DAYS: '30' },
      customize: (builder) => builder.overrideProvider(CLOCK).useValue(clock),
    });
    const uid = randomUid();
    const { csrPem } = await makeAgentCsr(`CN=${formatInstanceUid(uid)}`);
    const first = (await postMessage(server.opampUrl, csrMessage(uid, csrPem))).message!.connectionSettings!;
    const issued = new X509Certificate(first.opamp!.certificate!.cert);
    const applied = (sequenceNum: bigint) => ({
      instanceUid: uid,
      sequenceNum,
      capabilities: ACCEPTS,
      connectionSettingsStatus: { lastConnectionSettingsHash: first.hash, status: 1, errorMessage: '' },
    });
    clock.advance(19 * 86_400_000); // 11 days left: more than a third
    expect((await postMessage(server.opampUrl, applied(1n))).message!.connectionSettings).toBeUndefined();
    clock.advance(2 * 86_400_000); // 9 days left: less than a third
    const renewed = (await postMessage(server.opampUrl, applied(2n))).message!.connectionSettings!;
    expect(renewed.hash).not.toEqual(first.hash);
    const fresh = new X509Certificate(renewed.opamp!.certificate!.cert);
    expect(fresh.serialNumber).not.toBe(issued.serialNumber);
    expect(fresh.publicKey.equals(issued.publicKey)).toBe(true);
    expect(Date.parse(fresh.validTo)).toBeGreaterThan(Date.parse(issued.validTo));
  });
});
