import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** OpenAPI marks of a call that changes something: it needs the bearer token when `ADMIN_TOKEN` is set. */
export const MutatingRoute = (): MethodDecorator =>
  applyDecorators(
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'ADMIN_TOKEN is set and was not sent' }),
  );
