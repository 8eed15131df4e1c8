import { type RequestInfo } from './request-info.js';

/** One request as received. */
export interface RecordedRequest extends RequestInfo {
  /** Media type of the body, without parameters. */
  contentType?: string;
  /** Parsed JSON body, if any. */
  body?: unknown;
}

/**
 * Every request the server received, oldest first. A plain array (`filter`/`map` return ordinary
 * arrays) with `clear()`.
 */
export class RequestLog extends Array<RecordedRequest> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** Forgets all recorded requests. */
  clear(): void {
    this.length = 0;
  }
}
