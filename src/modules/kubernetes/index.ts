export * from './kube-config.factory.js';
export * from './kubernetes.constants.js';
export * from './kubernetes.module.js';
export * from './kube-api-deadline.js';
export * from './kube-api-probe.js';
export * from './kube-request-options.js';
export { KUBERNETES_OPTIONS, type KubernetesModuleOptions } from './kubernetes.options.js';
