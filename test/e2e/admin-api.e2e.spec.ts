import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { AgentCapabilities, CommandType } from '../../src/generated/opamp/v1/opamp.js';
import { bitmask, formatInstanceUid } from '../../src/modules/protocol/index.js';
import { adminCall, EventStream, oneFileConfig, type JsonObject } from '../support/admin-client.js';
import { postMessage } from '../support/http-agent.js';
import { attr, description, randomUid } from '../support/opamp-messages.js';
import { captureLogs } from '../support/logs.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const TOKEN = 'a-long-enough-admin-token';
const RESTARTABLE = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsRestartCommand,
);
const PLAIN = bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus);

interface Page extends JsonObject {
  items: Array<{ id: string; transport: string; health: string }>;
  total: number;
  nextCursor: string | null;
}

describe('admin REST API', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeAll(async () => {
    server = await startTestServer({ env: { ADMIN_TOKEN: TOKEN } });
  });
  afterAll(() => server.close());
  afterEach(() => pool.closeAll());

  /** Calls with the admin token unless `token` says otherwise (`null`: none). */
  const call = <T = JsonObject>(method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
    adminCall<T>(server.adminUrl, method, path, body, token ?? undefined);

  describe('authorization', () => {
    it('refuses every call without the ADMIN_TOKEN bearer token, reads included', async () => {
      const missing = await call('PUT', '/api/v1/configs/x', oneFileConfig('a'), null);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(missing.body.message).toMatch(/Authorization: Bearer/);
      expect(
        (await call('PUT', '/api/v1/configs/x', oneFileConfig('a'), 'not-the-token-at-all')).status,
      ).toBe(401);
      expect((await call('POST', '/api/v1/agents/any/restart', undefined, null)).status).toBe(401);
      expect((await call('DELETE', '/api/v1/configs/x', undefined, null)).status).toBe(401);
      expect((await call('GET', '/api/v1/configs', undefined, null)).status).toBe(401);
      expect((await call('GET', '/api/v1/agents', undefined, null)).status).toBe(401);
      expect((await call('GET', '/api/v1/agents', undefined, 'not-the-token-at-all')).status).toBe(401);
      expect((await call('GET', '/api/v1/agents')).status).toBe(200);
      expect((await call('PUT', '/api/v1/configs/x', oneFileConfig('a'))).status).toBe(201);
    });

    it('leaves one audit line per change, refused ones included: who, what, outcome; none for reads', async () => {
      const lines = captureLogs();
      await call('PUT', '/api/v1/configs/audited', oneFileConfig('a'));
      await call('DELETE', '/api/v1/configs/audited', undefined, 'not-the-token-at-all');
      await call('GET', '/api/v1/configs');
      const audit = lines.filter((line) => line.fields?.audit === true).map((line) => line.fields);
      expect(audit).toEqual([
        {
          audit: true,
          who: { caller: expect.stringMatching(/^sha256:[0-9a-f]{12}$/), remote: '127.0.0.1' },
          what: { method: 'PUT', path: '/api/v1/configs/audited' },
          outcome: 201,
        },
        {
          audit: true,
          who: { caller: 'wrong-token', remote: '127.0.0.1' },
          what: { method: 'DELETE', path: '/api/v1/configs/audited' },
          outcome: 401,
        },
      ]);
      expect(JSON.stringify(lines)).not.toContain(TOKEN);
    });
  });

  describe('validation', () => {
    it.each<[string, string, string, unknown, RegExp]>([
      ['no files', 'PUT', '/api/v1/configs/cfg', { files: {} }, /files: must hold at least one file/],
      [
        'a file name with a slash',
        'PUT',
        '/api/v1/configs/cfg',
        { files: { 'a/b': { body: 'x' } } },
        /files\.a\/b: invalid key: .*letters, digits/,
      ],
      [
        'a body that is not text',
        'PUT',
        '/api/v1/configs/cfg',
        { files: { a: { body: 1 } } },
        /files\.a\.body: .*expected string/,
      ],
      [
        'an unknown field',
        'PUT',
        '/api/v1/configs/cfg',
        { files: { a: { body: 'x' } }, extra: 1 },
        /Unrecognized key.*extra/,
      ],
      [
        'a bad encoding',
        'PUT',
        '/api/v1/configs/cfg',
        { files: { a: { body: 'x', encoding: 'hex' } } },
        /encoding/,
      ],
      [
        'an upper-case config name',
        'PUT',
        '/api/v1/configs/Bad_Name',
        oneFileConfig('x'),
        /config name.*lower-case/,
      ],
      ['no body', 'PUT', '/api/v1/configs/cfg', undefined, /invalid body/],
      [
        'both agent and selector',
        'PUT',
        '/api/v1/configs/x/assignments/a',
        { agent: 'a', selector: {} },
        /exactly one of "agent"/,
      ],
      [
        'a selector value that is not text',
        'PUT',
        '/api/v1/configs/x/assignments/a',
        { selector: { env: 1 } },
        /selector\.env/,
      ],
      [
        'a bad agent config body',
        'PUT',
        '/api/v1/agents/any/config',
        { name: 'x' },
        /config: .*expected string/,
      ],
      ['a bad page size', 'GET', '/api/v1/agents?limit=0', undefined, /limit: /],
      ['an unknown health', 'GET', '/api/v1/agents?health=sick', undefined, /health: /],
    ])('answers 400 with the reason for %s', async (_what, method, path, body, reason) => {
      const response = await call(method, path, body);
      expect(response.status).toBe(400);
      expect(response.body.message).toMatch(reason);
    });

    it('answers 400 to a body that is not JSON', async () => {
      const response = await call('PUT', '/api/v1/configs/cfg', '{"files": ');
      expect(response.status).toBe(400);
    });
  });

  describe('configs', () => {
    it('answers 404 for a config or assignment that does not exist', async () => {
      expect((await call('GET', '/api/v1/configs/missing')).status).toBe(404);
      expect((await call('DELETE', '/api/v1/configs/missing')).status).toBe(404);
      const assign = await call('PUT', '/api/v1/configs/missing/assignments/a', { selector: {} });
      expect(assign.status).toBe(404);
      expect(assign.body.message).toMatch(/no config named "missing"/);
      await call('PUT', '/api/v1/configs/present', oneFileConfig('x'));
      expect((await call('GET', '/api/v1/configs/present/assignments/nope')).status).toBe(404);
      expect((await call('PUT', '/api/v1/agents/not-connected/config', { config: 'present' })).status).toBe(
        404,
      );
    });

    it('keeps binary files as base64 and shows them back the same way', async () => {
      const bytes = Buffer.from([0, 1, 2, 0xfe]);
      const put = await call('PUT', '/api/v1/configs/binary', {
        files: {
          'cert.der': {
            body: bytes.toString('base64'),
            encoding: 'base64',
            contentType: 'application/pkix-cert',
          },
        },
      });
      expect(put.status).toBe(201);
      const config = await call<{ files: JsonObject; hash: string }>('GET', '/api/v1/configs/binary');
      expect(config.body.files).toEqual({
        'cert.der': {
          contentType: 'application/pkix-cert',
          encoding: 'base64',
          body: bytes.toString('base64'),
        },
      });
      expect(config.body.hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await call('DELETE', '/api/v1/configs/binary')).status).toBe(204);
    });
  });

  describe('OpenAPI', () => {
    it('documents every route of the admin API', async () => {
      const document = await call<{ paths: Record<string, Record<string, unknown>>; info: JsonObject }>(
        'GET',
        '/api/docs-json',
      );
      expect(document.status).toBe(200);
      const routes = Object.entries(document.body.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes).toEqual(
        expect.arrayContaining([
          'GET /api/v1/agents',
          'GET /api/v1/agents/{id}',
          'PUT /api/v1/agents/{id}/config',
          'DELETE /api/v1/agents/{id}/config',
          'POST /api/v1/agents/{id}/restart',
          'GET /api/v1/configs',
          'GET /api/v1/configs/{name}',
          'PUT /api/v1/configs/{name}',
          'DELETE /api/v1/configs/{name}',
          'GET /api/v1/configs/{name}/assignments',
          'GET /api/v1/configs/{name}/assignments/{assignment}',
          'PUT /api/v1/configs/{name}/assignments/{assignment}',
          'DELETE /api/v1/configs/{name}/assignments/{assignment}',
        ]),
      );
      // Probes and metrics live on their own listener, not in the admin API.
      expect(routes.some((route) => /\/(metrics|healthz|readyz)$/.test(route))).toBe(false);
      const putConfig = document.body.paths['/api/v1/configs/{name}']!.put as JsonObject;
      expect(JSON.stringify(putConfig.requestBody)).toContain('"files"');
    });
  });

  describe('agents', () => {
    it('lists agents filtered by attribute, health and transport, in stable pages', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const uid = randomUid();
        ids.push(formatInstanceUid(uid));
        await postMessage(server.opampUrl, {
          instanceUid: uid,
          agentDescription: description(`lister-${i}`, [
            attr('pool', 'listing'),
            attr('parity', i % 2 ? 'odd' : 'even'),
          ]),
          health: {
            healthy: i !== 0,
            status: 'ok',
            lastError: '',
            startTimeUnixNano: 0n,
            statusTimeUnixNano: 0n,
            componentHealthMap: {},
            attributes: [],
          },
        });
      }
      const agent = await pool.connect();
      const wsUid = randomUid();
      await agent.request({
        instanceUid: wsUid,
        agentDescription: description('ws-lister', [attr('pool', 'listing')]),
      });

      const even = await call<Page>('GET', '/api/v1/agents?attr.pool=listing&attr.parity=even');
      expect(even.body.items.map((a) => a.id).sort()).toEqual([ids[0], ids[2], ids[4]].sort());
      const unhealthy = await call<Page>('GET', '/api/v1/agents?attr.pool=listing&health=unhealthy');
      expect(unhealthy.body.items.map((a) => a.id)).toEqual([ids[0]]);
      const unknown = await call<Page>(
        'GET',
        '/api/v1/agents?attr.pool=listing&health=unknown&transport=websocket',
      );
      expect(unknown.body.items.map((a) => a.id)).toEqual([formatInstanceUid(wsUid)]);
      const byService = await call<Page>('GET', '/api/v1/agents?attr.service.name=lister-3');
      expect(byService.body.items.map((a) => a.id)).toEqual([ids[3]]);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<typeof call<Page>>> = await call<Page>(
          'GET',
          `/api/v1/agents?attr.pool=listing&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.body.total).toBe(6);
        seen.push(...page.body.items.map((a) => a.id));
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([...ids, formatInstanceUid(wsUid)].sort());
    });

    it('describes one agent as JSON: ids, attributes, capability names, health tree, configs, connection', async () => {
      const uid = Buffer.from('odigos-agent-text-uid');
      await postMessage(server.opampUrl, {
        instanceUid: uid,
        sequenceNum: 7n,
        capabilities: bitmask(
          AgentCapabilities.AgentCapabilities_ReportsStatus,
          AgentCapabilities.AgentCapabilities_ReportsHealth,
          AgentCapabilities.AgentCapabilities_ReportsEffectiveConfig,
        ),
        agentDescription: {
          identifyingAttributes: [
            attr('service.name', 'detailed'),
            { key: 'pid', value: { value: { $case: 'intValue', value: 4242n } } },
          ],
          nonIdentifyingAttributes: [
            { key: 'raw', value: { value: { $case: 'bytesValue', value: Buffer.from([1, 2]) } } },
          ],
        },
        health: {
          healthy: false,
          status: 'degraded',
          lastError: 'exporter down',
          startTimeUnixNano: 1_700_000_000_000_000_000n,
          statusTimeUnixNano: 0n,
          attributes: [],
          componentHealthMap: {
            exporter: {
              healthy: false,
              status: 'failing',
              lastError: 'refused',
              startTimeUnixNano: 0n,
              statusTimeUnixNano: 0n,
              attributes: [],
              componentHealthMap: {},
            },
          },
        },
        effectiveConfig: {
          configMap: {
            configMap: {
              'text.yaml': { body: Buffer.from('a: 1\n'), contentType: 'text/yaml' },
              'blob.bin': { body: Buffer.from([0, 0xff, 0x10]), contentType: 'application/octet-stream' },
            },
          },
        },
      });

      const response = await call('GET', `/api/v1/agents/${encodeURIComponent('odigos-agent-text-uid')}`);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(
        expect.objectContaining({
          id: 'odigos-agent-text-uid',
          instanceUid: uid.toString('hex'),
          transport: 'http',
          sequenceNum: 7,
          description: {
            identifyingAttributes: { 'service.name': 'detailed', pid: 4242 },
            nonIdentifyingAttributes: { raw: 'AQI=' },
          },
          capabilities: ['ReportsStatus', 'ReportsEffectiveConfig', 'ReportsHealth'],
          acceptsRestart: false,
          health: expect.objectContaining({
            healthy: false,
            lastError: 'exporter down',
            startTime: '2023-11-14T22:13:20.000Z',
            statusTime: null,
            components: { exporter: expect.objectContaining({ healthy: false, lastError: 'refused' }) },
          }),
          effectiveConfig: {
            files: {
              'text.yaml': { contentType: 'text/yaml', encoding: 'utf8', body: 'a: 1\n' },
              'blob.bin': { contentType: 'application/octet-stream', encoding: 'base64', body: 'AP8Q' },
            },
          },
          remoteConfig: expect.objectContaining({ source: 'none', state: 'none', hash: null }),
          identity: { provider: 'instance-uid', key: 'odigos-agent-text-uid', labels: {}, attributes: {} },
          connection: expect.objectContaining({ open: true }),
        }),
      );
      expect((await call('GET', '/api/v1/agents/no-such-agent')).status).toBe(404);
    });
  });

  describe('agents list for a UI', () => {
    /** Six HTTP agents in pool `ui`: nodes a/b, namespaces shop/ops, several workload kinds. */
    const placed = [
      { service: 'checkout', node: 'node-b', namespace: 'shop', kind: 'deployment', workload: 'checkout' },
      { service: 'cart', node: 'node-a', namespace: 'shop', kind: 'deployment', workload: 'cart' },
      { service: 'db', node: 'node-a', namespace: 'shop', kind: 'statefulset', workload: 'db' },
      { service: 'collector', node: 'node-b', namespace: 'ops', kind: 'daemonset', workload: 'collector' },
      { service: 'backup', node: 'node-a', namespace: 'ops', kind: 'cronjob', workload: 'backup' },
      { service: 'Legacy-Thing', node: 'node-c', namespace: 'ops', kind: null, workload: null },
    ];
    const idOf = new Map<string, string>();
    const ids = (page: { body: Page }): string[] => page.body.items.map((a) => a.id);
    const byService = (...services: string[]): string[] => services.map((s) => idOf.get(s)!);

    beforeAll(async () => {
      for (const agent of placed) {
        const uid = randomUid();
        idOf.set(agent.service, formatInstanceUid(uid));
        await postMessage(server.opampUrl, {
          instanceUid: uid,
          agentDescription: {
            identifyingAttributes: [
              attr('service.name', agent.service),
              attr('k8s.namespace.name', agent.namespace),
            ],
            nonIdentifyingAttributes: [
              attr('pool', 'ui'),
              attr('k8s.node.name', agent.node),
              ...(agent.kind ? [attr(`k8s.${agent.kind}.name`, agent.workload!)] : []),
            ],
          },
        });
      }
    });

    it('gives each agent its service name, node, namespace and workload', async () => {
      const page = await call<{ items: JsonObject[] }>('GET', `/api/v1/agents?attr.pool=ui&q=checkout`);
      expect(page.body.items).toEqual([
        expect.objectContaining({
          id: idOf.get('checkout'),
          serviceName: 'checkout',
          node: 'node-b',
          namespace: 'shop',
          workload: 'checkout',
          workloadKind: 'deployment',
        }),
      ]);
      const legacy = await call<{ items: JsonObject[] }>('GET', `/api/v1/agents?attr.pool=ui&node=node-c`);
      expect(legacy.body.items).toEqual([
        expect.objectContaining({ serviceName: 'Legacy-Thing', workload: null, workloadKind: null }),
      ]);
    });

    it.each<[string, string, string[]]>([
      ['node', 'node=node-a', ['cart', 'db', 'backup']],
      ['namespace', 'namespace=ops', ['collector', 'backup', 'Legacy-Thing']],
      ['workload name', 'workload=db', ['db']],
      ['workload kind/name', 'workload=daemonset/collector', ['collector']],
      ['a wrong workload kind', 'workload=deployment/collector', []],
      ['text in the service name, any case', 'q=legacy', ['Legacy-Thing']],
      ['text in an attribute value', 'q=DE-C', ['Legacy-Thing']],
      ['text in an attribute key', 'q=k8s.cronjob', ['backup']],
      ['node and namespace together', 'node=node-b&namespace=shop', ['checkout']],
    ])('filters by %s', async (_what, filter, services) => {
      const page = await call<Page>('GET', `/api/v1/agents?attr.pool=ui&${filter}`);
      expect(ids(page).sort()).toEqual(byService(...services).sort());
      expect(page.body.total).toBe(services.length);
    });

    it('finds text in the agent id', async () => {
      const id = idOf.get('db')!;
      const page = await call<Page>('GET', `/api/v1/agents?q=${id.slice(3, 15).toUpperCase()}`);
      expect(ids(page)).toEqual([id]);
    });

    it('sorts by a column with ties by id, in either order', async () => {
      const sortedIds = (...services: string[]): string[] => byService(...services).sort();
      const byNode = await call<Page>('GET', '/api/v1/agents?attr.pool=ui&sort=node');
      expect(ids(byNode)).toEqual([
        ...sortedIds('cart', 'db', 'backup'),
        ...sortedIds('checkout', 'collector'),
        ...byService('Legacy-Thing'),
      ]);
      const byNodeDesc = await call<Page>('GET', '/api/v1/agents?attr.pool=ui&sort=node&order=desc');
      expect(ids(byNodeDesc)).toEqual([
        ...byService('Legacy-Thing'),
        ...sortedIds('checkout', 'collector'),
        ...sortedIds('cart', 'db', 'backup'),
      ]);
      const byWorkload = await call<Page>('GET', '/api/v1/agents?attr.pool=ui&sort=workload');
      expect(ids(byWorkload)).toEqual(
        byService('Legacy-Thing', 'backup', 'cart', 'checkout', 'collector', 'db'),
      );
      // Agents posted one after another can share a millisecond: newest first, ties by id ascending.
      const newestFirst = await call<{ items: Array<{ id: string; lastSeen: string }> }>(
        'GET',
        '/api/v1/agents?attr.pool=ui&sort=lastSeen&order=desc',
      );
      const seen = newestFirst.body.items.map((a) => ({ id: a.id, at: Date.parse(a.lastSeen) }));
      const expected = [...seen].sort((x, y) => y.at - x.at || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      expect(seen).toEqual(expected);
      expect(seen).toHaveLength(placed.length);
      expect(seen[0].at).toBe(Math.max(...seen.map((a) => a.at)));
      expect(seen.find((a) => a.id === idOf.get('Legacy-Thing'))!.at).toBe(seen[0].at);
    });

    it('pages through any sort with a cursor that survives agents coming and going', async () => {
      for (const [sort, order] of [
        ['node', 'asc'],
        ['namespace', 'desc'],
        ['health', 'asc'],
        ['configState', 'desc'],
        ['lastSeen', 'asc'],
      ]) {
        const all = ids(await call<Page>('GET', `/api/v1/agents?attr.pool=ui&sort=${sort}&order=${order}`));
        const paged: string[] = [];
        let cursor: string | null = null;
        do {
          const after: string = cursor === null ? '' : `&cursor=${cursor}`;
          const page: { body: Page } = await call<Page>(
            'GET',
            `/api/v1/agents?attr.pool=ui&sort=${sort}&order=${order}&limit=2${after}`,
          );
          paged.push(...ids(page));
          cursor = page.body.nextCursor;
        } while (cursor !== null && paged.length <= placed.length);
        expect([sort, order, paged]).toEqual([sort, order, all]);
      }
      const first = await call<Page>('GET', '/api/v1/agents?attr.pool=ui&sort=node&limit=2');
      // An agent sorting before the cursor arrives: the next page neither repeats nor skips anyone.
      const early = randomUid();
      await postMessage(server.opampUrl, {
        instanceUid: early,
        agentDescription: {
          identifyingAttributes: [attr('service.name', 'early')],
          nonIdentifyingAttributes: [attr('pool', 'ui'), attr('k8s.node.name', 'node-0')],
        },
      });
      const second = await call<Page>(
        'GET',
        `/api/v1/agents?attr.pool=ui&sort=node&limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(ids(second)).toEqual([
        [...byService('cart', 'db', 'backup')].sort()[2],
        [...byService('checkout', 'collector')].sort()[0],
      ]);
      expect(ids(second)).not.toContain(formatInstanceUid(early));
    });

    it('previews the agents a selector reaches, with the fleet’s own matching', async () => {
      const preview = await call<Page>('POST', '/api/v1/configs/preview', {
        selector: { pool: 'ui', 'k8s.node.name': 'node-a' },
        limit: 2,
      });
      expect(preview.status).toBe(200);
      expect(preview.body.total).toBe(3);
      expect(ids(preview)).toEqual(byService('cart', 'db', 'backup').sort().slice(0, 2));
      const bad = await call('POST', '/api/v1/configs/preview', { selector: { pool: 1 } });
      expect(bad.status).toBe(400);
    });

    it('refuses a cursor of another sort and one it did not make', async () => {
      const first = await call<Page>('GET', '/api/v1/agents?attr.pool=ui&sort=node&limit=1');
      const other = await call('GET', `/api/v1/agents?sort=namespace&cursor=${first.body.nextCursor}`);
      expect(other.status).toBe(400);
      expect(other.body.message).toMatch(/cursor: it continues sort=node&order=asc/);
      const forged = await call('GET', '/api/v1/agents?cursor=bm90LWpzb24');
      expect(forged.status).toBe(400);
      expect((await call('GET', '/api/v1/agents?sort=color')).status).toBe(400);
    });
  });

  describe('server and summary', () => {
    it('says which server answers: version, node, start time, agents, plugins', async () => {
      const before = Date.now();
      const info = await call<JsonObject>('GET', '/api/v1/server');
      expect(info.status).toBe(200);
      const { version } = JSON.parse(
        readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      expect(info.body).toEqual(
        expect.objectContaining({
          name: 'opamp-nest',
          version,
          nodeVersion: process.version,
          nodeName: hostname(),
          nodeLocal: false,
          configStore: 'memory',
          agents: server.registry.list().length,
        }),
      );
      expect(Date.parse(info.body.startedAt as string)).toBeLessThanOrEqual(before);
      expect(info.body.plugins).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: expect.any(String) })]),
      );
    });

    it('counts the agents by health, transport, config state, node and namespace', async () => {
      const uid = randomUid();
      await postMessage(server.opampUrl, {
        instanceUid: uid,
        agentDescription: {
          identifyingAttributes: [attr('service.name', 'counted')],
          nonIdentifyingAttributes: [
            attr('k8s.node.name', 'node-summary'),
            attr('k8s.namespace.name', 'counting'),
          ],
        },
        health: {
          healthy: false,
          status: 'down',
          lastError: 'x',
          startTimeUnixNano: 0n,
          statusTimeUnixNano: 0n,
          componentHealthMap: {},
          attributes: [],
        },
      });
      const summary = await call<{
        total: number;
        byHealth: Record<string, number>;
        byTransport: Record<string, number>;
        byConfigState: Record<string, number>;
        byNode: Record<string, number>;
        byNamespace: Record<string, number>;
        unplaced: number;
      }>('GET', '/api/v1/summary');
      const sessions = server.registry.list();
      const { body } = summary;
      expect(body.total).toBe(sessions.length);
      expect(body.byNode['node-summary']).toBe(1);
      expect(body.byNamespace.counting).toBe(1);
      expect(body.byHealth.unhealthy).toBe(sessions.filter((s) => s.status.health?.healthy === false).length);
      expect(body.byTransport.http + body.byTransport.websocket).toBe(sessions.length);
      const sum = (counts: Record<string, number>): number =>
        Object.values(counts).reduce((a, b) => a + b, 0);
      expect(sum(body.byHealth)).toBe(sessions.length);
      expect(sum(body.byConfigState)).toBe(sessions.length);
      expect(sum(body.byNode) + body.unplaced).toBe(sessions.length);
    });
  });

  describe('live events', () => {
    it('streams connected, coalesced updates, config changes and disconnected, behind the token', async () => {
      expect((await call('GET', '/api/v1/events', undefined, null)).status).toBe(401);
      const stream = await EventStream.open(server.adminUrl, TOKEN);
      try {
        const agent = await pool.connect();
        const uid = randomUid();
        const id = formatInstanceUid(uid);
        const ofAgent = (type: string) =>
          stream.events.filter((e) => e.event === type && e.data.agent?.id === id);
        await agent.request({ instanceUid: uid, capabilities: PLAIN, agentDescription: description('live') });
        await stream.until(() => ofAgent('agent.connected').length === 1);
        expect(ofAgent('agent.connected')[0]!.data.agent).toEqual(
          expect.objectContaining({ id, serviceName: 'live', transport: 'websocket' }),
        );
        // A burst of health changes: one update per 500 ms at most, the last with the latest health.
        const burstStart = Date.now();
        for (let i = 0; i < 6; i++) {
          await agent.request({
            instanceUid: uid,
            sequenceNum: BigInt(i + 1),
            health: {
              healthy: i % 2 === 1,
              status: `s${i}`,
              lastError: '',
              startTimeUnixNano: 0n,
              statusTimeUnixNano: 0n,
              componentHealthMap: {},
              attributes: [],
            },
          });
        }
        const burstMs = Date.now() - burstStart;
        await stream.until(() => ofAgent('agent.updated').length >= 1);
        await new Promise((resolve) => setTimeout(resolve, 700));
        const updates = ofAgent('agent.updated').map((e) => e.data.agent!.health);
        expect(updates.at(-1)).toBe('healthy');
        expect(updates.length).toBeLessThanOrEqual(1 + Math.floor(burstMs / 500));

        await call('PUT', '/api/v1/configs/live-events', oneFileConfig('a: 1'));
        await stream.until(() =>
          stream.events.some((e) => e.event === 'config.changed' && e.data.configs?.includes('live-events')),
        );

        agent.close();
        await stream.until(() => ofAgent('agent.disconnected').length === 1);
      } finally {
        await stream.close();
      }
    });
  });

  describe('restart', () => {
    it('refuses to restart an agent that does not accept the command, and sends it nothing', async () => {
      const agent = await pool.connect();
      const uid = randomUid();
      await agent.request({
        instanceUid: uid,
        capabilities: PLAIN,
        agentDescription: description('stubborn'),
      });

      const response = await call('POST', `/api/v1/agents/${formatInstanceUid(uid)}/restart`);

      expect(response.status).toBe(409);
      expect(response.body).toEqual(
        expect.objectContaining({
          capability: 'AcceptsRestartCommand',
          message: expect.stringMatching(/does not accept the restart command/),
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(agent.received).toHaveLength(1);
    });

    it('delivers the restart command at once over WebSocket', async () => {
      const agent = await pool.connect();
      const uid = randomUid();
      await agent.request({
        instanceUid: uid,
        capabilities: RESTARTABLE,
        agentDescription: description('restartable'),
      });

      const response = await call('POST', `/api/v1/agents/${formatInstanceUid(uid)}/restart`);

      expect(response.status).toBe(202);
      expect(response.body).toEqual({ agent: formatInstanceUid(uid), command: 'restart', delivery: 'sent' });
      expect((await agent.nextMessage(1)).command?.type).toBe(CommandType.CommandType_Restart);
    });

    it('queues the restart command for an HTTP agent until its next poll', async () => {
      const uid = randomUid();
      await postMessage(server.opampUrl, {
        instanceUid: uid,
        capabilities: RESTARTABLE,
        agentDescription: description('poller'),
      });

      const response = await call('POST', `/api/v1/agents/${formatInstanceUid(uid)}/restart`);

      expect(response.body).toEqual(expect.objectContaining({ delivery: 'queued' }));
      expect((await call('GET', `/api/v1/agents/${formatInstanceUid(uid)}`)).body.pending).toEqual([
        'command',
      ]);
      const next = await postMessage(server.opampUrl, {
        instanceUid: uid,
        sequenceNum: 1n,
        capabilities: RESTARTABLE,
      });
      expect(next.message?.command?.type).toBe(CommandType.CommandType_Restart);
    });
  });
});
