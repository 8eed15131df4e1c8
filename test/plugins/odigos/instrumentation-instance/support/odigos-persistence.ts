import { type PersistenceModuleOptions } from '../../../../../src/modules/persistence/index.js';
import { type FakeKubeApiServer } from '../../../../support/fake-kube-apiserver/index.js';
import {
  type PersistenceApp,
  startPersistence,
} from '../../../../modules/persistence/support/persistence-app.js';
import { InstrumentationInstanceTestPlugin } from './agents.js';

/**
 * The generic `PersistenceModule` (kubernetes mode, node `node-a`) with Odigos's InstrumentationInstance
 * mapping, supplied by {@link InstrumentationInstanceTestPlugin} over the sessions `makeSession` built.
 */
export function startOdigosPersistence(
  server: FakeKubeApiServer | undefined,
  options: PersistenceModuleOptions = {},
): Promise<PersistenceApp> {
  return startPersistence(server, options, [InstrumentationInstanceTestPlugin]);
}
