import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { PackagesError } from '../../packages/index.js';

/** Answers the packages module's errors (a package or assignment not found) with 404 and the message. */
@Catch(PackagesError)
export class PackagesErrorsFilter implements ExceptionFilter {
  catch(error: PackagesError, host: ArgumentsHost): void {
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .code(404)
      .send({ statusCode: 404, error: 'Not Found', message: error.message });
  }
}
