import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { ConnectionOfferStoreError } from '../../connection-settings/index.js';

/** Answers a failed offer write: 503 when the store could not be reached (try again), 422 when it refused. */
@Catch(ConnectionOfferStoreError)
export class ConnectionOffersErrorsFilter implements ExceptionFilter {
  catch(error: ConnectionOfferStoreError, host: ArgumentsHost): void {
    const [status, name] = error.unavailable ? [503, 'Service Unavailable'] : [422, 'Unprocessable Entity'];
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .code(status)
      .send({ statusCode: status, error: name, message: error.message });
  }
}
