import { type Logger } from '@nestjs/common';
import { type LiveEvent, liveEventSchema } from '../admin/index.js';
import { type NodeAdminClient } from './node-admin.client.js';
import { NodeCallError } from './node-call.errors.js';
import { type NodeEndpoint } from './node-endpoint.js';
import { sseFrames } from './sse-frames.js';

/** Backoff between attempts to open a node's stream: the first wait, and the longest. */
export interface StreamBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** What a node's stream hands on: its events tagged with the node, and its opening and closing. */
export type NodeStreamListener = (event: LiveEvent) => void;

/**
 * One node server's `GET /api/v1/events`, kept open: each event checked against the `LiveEvent` schema and
 * tagged with the node; when the stream fails or ends it is opened again after a wait that doubles up to
 * `maxMs` (reset once a stream opens). A stream whose events are off the contract is closed as an error of
 * that node. `node.connected` and `node.disconnected` say when the stream opens and closes.
 */
export class NodeEventStream {
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;
  private waitTimer?: NodeJS.Timeout;
  private wake?: () => void;

  constructor(
    readonly endpoint: NodeEndpoint,
    private readonly client: NodeAdminClient,
    private readonly backoff: StreamBackoff,
    private readonly listener: NodeStreamListener,
    private readonly logger: Logger,
  ) {
    this.done = this.run();
  }

  /** Closes the stream and stops retrying. */
  async close(): Promise<void> {
    this.abort.abort();
    clearTimeout(this.waitTimer);
    this.wake?.();
    await this.done;
  }

  private async run(): Promise<void> {
    const { node } = this.endpoint;
    let waitMs = this.backoff.initialMs;
    let failures = 0;
    while (!this.abort.signal.aborted) {
      let opened = false;
      let detail = 'the node server ended the stream';
      let body: ReadableStream<Uint8Array> | undefined;
      try {
        body = await this.client.stream(this.endpoint, this.abort.signal);
        opened = true;
        failures = 0;
        waitMs = this.backoff.initialMs;
        this.listener({ type: 'node.connected', node });
        for await (const frame of sseFrames(body)) {
          const event = this.eventOf(frame.event, frame.data);
          this.listener({ ...event, node } as LiveEvent);
        }
      } catch (error) {
        detail = error instanceof NodeCallError ? `${error.reason}: ${error.detail}` : String(error);
      } finally {
        // Ends the connection, whatever ended the reading (an abort alone may leave the socket open).
        await body?.cancel().catch(() => undefined);
      }
      if (this.abort.signal.aborted) {
        if (opened) this.listener({ type: 'node.disconnected', node, detail: 'no longer listed' });
        return;
      }
      if (opened) this.listener({ type: 'node.disconnected', node, detail });
      failures++;
      const log = { node, detail, failures, retryInMs: waitMs };
      if (failures === 1) this.logger.warn(log, 'the event stream of a node server closed; retrying');
      else this.logger.debug(log, 'the event stream of a node server failed again; retrying');
      await this.wait(waitMs);
      waitMs = Math.min(waitMs * 2, this.backoff.maxMs);
    }
  }

  /**
   * The event of a frame, as the contract says it.
   * @throws NodeCallError `error` for one that is not a `LiveEvent`.
   */
  private eventOf(name: string, data: string): LiveEvent {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    const checked = liveEventSchema.safeParse(parsed);
    if (!checked.success || checked.data.type !== name || 'node' in (parsed as object)) {
      throw new NodeCallError(
        this.endpoint.node,
        'error',
        `an event off the admin API's contract (LiveEvent): ${data.slice(0, 200)}`,
      );
    }
    return checked.data;
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.waitTimer = setTimeout(resolve, ms);
    });
  }
}
