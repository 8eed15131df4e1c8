import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { AgentCapabilities } from '../../../src/generated/opamp/v1/opamp.js';
import { bitmask, formatInstanceUid } from '../../../src/modules/protocol/index.js';
import { namedSchema } from '../../../src/modules/admin/index.js';
import { type AdminClient } from '../../../src/client/index.js';
import {
  adminCall,
  adminClient,
  adminOpenApiDocument,
  nodeOpenApiDocument,
  checkAgainstDocument,
  contractFetch,
  ContractViolation,
  seenResponses,
} from '../../support/admin-client.js';
import { postMessage } from '../../support/http-agent.js';
import { attr, randomUid } from '../../support/opamp-messages.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { WsTestAgent } from '../../support/ws-agent.js';

const TOKEN = 'a-long-enough-admin-token';
const CAPABLE = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig,
  AgentCapabilities.AgentCapabilities_ReportsHealth,
  AgentCapabilities.AgentCapabilities_AcceptsRestartCommand,
  AgentCapabilities.AgentCapabilities_AcceptsPackages,
  AgentCapabilities.AgentCapabilities_ReportsPackageStatuses,
  AgentCapabilities.AgentCapabilities_AcceptsOpAMPConnectionSettings,
);
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

/** A server with the Odigos plugin and no cluster knows no workload yet. */
function expectOdigosWorkloads(result: { response: Response; data?: unknown; error?: unknown }): void {
  expect(result.error).toBeUndefined();
  expect(result.response.status).toBe(200);
  expect(result.data).toEqual({ node: expect.any(String), instrumentationConfigsReady: true, items: [] });
}

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };
const operations = (document = nodeOpenApiDocument): Array<[string, Operation]> =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );

