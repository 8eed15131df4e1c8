import { Logger } from '@nestjs/common';
import { ListenerSet } from '../../common/listener-set.js';
import { type ConfigStoreListener } from './config-store.interface.js';
import { type ConfigStoreChange } from './fleet.types.js';

/** The listeners of a config store: added and removed at any time, told of changes in order. */
export class ConfigStoreListeners {
  private readonly logger = new Logger('ConfigStore');
  private readonly listeners = new ListenerSet<ConfigStoreChange>((error, change) =>
    this.logger.error({ err: error, configs: change.configs }, 'config store listener failed'),
  );

  add(listener: ConfigStoreListener): () => void {
    return this.listeners.add(listener);
  }

  /** Tells every listener of a change that names configs; one that throws is logged and skipped. */
  emit(change: ConfigStoreChange): void {
    if (change.configs.length > 0) this.listeners.emit(change);
  }
}
