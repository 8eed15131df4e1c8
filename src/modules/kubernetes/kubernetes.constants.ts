import { Inject } from '@nestjs/common';

/**
 * DI token of the `KubeConfig` used for every Kubernetes API call, or `undefined` when the server runs
 * outside a cluster with no kubeconfig. Tests override it with one pointing at the fake API server.
 */
export const KUBE_CONFIG = 'OPAMP:KUBE_CONFIG';

/** Injects the `KubeConfig | undefined` under {@link KUBE_CONFIG}. */
export const InjectKubeConfig = (): ParameterDecorator => Inject(KUBE_CONFIG);
