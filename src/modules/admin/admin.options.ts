import { Inject } from '@nestjs/common';

/** Options of the {@link AdminModule}. */
export interface AdminOptions {
  /**
   * Bearer token every `/api` call needs, reads included (`ADMIN_TOKEN`). Default none: no token asked
   * (allowed only while the admin listener is bound to a loopback address).
   */
  readonly token?: string;
}

/** DI token of the {@link AdminOptions}, mapped from the settings by the module. */
export const ADMIN_OPTIONS = 'OPAMP:ADMIN_OPTIONS';

/** Injects the {@link AdminOptions}. */
export const InjectAdminOptions = (): ParameterDecorator => Inject(ADMIN_OPTIONS);
