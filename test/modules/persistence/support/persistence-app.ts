import { type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CLOCK } from '../../../../src/common/clock.js';
import { ServerConfigModule } from '../../../../src/modules/config/index.js';
import { KUBE_CONFIG } from '../../../../src/modules/kubernetes/index.js';
import {
  AgentPersistence,
  PersistenceModule,
  type PersistenceModuleOptions,
} from '../../../../src/modules/persistence/index.js';
import { systemTimers } from '../../../../src/modules/persistence/timers.js';
import { AgentEvents } from '../../../../src/modules/session/index.js';
import { FakeClock } from '../../../support/fake-connection.js';
import { type FakeKubeApiServer } from '../../../support/fake-kube-apiserver/index.js';
import { FakeTimers } from './fake-timers.js';

/** A started PersistenceModule wired to a fake API server. */
export interface PersistenceApp {
  readonly moduleRef: TestingModule;
  readonly events: AgentEvents;
  readonly persistence: AgentPersistence;
  /** Drives the start-up grace period. */
  readonly timers: FakeTimers;
  readonly clock: FakeClock;
  /** Waits until every pending write is done (fails the test after 5 s). */
  idle(): Promise<void>;
  /** Closes the module as SIGTERM does (shutdown hooks included). */
  close(): Promise<void>;
}

/**
 * Starts `PersistenceModule` in `kubernetes` mode on node `node-a` against `server` (unless `options` say
 * otherwise): real client, real events; the grace period runs on fake timers, retries on real ones with
 * millisecond delays. `providers` join the root module: an `@OpampPlugin` among them is discovered, so its
 * `recordMapping()` decides what is written.
 */
export async function startPersistence(
  server: FakeKubeApiServer | undefined,
  options: PersistenceModuleOptions = {},
  providers: Provider[] = [],
): Promise<PersistenceApp> {
  const timers = new FakeTimers();
  const clock = new FakeClock(Date.parse('2026-03-01T12:00:00Z'));
  const moduleRef = await Test.createTestingModule({
    imports: [
      ServerConfigModule.forRoot({ env: {} }),
      PersistenceModule.forRoot({
        mode: 'kubernetes',
        nodeName: 'node-a',
        timers,
        shutdownFlushMs: 3000,
        requestTimeoutMs: 2000,
        ...options,
        queue: { timers: systemTimers, baseDelayMs: 2, maxDelayMs: 20, ...options.queue },
      }),
    ],
    providers,
  })
    .overrideProvider(KUBE_CONFIG)
    .useValue(server?.kubeConfig())
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  await moduleRef.init();
  const persistence = moduleRef.get(AgentPersistence);
  let closed = false;
  return {
    moduleRef,
    events: moduleRef.get(AgentEvents),
    persistence,
    timers,
    clock,
    idle: async () => {
      const result = await persistence.flush(5000);
      if (!result.flushed) throw new Error(`${result.remaining} records still unwritten after 5 s`);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await moduleRef.close();
    },
  };
}
