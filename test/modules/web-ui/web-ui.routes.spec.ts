import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WEB_UI_OPTIONS } from '../../../src/modules/web-ui/index.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET, so the path reaches the server exactly as written (no URL normalisation). */
function get(base: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const TOKEN = 'web-ui-spec-token-0123456789';

describe('WebUiModule: the built UI at / of the admin listener', () => {
  let workdir: string;
  let server: TestServer;

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'web-ui-'));
    const root = join(workdir, 'ui');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(workdir, 'secret.txt'), 'outside the root');
    server = await startTestServer({
      env: { ADMIN_TOKEN: TOKEN },
      customize: (builder) => builder.overrideProvider(WEB_UI_OPTIONS).useValue({ root }),
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(workdir, { recursive: true, force: true });
  });

  it('serves index.html at / without the token, never cached', async () => {
    const answer = await get(server.adminUrl, '/');
    expect(answer).toMatchObject({ status: 200, body: '<!doctype html><title>ui</title>' });
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-cache');
  });

  it("answers the UI's own routes with index.html so a reload lands on the same page", async () => {
    for (const path of ['/agents', '/agents/0123-abc', '/configs/new?x=1']) {
      const answer = await get(server.adminUrl, path);
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 200,
        body: '<!doctype html><title>ui</title>',
      });
    }
  });

  it('serves hashed assets with their content type, cached for a year', async () => {
    const script = await get(server.adminUrl, '/assets/index-abc123.js');
    expect(script).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const style = await get(server.adminUrl, '/assets/index-abc123.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('answers a missing asset 404, not with the page', async () => {
    expect((await get(server.adminUrl, '/assets/index-gone.js')).status).toBe(404);
    expect((await get(server.adminUrl, '/favicon.ico')).status).toBe(404);
  });

  it('never reads outside the root, nor dot files', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/.env',
      '/%00index.html',
    ]) {
      const answer = await get(server.adminUrl, path);
      expect({
        path,
        leaked: answer.body.includes('outside the root') || answer.body.includes('SECRET'),
      }).toEqual({
        path,
        leaked: false,
      });
    }
  });

  it('leaves /api/* to the API: unknown paths are JSON 404s and the API still needs the token', async () => {
    const unknown = await get(server.adminUrl, '/api/v1/no-such-thing');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ statusCode: 404 });
    expect((await get(server.adminUrl, '/api/v1/agents')).status).toBe(401);
    const listed = await get(server.adminUrl, '/api/v1/agents', { authorization: `Bearer ${TOKEN}` });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject({ items: [], total: 0 });
  });
});

describe('WebUiModule without a built UI', () => {
  let workdir: string;
  let server: TestServer;

  beforeAll(async () => {
    workdir = mkdtempSync(join(tmpdir(), 'web-ui-empty-'));
    server = await startTestServer({
      customize: (builder) =>
        builder.overrideProvider(WEB_UI_OPTIONS).useValue({ root: join(workdir, 'ui') }),
    });
  });

  afterAll(async () => {
    await server.close();
    rmSync(workdir, { recursive: true, force: true });
  });

  it('answers / with a 503 that says how to build it, and keeps serving the API', async () => {
    const answer = await get(server.adminUrl, '/');
    expect(answer.status).toBe(503);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body).toContain('npm run build');
    expect((await get(server.adminUrl, '/api/v1/agents')).status).toBe(200);
  });
});
