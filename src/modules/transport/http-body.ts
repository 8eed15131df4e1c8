import { type IncomingMessage } from 'node:http';
import { MalformedMessageError, MessageTooLargeError } from '../protocol/index.js';

const EMPTY = Buffer.alloc(0);

/**
 * Reads a request body of at most `limitBytes`: a declared `Content-Length` over the limit is refused
 * before a byte is read, a streamed body as soon as it passes the limit (the rest is never buffered).
 * A single-chunk body (the usual heartbeat) is returned as is, without a copy.
 * @throws MessageTooLargeError over the limit; MalformedMessageError when the client aborts or errs.
 */
export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > limitBytes) {
    return Promise.reject(new MessageTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const done = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        done();
        reject(new MessageTooLargeError(limitBytes));
        return;
      }
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY));
    };
    const onError = (error: Error): void => {
      done();
      reject(new MalformedMessageError(`unreadable request: ${error.message}`));
    };
    const onClose = (): void => {
      done();
      reject(new MalformedMessageError('unreadable request: the client closed it before the body ended'));
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}