describe('the admin API OpenAPI document', () => {
  let server: TestServer;
  let client: AdminClient;

  beforeAll(async () => {
    server = await startTestServer({ env: { ADMIN_TOKEN: TOKEN } });
    client = adminClient(server.adminUrl, TOKEN);
  });
  afterAll(() => server.close());

  it('is the committed openapi.json without the hub-only parts, served with the built-in plugins (run npm run openapi when this fails)', async () => {
    const withPlugins = await startTestServer({ env: { ADMIN_TOKEN: TOKEN, PLUGINS: 'odigos' } });
    try {
      const served = await adminCall(withPlugins.adminUrl, 'GET', '/api/docs-json', undefined, TOKEN);
      expect(served.status).toBe(200);
      expect(served.body).toEqual(nodeOpenApiDocument);
      // A plugin's admin route answers on the admin listener, behind the token, as the document says.
      expectOdigosWorkloads(await adminClient(withPlugins.adminUrl, TOKEN).GET('/api/v1/odigos/workloads'));
      const refused = await adminCall(withPlugins.adminUrl, 'GET', '/api/v1/odigos/workloads');
      expect(refused.status).toBe(401);
    } finally {
      await withPlugins.close();
    }
    // Without them, the same document less the plugins' routes.
    const served = await adminCall<typeof nodeOpenApiDocument>(
      server.adminUrl,
      'GET',
      '/api/docs-json',
      undefined,
      TOKEN,
    );
    const pluginPaths = Object.keys(nodeOpenApiDocument.paths).filter((path) =>
      path.startsWith('/api/v1/odigos/'),
    );
    expect(pluginPaths).toEqual(['/api/v1/odigos/workloads']);
    expect(Object.keys(served.body.paths).sort()).toEqual(
      Object.keys(nodeOpenApiDocument.paths)
        .filter((path) => !pluginPaths.includes(path))
        .sort(),
    );
  });

  it('gives every operation a 2xx answer, a named schema for each JSON answer and ApiError for each error', () => {
    expect(operations().length).toBeGreaterThan(20);
    for (const [name, operation] of operations(adminOpenApiDocument)) {
      const statuses = Object.keys(operation.responses);
      expect([name, statuses.some((status) => /^2/.test(status))]).toEqual([name, true]);
      for (const status of statuses) {
        const content = operation.responses[status]!.content;
        const ref = (content?.['application/json'] ?? content?.['text/event-stream'])?.schema?.$ref;
        if (status === '204' || content?.['application/octet-stream']) continue; // no body, or a file
        const expected = /^[45]/.test(status) ? '#/components/schemas/ApiError' : expect.any(String);
        expect([name, status, ref]).toEqual([name, status, expected]);
        expect([name, status, namedSchema(ref!.split('/').at(-1)!) !== undefined]).toEqual([
          name,
          status,
          true,
        ]);
      }
    }
  });

  it('refuses an answer with an undocumented field or a wrong type', () => {
    const url = `${server.adminUrl}/api/v1/restart-is-not-here`;
    expect(() => checkAgainstDocument('GET', url, 200, {})).toThrow(ContractViolation);
    const restart = `${server.adminUrl}/api/v1/agents/x/restart`;
    const good = { agent: 'x', command: 'restart', delivery: 'sent' };
    expect(() => checkAgainstDocument('POST', restart, 202, good)).not.toThrow();
    expect(() => checkAgainstDocument('POST', restart, 202, { ...good, extra: 1 })).toThrow(
      /does not document/,
    );
    expect(() => checkAgainstDocument('POST', restart, 202, { ...good, delivery: 'lost' })).toThrow(
      /does not match RestartResult/,
    );
    expect(() => checkAgainstDocument('POST', restart, 418, good)).toThrow(/not documented/);
  });

  it('matches what every operation answers for real agents, through the typed client', async () => {
    const ws = await WsTestAgent.connect(server.wsUrl, { authorization: `Bearer ignored` });
    const wsUid = randomUid();
    const wsId = formatInstanceUid(wsUid);
    await ws.request({
      instanceUid: wsUid,
      capabilities: CAPABLE,
      agentDescription: {
        identifyingAttributes: [attr('service.name', 'checkout'), attr('k8s.namespace.name', 'shop')],
        nonIdentifyingAttributes: [attr('k8s.node.name', 'node-a'), attr('k8s.deployment.name', 'checkout')],
      },
      health: {
        healthy: true,
        status: 'ok',
        lastError: '',
        startTimeUnixNano: 1_700_000_000_000_000_000n,
        statusTimeUnixNano: 0n,
        attributes: [attr('a', 'b')],
        componentHealthMap: {
          pipeline: {
            healthy: true,
            status: 'ok',
            lastError: '',
            startTimeUnixNano: 0n,
            statusTimeUnixNano: 0n,
            attributes: [],
            componentHealthMap: {},
          },
        },
      },
      effectiveConfig: {
        configMap: { configMap: { 'c.yaml': { body: Buffer.from('a: 1\n'), contentType: 'text/yaml' } } },
      },
    });
    const httpUid = randomUid();
    await postMessage(server.opampUrl, {
      instanceUid: httpUid,
      capabilities: bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus),
      agentDescription: {
        identifyingAttributes: [attr('service.name', 'cart')],
        nonIdentifyingAttributes: [],
      },
    });
    const files = { files: { 'c.yaml': { body: 'a: 2\n', contentType: 'text/yaml' } } };
    const path = { params: { path: { name: 'main' } } };
    const assignment = { params: { path: { name: 'main', assignment: 'shop' } } };
    const agent = { params: { path: { id: wsId } } };
    const pkg = {
      version: '1.0.0',
      downloadUrl: 'http://127.0.0.1:1/otelcol.tar.gz',
      contentHash: 'ab'.repeat(32),
    };
    const offer = { target: { agent: wsId }, opamp: { endpoint: 'ws://127.0.0.1:1/v1/opamp' } };
    const statuses: number[] = [];
    const expectOk = (result: { response: Response; error?: unknown }): void => {
      expect([result.response.url, result.error]).toEqual([result.response.url, undefined]);
      statuses.push(result.response.status);
    };

    expectOk(await client.PUT('/api/v1/configs/{name}', { ...path, body: files }));
    expectOk(await client.PUT('/api/v1/configs/{name}', { ...path, body: files }));
    expectOk(await client.GET('/api/v1/configs'));
    expectOk(await client.GET('/api/v1/configs/{name}', path));
    expectOk(
      await client.PUT('/api/v1/configs/{name}/assignments/{assignment}', {
        ...assignment,
        body: { selector: { 'k8s.namespace.name': 'shop' } },
      }),
    );
    expectOk(
      await client.PUT('/api/v1/configs/{name}/assignments/{assignment}', {
        ...assignment,
        body: { selector: { 'service.name': 'checkout' } },
      }),
    );
    expectOk(await client.GET('/api/v1/configs/{name}/assignments', path));
    expectOk(await client.GET('/api/v1/configs/{name}/assignments/{assignment}', assignment));
    expectOk(await client.PUT('/api/v1/agents/{id}/config', { ...agent, body: { config: 'main' } }));
    expectOk(await client.GET('/api/v1/agents', { params: { query: { limit: 1 } } }));
    expectOk(await client.GET('/api/v1/agents/{id}', agent));
    expectOk(
      await client.GET('/api/v1/agents/{id}', { params: { path: { id: formatInstanceUid(httpUid) } } }),
    );
    expectOk(await client.POST('/api/v1/agents/{id}/restart', agent));
    expectOk(await client.DELETE('/api/v1/agents/{id}/config', agent));
    expectOk(
      await client.PUT('/api/v1/packages/{name}', { params: { path: { name: 'otelcol' } }, body: pkg }),
    );
    expectOk(
      await client.PUT('/api/v1/packages/{name}', { params: { path: { name: 'otelcol' } }, body: pkg }),
    );
    const pkgAssignment = { params: { path: { name: 'otelcol', assignment: 'all' } } };
    expectOk(
      await client.PUT('/api/v1/packages/{name}/assignments/{assignment}', {
        ...pkgAssignment,
        body: { selector: {} },
      }),
    );
    expectOk(
      await client.PUT('/api/v1/packages/{name}/assignments/{assignment}', {
        ...pkgAssignment,
        body: { selector: {} },
      }),
    );
    const file = Buffer.from('the package file');
    const hosted = { params: { path: { name: 'hosted' } } };
    const hostedBody = { version: '1.0.0', contentHash: createHash('sha256').update(file).digest('hex') };
    const created = await client.PUT('/api/v1/packages/{name}', { ...hosted, body: hostedBody });
    expectOk(created);
    expectOk(
      await client.PUT('/api/v1/packages/{name}/file', {
        ...hosted,
        body: file as unknown as string,
        bodySerializer: (bytes: unknown) => bytes as Buffer,
        headers: { 'content-type': 'application/octet-stream' },
      }),
    );
    const download = await contractFetch(
      new Request(created.data!.downloadUrl, { headers: created.data!.headers }),
    );
    expect(Buffer.from(await download.arrayBuffer())).toEqual(file);
    expectOk(await client.DELETE('/api/v1/packages/{name}', hosted));
    expectOk(await client.GET('/api/v1/packages'));
    expectOk(await client.GET('/api/v1/packages/{name}', { params: { path: { name: 'otelcol' } } }));
    expectOk(
      await client.PUT('/api/v1/connection-offers/{name}', {
        params: { path: { name: 'move' } },
        body: offer,
      }),
    );
    expectOk(
      await client.PUT('/api/v1/connection-offers/{name}', {
        params: { path: { name: 'move' } },
        body: offer,
      }),
    );
    expectOk(await client.GET('/api/v1/connection-offers'));
    expectOk(await client.GET('/api/v1/connection-offers/{name}', { params: { path: { name: 'move' } } }));
    expectOk(await client.GET('/api/v1/agents/{id}', agent));
    expectOk(await client.GET('/api/v1/summary'));
    expectOk(await client.GET('/api/v1/server'));
    expectOk(
      await client.POST('/api/v1/configs/preview', { body: { selector: { 'service.name': 'checkout' } } }),
    );
    const events = await client.GET('/api/v1/events', { parseAs: 'stream' });
    expect(events.response.status).toBe(200);
    await events.response.body?.cancel();
    expectOk(await client.DELETE('/api/v1/connection-offers/{name}', { params: { path: { name: 'move' } } }));
    expectOk(await client.DELETE('/api/v1/packages/{name}/assignments/{assignment}', pkgAssignment));
    expectOk(await client.DELETE('/api/v1/packages/{name}', { params: { path: { name: 'otelcol' } } }));
    expectOk(await client.DELETE('/api/v1/configs/{name}/assignments/{assignment}', assignment));
    expectOk(await client.DELETE('/api/v1/configs/{name}', path));
    const missing = await client.GET('/api/v1/agents/{id}', { params: { path: { id: 'no-such-agent' } } });
    expect(missing.error?.message).toMatch(/no agent "no-such-agent"/);
    ws.close();

    expect(statuses).toEqual(expect.arrayContaining([200, 201, 202, 204]));
    const answered = new Set(
      [...seenResponses].filter((seen) => / 2\d\d$/.test(seen)).map((seen) => seen.replace(/ \d+$/, '')),
    );
    const unexercised = operations()
      .map(([name]) => name)
      .filter((name) => !answered.has(name));
    expect(unexercised).toEqual([]);
  });
});
