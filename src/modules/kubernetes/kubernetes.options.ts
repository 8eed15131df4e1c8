import { type KubeConfig } from '@kubernetes/client-node';

/** Options of the {@link KubernetesModule}, given by `OpampModule.forRoot({ kubeConfig })`. */
export interface KubernetesModuleOptions {
  /**
   * The Kubernetes client configuration every module uses; `null`: run without Kubernetes. Default: loaded
   * when there is a cluster to talk to (in a pod, `KUBECONFIG` set, or `PERSISTENCE=kubernetes`).
   */
  readonly kubeConfig?: KubeConfig | null;
}

/** DI token of the {@link KubernetesModuleOptions}; optional (absent: the defaults). */
export const KUBERNETES_OPTIONS = 'OPAMP:KUBERNETES_OPTIONS';
