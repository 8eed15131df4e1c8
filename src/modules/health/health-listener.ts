import { type AddressInfo } from 'node:net';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Registry } from 'prom-client';
import { InjectMetricsRegistry } from '../metrics/index.js';
import { registerHealthMetrics } from './health-metrics.js';
import { type HealthOptions, InjectHealthOptions } from './health.options.js';
import { Readiness } from './readiness.service.js';

/**
 * The probes and metrics listener: its own Fastify instance on `HEALTH_HOST:HEALTH_PORT`, needing no token,
 * so the kubelet and Prometheus reach it while the admin API stays behind `ADMIN_TOKEN`:
 * - `GET /healthz`: 200 while the process answers (liveness);
 * - `GET /readyz`: 200 while the server can serve agents, else 503 (readiness), with the conditions;
 * - `GET /metrics`: every series in the Prometheus text format.
 * It closes last, so probes keep answering (503 from `/readyz`) while the server drains.
 */
@Injectable()
export class HealthListener implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthListener.name);
  private fastify?: FastifyInstance;

  constructor(
    @InjectHealthOptions() private readonly options: HealthOptions,
    private readonly readiness: Readiness,
    @InjectMetricsRegistry() private readonly registry: Registry,
  ) {}

  onModuleInit(): void {
    registerHealthMetrics(this.registry, this.readiness);
  }

  /** The bound address (the real port when `HEALTH_PORT=0`). */
  address(): AddressInfo {
    const address = this.fastify?.server.address();
    if (!address || typeof address === 'string') throw new Error('the health listener is not listening');
    return address;
  }

  async onApplicationBootstrap(): Promise<void> {
    const fastify = Fastify({ logger: false });
    fastify.get('/healthz', async (_request, reply) =>
      reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    );
    fastify.get('/readyz', async (_request, reply) => {
      const report = await this.readiness.check();
      return reply
        .code(report.ready ? 200 : 503)
        .header('cache-control', 'no-store')
        .send(report);
    });
    fastify.get('/metrics', async (_request, reply) =>
      reply
        .header('content-type', this.registry.contentType)
        .header('cache-control', 'no-store')
        .send(await this.registry.metrics()),
    );
    await fastify.listen({ host: this.options.host, port: this.options.port });
    this.fastify = fastify;
    const { address, port } = this.address();
    this.logger.log({ address, port }, 'probes and metrics listener ready (/healthz, /readyz, /metrics)');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fastify?.close();
    this.fastify = undefined;
  }
}
