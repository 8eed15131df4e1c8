import { afterEach, describe, expect, it } from '@jest/globals';
import { type KubeConfig } from '@kubernetes/client-node';
import { type INestApplicationContext } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { ServerConfigModule } from '../../../src/modules/config/index.js';
import { HealthListener, HealthModule } from '../../../src/modules/health/index.js';
import { KUBE_CONFIG } from '../../../src/modules/kubernetes/index.js';
import { MessagePipeline } from '../../../src/modules/session/index.js';
import { OpampListener } from '../../../src/modules/transport/index.js';
import { FakeKubeApiServer } from '../../support/fake-kube-apiserver/index.js';
import { parsePrometheusText, sampleValue } from '../../support/prometheus-text.js';

interface Report {
  ready: boolean;
  checks: Record<string, { status: string; reason?: string }>;
  conditions: Record<string, { status: string; reason?: string; version?: string }>;
}

describe('HealthModule: probes and metrics on a listener of their own', () => {
  let app: INestApplicationContext | undefined;
  let kube: FakeKubeApiServer | undefined;
  afterEach(async () => {
    await app?.close();
    await kube?.close();
    app = kube = undefined;
  });

  /** Starts the module with a stand-in OpAMP listener; returns the health listener's base URL. */
  const start = async (options: { listening: boolean; kubeConfig?: KubeConfig; draining?: boolean }) => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ServerConfigModule.forRoot({ env: { HEALTH_HOST: '127.0.0.1', HEALTH_PORT: '0' } }),
        ScheduleModule.forRoot(),
        HealthModule,
      ],
    })
      .overrideProvider(OpampListener)
      .useValue({ listening: options.listening })
      .overrideProvider(KUBE_CONFIG)
      .useValue(options.kubeConfig)
      .compile();
    if (options.draining) moduleRef.get(MessagePipeline).drain(1000);
    app = await moduleRef.init();
    return `http://127.0.0.1:${app.get(HealthListener).address().port}`;
  };

  it('answers /healthz and /readyz without a token, ready once the OpAMP listener is up', async () => {
    const base = await start({ listening: true });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as Report;
    expect(report.checks.opampListener).toEqual({ status: 'up' });
    expect(report.conditions).toEqual({});
  });

  it('is not ready while the OpAMP listener is down, nor while the server drains', async () => {
    expect((await fetch(`${await start({ listening: false })}/readyz`)).status).toBe(503);
    await app?.close();
    const draining = await fetch(`${await start({ listening: true, draining: true })}/readyz`);
    expect(draining.status).toBe(503);
    expect(((await draining.json()) as Report).checks.sessions?.status).toBe('down');
  });

  it('reports the Kubernetes API as a condition of its own, probed at most every few seconds', async () => {
    kube = await FakeKubeApiServer.start();
    const base = await start({ listening: true, kubeConfig: kube.kubeConfig() });
    const report = (await (await fetch(`${base}/readyz`)).json()) as Report;
    expect(report.conditions.kubernetesApi).toEqual({ status: 'up', version: 'v1.31.0-fake' });
    await fetch(`${base}/readyz`);
    expect(kube.requests.filter((r) => r.path === '/version')).toHaveLength(1);
  });

  it('stays ready through a Kubernetes API outage, which it reports in /readyz and as a metric', async () => {
    kube = await FakeKubeApiServer.start();
    kube.faults.outage(true, { mode: 'unavailable' });
    const base = await start({ listening: true, kubeConfig: kube.kubeConfig() });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as Report).conditions.kubernetesApi?.status).toBe('down');
    const { samples } = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
    expect(sampleValue(samples, 'opamp_kubernetes_api_up')).toBe(0);
    expect(sampleValue(samples, 'opamp_ready')).toBe(1);
  });
});
