import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { NodeCallError } from './node-call.errors.js';
import { HubAgentNotFoundError, HubAgentUnavailableError, NodesNotListedError } from './hub.errors.js';

/**
 * Answers the hub's errors: 404 for an agent no node has, 503 (with `missingNodes`) when nodes did not answer
 * or are not listed yet, 504 or 502 when the node holding the agent did not answer a command in time or failed.
 */
@Catch(HubAgentNotFoundError, HubAgentUnavailableError, NodesNotListedError, NodeCallError)
export class HubErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof HubAgentNotFoundError) {
      void reply.code(404).send({ statusCode: 404, error: 'Not Found', message: error.message });
      return;
    }
    if (error instanceof NodeCallError) {
      const status = error.reason === 'timeout' ? 504 : 502;
      void reply.code(status).send({
        statusCode: status,
        error: status === 504 ? 'Gateway Timeout' : 'Bad Gateway',
        message: error.message,
        missingNodes: [{ node: error.node, reason: error.reason, detail: error.detail }],
      });
      return;
    }
    const missingNodes =
      error instanceof HubAgentUnavailableError ? { missingNodes: error.missingNodes } : {};
    void reply
      .code(503)
      .send({ statusCode: 503, error: 'Service Unavailable', message: error.message, ...missingNodes });
  }
}
