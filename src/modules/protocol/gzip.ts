import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { MalformedMessageError, MessageTooLargeError } from './protocol.errors.js';

const gunzipAsync = promisify(gunzip);
const gzipAsync = promisify(gzip);

/**
 * Decompresses a gzip body, stopping as soon as the output would pass `limitBytes`, so a small
 * gzip bomb never expands in memory.
 */
export async function gunzipWithLimit(body: Uint8Array, limitBytes: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new MessageTooLargeError(limitBytes);
    }
    throw new MalformedMessageError(
      `request body is not valid gzip: ${(error as Error).message}`,
      'bad-compression',
    );
  }
}

/** Compresses a reply body. */
export function gzipBody(body: Uint8Array): Promise<Buffer> {
  return gzipAsync(body);
}
