import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCapabilities, type PackageAvailable } from '../../src/generated/opamp/v1/opamp.js';
import { bitmask } from '../../src/modules/protocol/index.js';
import { adminCall, type JsonObject } from '../support/admin-client.js';
import { postMessage } from '../support/http-agent.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const ACCEPTS_PACKAGES = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsPackages,
);
const TOKEN = 'admin-token-0123456789';
const sha256hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Downloads an offered package file the way an agent does: its URL with the offered headers. */
async function downloadOffered(
  offered: PackageAvailable,
  extra: Record<string, string> = {},
): Promise<Response> {
  const headers = Object.fromEntries((offered.file?.headers?.headers ?? []).map((h) => [h.key, h.value]));
  return fetch(offered.file!.downloadUrl, { headers: { ...headers, ...extra } });
}

describe('package files uploaded to and served by the admin listener', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    pool.closeAll();
    await server.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const uploadFile = (name: string, bytes: Buffer, token?: string) =>
    fetch(`${server.adminUrl}/api/v1/packages/${name}/file`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: bytes,
    });

  /** Creates package `otelcol` without a download URL, uploads its file and assigns it to everyone. */
  const hostPackage = async (bytes: Buffer, token?: string): Promise<JsonObject> => {
    const api = (method: string, path: string, body?: unknown) =>
      adminCall(server.adminUrl, method, path, body, token);
    const created = await api('PUT', '/api/v1/packages/otelcol', {
      version: '1.0.0',
      contentHash: sha256hex(bytes),
    });
    expect(created.status).toBe(201);
    const uploaded = await uploadFile('otelcol', bytes, token);
    expect(uploaded.status).toBe(200);
    expect(await uploaded.json()).toEqual(
      expect.objectContaining({ contentHash: sha256hex(bytes), size: bytes.length }),
    );
    expect((await api('PUT', '/api/v1/packages/otelcol/assignments/all', { selector: {} })).status).toBe(201);
    return created.body;
  };

  it('a WebSocket agent and an HTTP agent download the offered file, and its bytes hash to the offered hash', async () => {
    server = await startTestServer();
    const bytes = randomBytes(2_500_000); // above Fastify's default body limit of 1 MiB
    const created = await hostPackage(bytes);
    expect(created.downloadUrl).toBe(`${server.adminUrl}/package-files/${sha256hex(bytes)}`);

    const wsAgent = await pool.connect();
    const wsOffer = await wsAgent.request({
      instanceUid: randomUid(),
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('ws'),
    });
    const httpOffer = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('http'),
    });
    for (const offered of [wsOffer.packagesAvailable, httpOffer.message!.packagesAvailable]) {
      const pkg = offered!.packages.otelcol!;
      const response = await downloadOffered(pkg);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('etag')).toBe(`"${sha256hex(bytes)}"`);
      const downloaded = Buffer.from(await response.arrayBuffer());
      expect(sha256hex(downloaded)).toBe(Buffer.from(pkg.file!.contentHash).toString('hex'));
    }
    const metrics = parsePrometheusText(await (await fetch(`${server.healthUrl}/metrics`)).text());
    expect(sampleValue(metrics.samples, 'opamp_package_file_downloads_total', {})).toBe(2);
    expect(sampleValue(metrics.samples, 'opamp_package_file_uploads_total', { outcome: 'stored' })).toBe(1);
  });

  it('answers a byte range with 206 and a matching ETag with 304', async () => {
    server = await startTestServer();
    const bytes = randomBytes(1000);
    const created = await hostPackage(bytes);
    const url = created.downloadUrl as string;
    const part = await fetch(url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 100-199/1000');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await fetch(url, { headers: { range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(990));
    expect((await fetch(url, { headers: { range: 'bytes=5000-' } })).status).toBe(416);
    const cached = await fetch(url, { headers: { 'if-none-match': `"${sha256hex(bytes)}"` } });
    expect(cached.status).toBe(304);
  });

  it("refuses an upload whose hash is not the package's, one too large, and one for a missing package", async () => {
    server = await startTestServer({ env: { PACKAGE_FILE_MAX_BYTES: '1024' } });
    const bytes = randomBytes(512);
    await adminCall(server.adminUrl, 'PUT', '/api/v1/packages/otelcol', {
      version: '1.0.0',
      contentHash: sha256hex(bytes),
    });
    const wrong = await uploadFile('otelcol', randomBytes(512));
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { message: string }).message).toContain(sha256hex(bytes));
    expect((await uploadFile('otelcol', randomBytes(2048))).status).toBe(413);
    expect((await uploadFile('missing', bytes)).status).toBe(404);
    const json = await adminCall(server.adminUrl, 'PUT', '/api/v1/packages/otelcol/file', { not: 'bytes' });
    expect(json.status).toBe(415);
    expect((await fetch(`${server.adminUrl}/package-files/${sha256hex(bytes)}`)).status).toBe(404);
  });

  it('with ADMIN_TOKEN, offers agents a download token for that file only', async () => {
    server = await startTestServer({ env: { ADMIN_TOKEN: TOKEN } });
    const bytes = randomBytes(4096);
    const created = await hostPackage(bytes, TOKEN);
    const headers = created.headers as Record<string, string>;
    expect(headers.Authorization).toMatch(/^Bearer pf1\.[0-9a-f]{64}$/);
    expect(headers.Authorization).not.toContain(TOKEN);

    const offer = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('http'),
    });
    const pkg = offer.message!.packagesAvailable!.packages.otelcol!;
    const response = await downloadOffered(pkg);
    expect(response.status).toBe(200);
    expect(sha256hex(Buffer.from(await response.arrayBuffer()))).toBe(sha256hex(bytes));

    expect((await fetch(pkg.file!.downloadUrl)).status).toBe(404);
    expect((await downloadOffered(pkg, { authorization: `Bearer ${TOKEN}x` })).status).toBe(404);
    // The upload itself is an admin call.
    expect((await uploadFile('otelcol', bytes)).status).toBe(401);
  });

  it('keeps files in PACKAGE_FILES_DIR, and deletes one no package declares any more', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'opamp-nest-files-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    server = await startTestServer({ env: { PACKAGE_FILES_DIR: directory } });
    const bytes = randomBytes(2048);
    await hostPackage(bytes);
    expect(await readdir(directory)).toEqual([sha256hex(bytes)]);
    const downloaded = await fetch(`${server.adminUrl}/package-files/${sha256hex(bytes)}`);
    expect(Buffer.from(await downloaded.arrayBuffer())).toEqual(bytes);

    expect((await adminCall(server.adminUrl, 'DELETE', '/api/v1/packages/otelcol')).status).toBe(204);
    expect(await readdir(directory)).toEqual([]);
  });
});
