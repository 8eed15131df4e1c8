import { afterEach, describe, expect, it } from '@jest/globals';
import { type KubeConfig } from '@kubernetes/client-node';
import { type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { ADMIN_OPTIONS } from '../../../src/modules/admin/admin.options.js';
import { HealthController } from '../../../src/modules/admin/health/health.controller.js';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../../../src/modules/kubernetes/index.js';
import { OpampListener } from '../../../src/modules/transport/index.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';

describe('GET /readyz', () => {
  let app: INestApplication | undefined;
  let kube: FakeKubeApiServer | undefined;
  afterEach(async () => {
    await app?.close();
    await kube?.close();
    app = kube = undefined;
  });

  const start = async (options: {
    listening: boolean;
    persistence: 'memory' | 'kubernetes';
    kubeConfig?: KubeConfig;
  }): Promise<string> => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: { PERSISTENCE: options.persistence } }),
        KubernetesModule,
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: OpampListener, useValue: { listening: options.listening } },
        {
          provide: ADMIN_OPTIONS,
          useValue: { readinessChecksKubernetesApi: options.persistence === 'kubernetes' },
        },
      ],
    })
      .overrideProvider(KUBE_CONFIG)
      .useValue(options.kubeConfig)
      .compile();
    const nest = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await nest.listen(0, '127.0.0.1');
    app = nest;
    const address = nest.getHttpServer().address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/readyz`;
  };

  it('is ready once the OpAMP listener is up, without asking Kubernetes when persistence is in memory', async () => {
    const ready = await fetch(await start({ listening: true, persistence: 'memory' }));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual(
      expect.objectContaining({ info: { opampListener: { status: 'up' } } }),
    );
  });

  it('is not ready while the OpAMP listener is down', async () => {
    expect((await fetch(await start({ listening: false, persistence: 'memory' }))).status).toBe(503);
  });

  it('with Kubernetes persistence, is ready only while the Kubernetes API answers', async () => {
    kube = await FakeKubeApiServer.start();
    const url = await start({ listening: true, persistence: 'kubernetes', kubeConfig: kube.kubeConfig() });
    const up = await fetch(url);
    expect(up.status).toBe(200);
    expect(((await up.json()) as { info: Record<string, unknown> }).info.kubernetesApi).toEqual({
      status: 'up',
      version: 'v1.31.0-fake',
    });
    expect(kube.requests.filter((r) => r.path === '/version')).toHaveLength(1);
    await fetch(url); // cached: no second call within a few seconds
    expect(kube.requests.filter((r) => r.path === '/version')).toHaveLength(1);
  });

  it('with Kubernetes persistence, is not ready when the API is unreachable', async () => {
    kube = await FakeKubeApiServer.start();
    kube.faults.outage(true, { mode: 'unavailable' });
    const down = await fetch(
      await start({ listening: true, persistence: 'kubernetes', kubeConfig: kube.kubeConfig() }),
    );
    expect(down.status).toBe(503);
    const body = (await down.json()) as { error: Record<string, { status: string; reason: string }> };
    expect(body.error.kubernetesApi?.status).toBe('down');
  });
});
