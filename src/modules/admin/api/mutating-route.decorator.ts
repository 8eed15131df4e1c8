import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** OpenAPI marks of a call that changes something (and is audited); like every call, it needs `ADMIN_TOKEN` when set. */
export const MutatingRoute = (): MethodDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'ADMIN_TOKEN is set and was not sent' }),
  );
