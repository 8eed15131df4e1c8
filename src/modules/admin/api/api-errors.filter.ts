import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { AgentCapabilityError } from '../../commands/index.js';
import {
  AssignmentNotFoundError,
  ConfigNotFoundError,
  ConfigStoreRejectedError,
  ConfigStoreUnavailableError,
  FleetError,
} from '../../fleet/index.js';
import { AgentNotFoundError } from './agent-not-found.error.js';

const STATUS: ReadonlyArray<[new (...args: never[]) => Error, number, string]> = [
  [AgentNotFoundError, 404, 'Not Found'],
  [ConfigNotFoundError, 404, 'Not Found'],
  [AssignmentNotFoundError, 404, 'Not Found'],
  [AgentCapabilityError, 409, 'Conflict'],
  [ConfigStoreRejectedError, 422, 'Unprocessable Entity'],
  [ConfigStoreUnavailableError, 503, 'Service Unavailable'],
];

/** Answers the domain errors of the admin API with their HTTP status and the error's message. */
@Catch(FleetError, AgentCapabilityError, AgentNotFoundError)
export class AdminApiErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const [, status, name] = STATUS.find(([type]) => error instanceof type) ?? [
      Error,
      500,
      'Internal Server Error',
    ];
    const extra = error instanceof AgentCapabilityError ? { capability: error.capability } : {};
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .code(status)
      .send({ statusCode: status, error: name, message: error.message, ...extra });
  }
}
