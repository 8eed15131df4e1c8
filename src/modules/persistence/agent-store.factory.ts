import { type KubeConfig } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import { type ServerConfig } from '../config/index.js';
import { type AgentStore } from './agent-store.interface.js';
import { InstrumentationInstanceStore } from './instrumentation-instance.store.js';
import { MemoryAgentStore } from './memory-agent.store.js';
import { type PersistenceModuleOptions } from './persistence.module-definition.js';
import { KubernetesPersistenceUnavailableError } from './persistence.errors.js';

/**
 * The store `PERSISTENCE` asks for: `options.store` when given, else memory, else InstrumentationInstances
 * through `kubeConfig`.
 * @throws KubernetesPersistenceUnavailableError for `kubernetes` without a client configuration.
 */
export function createAgentStore(
  config: ServerConfig,
  kubeConfig: KubeConfig | undefined,
  options: PersistenceModuleOptions = {},
): AgentStore {
  const logger = new Logger('PersistenceModule');
  if (options.store) {
    logger.log({ store: options.store.constructor.name }, 'persisting agents in a provided store');
    return options.store;
  }
  if (config.kubernetes.persistence === 'memory') {
    logger.log({ store: 'memory' }, 'persisting agents in memory');
    return new MemoryAgentStore();
  }
  if (!kubeConfig) throw new KubernetesPersistenceUnavailableError();
  logger.log(
    {
      store: 'kubernetes',
      node: config.kubernetes.nodeName,
      cluster: kubeConfig.getCurrentCluster()?.server,
    },
    'persisting agents as InstrumentationInstances',
  );
  return new InstrumentationInstanceStore(kubeConfig, {
    nodeName: config.kubernetes.nodeName,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
}
