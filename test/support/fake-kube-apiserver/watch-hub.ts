import { type ServerResponse } from 'node:http';
import { type StoredObject } from './kube-object.js';
import { type ChangeType, type ObjectStore, type StoreEvent } from './object-store.js';
import { type RequestInfo } from './request-info.js';
import { expired } from './status.js';

/** What one watch stream asks for. */
export interface WatchRequest {
  /** `storageKey()` of the watched resource. */
  key: string;
  /** Namespace to watch; all namespaces when absent. */
  namespace?: string;
  /** Label and field selectors of the request. */
  matches: (object: StoredObject) => boolean;
  /** Renders an object as sent to the client (sets `apiVersion`/`kind` for the requested version). */
  present: (object: StoredObject) => StoredObject;
  /**
   * `resourceVersion` query parameter. Absent or `"0"`: synthetic `ADDED` events for the current
   * objects, then live changes (as the real server). Otherwise: changes after that version.
   */
  resourceVersion?: number;
  /** `timeoutSeconds`: the server ends the stream after this long. */
  timeoutSeconds?: number;
  /** Objects that currently exist, for the synthetic `ADDED` events. */
  initialObjects: () => StoredObject[];
  /** The HTTP request that opened the stream, for `closeAll()` filters. */
  info: RequestInfo;
}

interface OpenWatch {
  response: ServerResponse;
  info: RequestInfo;
  stop: () => void;
}

/** Streams store changes to watch clients as newline-delimited JSON. */
export class WatchHub {
  private readonly open = new Set<OpenWatch>();

  constructor(private readonly store: ObjectStore) {}

  /** Number of open watch streams. */
  get size(): number {
    return this.open.size;
  }

  /** Takes over `response` and streams events until the client goes away or the hub closes it. */
  serve(response: ServerResponse, request: WatchRequest): void {
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    response.flushHeaders();

    const send = (type: ChangeType | 'ERROR', object: unknown): void => {
      if (!response.writableEnded && !response.destroyed) {
        response.write(`${JSON.stringify({ type, object })}\n`);
      }
    };
    const deliver = (event: StoreEvent): void => {
      if (event.key !== request.key) return;
      if (request.namespace !== undefined && event.object.metadata.namespace !== request.namespace) return;
      const type = this.translate(event, request.matches);
      if (type) send(type, request.present(event.object));
    };

    let backlog: StoreEvent[] | undefined = [];
    const since = request.resourceVersion;
    if (since !== undefined && since !== 0) {
      backlog = this.store.eventsSince(since);
      if (!backlog) {
        send('ERROR', expired(since, this.store.oldestWatchableVersion).toStatus());
        response.end();
        return;
      }
    } else {
      for (const object of request.initialObjects()) {
        if (request.matches(object)) send('ADDED', request.present(object));
      }
    }
    for (const event of backlog) deliver(event);

    const unsubscribe = this.store.subscribe(deliver);
    const timer =
      request.timeoutSeconds !== undefined && request.timeoutSeconds > 0
        ? setTimeout(() => response.end(), request.timeoutSeconds * 1000)
        : undefined;
    const entry: OpenWatch = {
      response,
      info: request.info,
      stop: () => {
        unsubscribe();
        clearTimeout(timer);
        this.open.delete(entry);
      },
    };
    this.open.add(entry);
    response.on('close', entry.stop);
  }

  /**
   * Ends every open stream. `'end'` finishes the chunked response cleanly (what the real server
   * does on watch timeout or shutdown); `'destroy'` resets the connection.
   */
  closeAll(how: 'end' | 'destroy' = 'end', filter: (info: RequestInfo) => boolean = () => true): void {
    for (const entry of [...this.open]) {
      if (!filter(entry.info)) continue;
      entry.stop();
      if (how === 'destroy') entry.response.socket?.destroy();
      else entry.response.end();
    }
  }

  /**
   * Like the real watch cache: an object that starts matching the selectors arrives as `ADDED`,
   * one that stops matching as `DELETED`.
   */
  private translate(event: StoreEvent, matches: (object: StoredObject) => boolean): ChangeType | undefined {
    const now = matches(event.object);
    if (event.type !== 'MODIFIED' || !event.previous) return now ? event.type : undefined;
    const before = matches(event.previous);
    if (before && now) return 'MODIFIED';
    if (now) return 'ADDED';
    if (before) return 'DELETED';
    return undefined;
  }
}
