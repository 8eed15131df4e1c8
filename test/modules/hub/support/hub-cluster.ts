import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../../../src/app.module.js';
import { setupAdminOpenApi } from '../../../../src/modules/admin/index.js';
import { KUBE_CONFIG } from '../../../../src/modules/kubernetes/index.js';
import { type FakeKubeApiServer } from '../../../support/fake-kube-apiserver/index.js';
import { startTestServer, type TestServer } from '../../../support/test-server.js';

/** Namespace of the node servers, their Service and the config ConfigMaps in these tests. */
export const HUB_NAMESPACE = 'opamp-nest';
/** The node servers' headless Service. */
export const NODE_SERVICE = 'opamp-nest-nodes';
/** The nodes' ADMIN_TOKEN, which the hub presents to them. */
export const NODE_TOKEN = 'node-token-0123456789abcdef';
/** The hub's own ADMIN_TOKEN. */
export const HUB_TOKEN = 'hub-token-0123456789abcdef';

const portOf = (server: Server): number => (server.address() as AddressInfo).port;

/** A node server as the tests run it: ConfigMap config store on the fake API server, its admin API behind NODE_TOKEN. */
export async function startNodeServer(kube: FakeKubeApiServer): Promise<TestServer> {
  return startTestServer({
    env: { CONFIG_STORE: 'kubernetes', POD_NAMESPACE: HUB_NAMESPACE, ADMIN_TOKEN: NODE_TOKEN },
    customize: (builder) => builder.overrideProvider(KUBE_CONFIG).useValue(kube.kubeConfig()),
  });
}

/** The EndpointSlice (one per node, so each has its own ports) saying node `node` is served at these ports. */
export function seedNodeSlice(
  kube: FakeKubeApiServer,
  node: string,
  ports: { admin: number; health: number },
): void {
  kube.seed({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${NODE_SERVICE}-${node}`,
      namespace: HUB_NAMESPACE,
      labels: { 'kubernetes.io/service-name': NODE_SERVICE },
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: ['127.0.0.1'],
        nodeName: node,
        conditions: { ready: true },
        targetRef: { kind: 'Pod', name: `opamp-nest-${node}`, namespace: HUB_NAMESPACE },
      },
    ],
    ports: [
      { name: 'admin', port: ports.admin, protocol: 'TCP' },
      { name: 'health', port: ports.health, protocol: 'TCP' },
    ],
  });
}

/** The ports of a running node server. */
export const nodePorts = (server: TestServer): { admin: number; health: number } => ({
  admin: Number(new URL(server.adminUrl).port),
  health: Number(new URL(server.healthUrl).port),
});

/** A running hub (`MODE=hub`) on 127.0.0.1. */
export interface TestHub {
  readonly app: NestFastifyApplication;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the hub against the fake API server; resolves once it has listed the node servers. */
export async function startHub(kube: FakeKubeApiServer, env: Record<string, string> = {}): Promise<TestHub> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot({
        kubeConfig: kube.kubeConfig(),
        env: {
          MODE: 'hub',
          ADMIN_HOST: '127.0.0.1',
          ADMIN_PORT: '0',
          ADMIN_TOKEN: HUB_TOKEN,
          HUB_NODE_TOKEN: NODE_TOKEN,
          HUB_NODE_SERVICE: NODE_SERVICE,
          POD_NAMESPACE: HUB_NAMESPACE,
          HUB_NODE_TIMEOUT_S: '1',
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
          ...env,
        },
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  setupAdminOpenApi(app, { ui: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${portOf(app.getHttpServer() as Server)}`;
  const deadline = Date.now() + 5000;
  while ((await fetch(`${url}/readyz`)).status !== 200) {
    if (Date.now() > deadline) throw new Error('the hub did not list the node servers within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { app, url, close: () => app.close() };
}

/** A server in front of another that holds every request `delayMs` before passing it on: a slow node. */
export async function startSlowProxy(
  targetPort: number,
  delayMs: number,
): Promise<Server & { port: number }> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((incoming, outgoing) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: targetPort,
          path: incoming.url,
          method: incoming.method,
          headers: incoming.headers,
        },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      upstream.on('error', () => outgoing.destroy());
      // A caller that goes away ends the relayed call too (a long answer, an event stream, would stay open).
      outgoing.on('close', () => upstream.destroy());
      incoming.pipe(upstream);
    }, delayMs);
    timers.add(timer);
  });
  server.on('close', () => timers.forEach(clearTimeout));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: portOf(server) });
}

/** A server that answers every request with `status`: a failing node. */
export async function startFailingServer(status: number): Promise<Server & { port: number }> {
  const server = createServer((_incoming, outgoing) => {
    outgoing.writeHead(status, { 'content-type': 'application/json' });
    outgoing.end(JSON.stringify({ statusCode: status, message: 'node server failing on purpose' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: portOf(server) });
}

/** A server that answers every request with 200 and `body` as JSON: a node whose answers are off the contract. */
export async function startOffContractServer(body: unknown): Promise<Server & { port: number }> {
  const server = createServer((_incoming, outgoing) => {
    outgoing.writeHead(200, { 'content-type': 'application/json' });
    outgoing.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(server, { port: portOf(server) });
}

/** Closes a plain server, its open connections included. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
