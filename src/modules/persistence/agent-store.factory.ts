import { type KubeConfig } from '@kubernetes/client-node';
import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { type AgentRecordMapping, type AgentStore } from '../../plugin-api/index.js';
import { CustomResourceStore } from './custom-resource.store.js';
import { MemoryAgentStore } from './memory-agent.store.js';
import { type PersistenceModuleOptions } from './persistence.module-definition.js';
import { KubernetesPersistenceUnavailableError } from './persistence.errors.js';

/**
 * The store records are written to: `options.store` when given; for `mode: 'kubernetes'` and a mapping with
 * a custom resource, the Kubernetes writer through `kubeConfig`; memory otherwise.
 * @throws KubernetesPersistenceUnavailableError for `kubernetes` without a client configuration.
 */
export function createAgentStore(
  mapping: AgentRecordMapping,
  options: PersistenceModuleOptions = {},
  kubeConfig: KubeConfig | undefined,
): AgentStore {
  const logger = new Logger('PersistenceModule');
  if (options.store) {
    logger.log({ store: options.store.constructor.name }, 'persisting agents in a provided store');
    return options.store;
  }
  const resource = mapping.customResource;
  if (options.mode !== 'kubernetes' || !resource) {
    if (options.mode === 'kubernetes') {
      logger.log(
        { mapping: mapping.name },
        'the record mapping has no Kubernetes resource; persisting agents in memory',
      );
    } else logger.log({ store: 'memory', mapping: mapping.name }, 'persisting agents in memory');
    return new MemoryAgentStore(mapping);
  }
  if (!kubeConfig) throw new KubernetesPersistenceUnavailableError();
  const nodeName = options.nodeName ?? hostname();
  logger.log(
    { store: 'kubernetes', resource: `${resource.plural}.${resource.group}`, node: nodeName },
    `persisting agents as ${resource.kind} objects`,
  );
  return new CustomResourceStore(kubeConfig, mapping as AgentRecordMapping<object>, resource, {
    nodeName,
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
}
