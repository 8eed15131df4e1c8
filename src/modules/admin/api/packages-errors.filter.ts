import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import {
  PackageCatalogRejectedError,
  PackageCatalogUnavailableError,
  PackageFileHashMismatchError,
  PackagesError,
} from '../../packages/index.js';

const STATUS: ReadonlyArray<[new (...args: never[]) => Error, number, string]> = [
  [PackageCatalogRejectedError, 422, 'Unprocessable Entity'],
  [PackageFileHashMismatchError, 422, 'Unprocessable Entity'],
  [PackageCatalogUnavailableError, 503, 'Service Unavailable'],
];

/**
 * Answers the packages module's errors with their status and the message: a package or assignment not
 * found is 404, a write the catalog's store refused or a file that does not hash right 422, an unreachable store 503.
 */
@Catch(PackagesError)
export class PackagesErrorsFilter implements ExceptionFilter {
  catch(error: PackagesError, host: ArgumentsHost): void {
    const [, status, name] = STATUS.find(([type]) => error instanceof type) ?? [Error, 404, 'Not Found'];
    void host
      .switchToHttp()
      .getResponse<FastifyReply>()
      .code(status)
      .send({ statusCode: status, error: name, message: error.message });
  }
}
