import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  AgentCapabilities,
  PackageStatusEnum,
  ServerCapabilities,
  type PackageStatuses,
} from '../../src/generated/opamp/v1/opamp.js';
import { bitmask, formatInstanceUid, hasCapability } from '../../src/modules/protocol/index.js';
import { adminCall, type JsonObject } from '../support/admin-client.js';
import { postMessage } from '../support/http-agent.js';
import { description, randomUid } from '../support/opamp-messages.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { WsAgentPool } from '../support/ws-agent.js';

const ACCEPTS_PACKAGES = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_AcceptsPackages,
  AgentCapabilities.AgentCapabilities_ReportsPackageStatuses,
);
const REPORTS_ONLY = bitmask(AgentCapabilities.AgentCapabilities_ReportsStatus);
const sha256hex = (text: string): string => createHash('sha256').update(text).digest('hex');

const packageBody = (version: string, content = `binary ${version}`): JsonObject => ({
  version,
  downloadUrl: `https://downloads.test/otelcol-${version}.tar.gz`,
  contentHash: sha256hex(content),
});

interface PackageView extends JsonObject {
  hash: string;
  rollout: {
    agents: number;
    pending: number;
    installing: number;
    installed: number;
    failed: number;
    failedAgents: Array<{ agent: string; errorMessage: string }>;
  };
}

