import { Inject } from '@nestjs/common';

/** Options of the {@link AdminModule}. */
export interface AdminOptions {
  /** Bearer token mutating calls need (`ADMIN_TOKEN`). Default none: no token asked. */
  readonly token?: string;
  /** Whether readiness also needs the Kubernetes API to answer (with `PERSISTENCE=kubernetes`). */
  readonly readinessChecksKubernetesApi: boolean;
}

/** DI token of the {@link AdminOptions}, mapped from the settings by the module. */
export const ADMIN_OPTIONS = 'OPAMP:ADMIN_OPTIONS';

/** Injects the {@link AdminOptions}. */
export const InjectAdminOptions = (): ParameterDecorator => Inject(ADMIN_OPTIONS);
