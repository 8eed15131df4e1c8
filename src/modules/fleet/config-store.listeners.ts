import { Logger } from '@nestjs/common';
import { type ConfigStoreListener } from './config-store.interface.js';
import { type ConfigStoreChange } from './fleet.types.js';

/** The listeners of a config store: added and removed at any time, told of changes in order. */
export class ConfigStoreListeners {
  private readonly logger = new Logger('ConfigStore');
  private listeners: ConfigStoreListener[] = [];

  add(listener: ConfigStoreListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Tells every listener; one that throws is logged and skipped. */
  emit(change: ConfigStoreChange): void {
    if (change.configs.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.logger.error({ err: error, configs: change.configs }, 'config store listener failed');
      }
    }
  }
}