describe('packages offered through the admin API', () => {
  let server: TestServer;
  const pool = new WsAgentPool(() => server.wsUrl);

  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    pool.closeAll();
    await server.close();
  });

  const api = <T = JsonObject>(method: string, path: string, body?: unknown) =>
    adminCall<T>(server.adminUrl, method, path, body);

  /** Creates package `otelcol` and assigns it to every agent. */
  const offerToEveryone = async (version = '1.0.0'): Promise<PackageView> => {
    const created = await api<PackageView>('PUT', '/api/v1/packages/otelcol', packageBody(version));
    expect(created.status).toBe(201);
    expect((await api('PUT', '/api/v1/packages/otelcol/assignments/all', { selector: {} })).status).toBe(201);
    return created.body;
  };

  const statuses = (
    allHash: Buffer,
    status: PackageStatusEnum,
    hash: Buffer,
    error = '',
  ): PackageStatuses => ({
    serverProvidedAllPackagesHash: allHash,
    errorMessage: '',
    packages: {
      otelcol: {
        name: 'otelcol',
        agentHasVersion: '',
        agentHasHash: Buffer.alloc(0),
        serverOfferedVersion: '1.0.0',
        serverOfferedHash: hash,
        status,
        errorMessage: error,
        downloadDetails: undefined,
      },
    },
  });

  it('offers the package over HTTP to an agent that accepts packages, not to one that does not', async () => {
    const offered = await offerToEveryone();
    const uid = randomUid();
    const reply = await postMessage(server.opampUrl, {
      instanceUid: uid,
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('accepts'),
    });
    expect(
      hasCapability(reply.message!.capabilities, ServerCapabilities.ServerCapabilities_OffersPackages),
    ).toBe(true);
    const available = reply.message!.packagesAvailable;
    expect(available?.packages.otelcol?.version).toBe('1.0.0');
    expect(available?.packages.otelcol?.hash.toString('hex')).toBe(offered.hash);
    expect(available?.packages.otelcol?.file?.contentHash.toString('hex')).toBe(sha256hex('binary 1.0.0'));
    expect(available?.allPackagesHash).toHaveLength(32);

    const other = await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: REPORTS_ONLY,
      agentDescription: description('reports-only'),
    });
    expect(other.message!.packagesAvailable).toBeUndefined();
  });

  it('re-offers until the agent reports the offered all-packages hash, and again after a catalog change', async () => {
    await offerToEveryone();
    const uid = randomUid();
    const send = (sequenceNum: bigint, packageStatuses?: PackageStatuses) =>
      postMessage(server.opampUrl, {
        instanceUid: uid,
        sequenceNum,
        capabilities: ACCEPTS_PACKAGES,
        agentDescription: sequenceNum === 0n ? description('poller') : undefined,
        packageStatuses,
      });
    const first = (await send(0n)).message!.packagesAvailable!;
    expect((await send(1n)).message!.packagesAvailable?.allPackagesHash).toEqual(first.allPackagesHash);

    const hash = first.packages.otelcol!.hash;
    const inSync = await send(
      2n,
      statuses(first.allPackagesHash, PackageStatusEnum.PackageStatusEnum_Installed, hash),
    );
    expect(inSync.message!.packagesAvailable).toBeUndefined();
    expect((await send(3n)).message!.packagesAvailable).toBeUndefined();

    expect((await api('PUT', '/api/v1/packages/otelcol', packageBody('1.1.0'))).status).toBe(200);
    const reoffer = (await send(4n)).message!.packagesAvailable;
    expect(reoffer?.packages.otelcol?.version).toBe('1.1.0');
    expect(reoffer?.allPackagesHash.equals(first.allPackagesHash)).toBe(false);
  });

  it('pushes a catalog change to a WebSocket agent at once', async () => {
    await offerToEveryone();
    const agent = await pool.connect();
    const uid = randomUid();
    const first = await agent.request({
      instanceUid: uid,
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('ws'),
    });
    const offer = first.packagesAvailable!;
    await agent.request({
      instanceUid: uid,
      sequenceNum: 1n,
      capabilities: ACCEPTS_PACKAGES,
      packageStatuses: statuses(
        offer.allPackagesHash,
        PackageStatusEnum.PackageStatusEnum_Installed,
        offer.packages.otelcol!.hash,
      ),
    });
    const received = agent.received.length;

    expect((await api('PUT', '/api/v1/packages/otelcol', packageBody('2.0.0'))).status).toBe(200);

    const push = await agent.nextMessage(received);
    expect(push.packagesAvailable?.packages.otelcol?.version).toBe('2.0.0');
  });

  it('shows reported statuses in the agent view and counts the rollout', async () => {
    const offered = await offerToEveryone();
    const hash = Buffer.from(offered.hash, 'hex');
    const report = async (name: string, status: PackageStatusEnum, error = ''): Promise<string> => {
      const uid = randomUid();
      const first = await postMessage(server.opampUrl, {
        instanceUid: uid,
        capabilities: ACCEPTS_PACKAGES,
        agentDescription: description(name),
      });
      await postMessage(server.opampUrl, {
        instanceUid: uid,
        sequenceNum: 1n,
        capabilities: ACCEPTS_PACKAGES,
        packageStatuses: statuses(first.message!.packagesAvailable!.allPackagesHash, status, hash, error),
      });
      return formatInstanceUid(uid);
    };
    const failed = await report('a', PackageStatusEnum.PackageStatusEnum_InstallFailed, 'disk full');
    await report('b', PackageStatusEnum.PackageStatusEnum_Installed);
    await report('c', PackageStatusEnum.PackageStatusEnum_Downloading);
    await postMessage(server.opampUrl, {
      instanceUid: randomUid(),
      capabilities: ACCEPTS_PACKAGES,
      agentDescription: description('d'),
    });

    const view = await api<{ packages: JsonObject }>('GET', `/api/v1/agents/${failed}`);
    expect(view.body.packages).toEqual(
      expect.objectContaining({
        packages: {
          otelcol: expect.objectContaining({
            status: 'InstallFailed',
            errorMessage: 'disk full',
            serverOfferedHash: offered.hash,
          }),
        },
      }),
    );
    const { rollout } = (await api<PackageView>('GET', '/api/v1/packages/otelcol')).body;
    expect(rollout).toEqual(
      expect.objectContaining({ agents: 4, pending: 1, installing: 1, installed: 1, failed: 1 }),
    );
    expect(rollout.failedAgents).toEqual([{ agent: failed, errorMessage: 'disk full' }]);
    const list = await api<{ items: PackageView[] }>('GET', '/api/v1/packages');
    expect(list.body.items.map((p) => p.rollout.agents)).toEqual([4]);

    const metrics = parsePrometheusText(await (await fetch(`${server.healthUrl}/metrics`)).text());
    expect(
      sampleValue(metrics.samples, 'opamp_package_agents', { package: 'otelcol', state: 'failed' }),
    ).toBe(1);
    expect(
      sampleValue(metrics.samples, 'opamp_package_agents', { package: 'otelcol', state: 'installed' }),
    ).toBe(1);
    expect(sampleValue(metrics.samples, 'opamp_package_offers_total', {})).toBeGreaterThanOrEqual(4);
  });

  it('refuses bad bodies, answers 404 for unknown packages, and documents response schemas', async () => {
    expect(
      (await api('PUT', '/api/v1/packages/otelcol', { version: '1', downloadUrl: 'x', contentHash: 'ab' }))
        .status,
    ).toBe(400);
    expect((await api('GET', '/api/v1/packages/nope')).status).toBe(404);
    expect((await api('PUT', '/api/v1/packages/nope/assignments/all', { selector: {} })).status).toBe(404);
    await offerToEveryone();
    expect((await api('DELETE', '/api/v1/packages/otelcol/assignments/none')).status).toBe(404);
    expect((await api('DELETE', '/api/v1/packages/otelcol/assignments/all')).status).toBe(204);
    expect((await api('DELETE', '/api/v1/packages/otelcol')).status).toBe(204);
    expect((await api('GET', '/api/v1/packages/otelcol')).status).toBe(404);

    const doc = await api<{ paths: Record<string, Record<string, JsonObject>> }>('GET', '/api/docs-json');
    const get = doc.body.paths['/api/v1/packages/{name}']?.get as {
      responses: Record<string, { content?: Record<string, { schema?: JsonObject }> }>;
    };
    expect(get.responses['200']?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Package',
    });
  });
});
