import { Agent, request } from 'node:http';
import { WebSocket, type RawData } from 'ws';
import { ServerToAgent, ServerToAgentFlags } from '../../../src/generated/opamp/v1/opamp.js';
import { encodeAgentToServer } from '../opamp-messages.js';
import { httpInput, wsInput, type HttpFuzzInput, type WsFuzzInput } from './fuzz-inputs.js';
import { Prng } from './prng.js';

/** Where to fuzz. */
export interface FuzzTarget {
  readonly opampUrl: string;
  readonly wsUrl: string;
}

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  readonly seed: number;
  /** Inputs to send (HTTP and WebSocket together). */
  readonly inputs: number;
  /** Share of inputs sent over HTTP; the rest over WebSocket. Default 0.5. */
  readonly httpShare?: number;
  /** Inputs in flight at once per transport. Default 8. */
  readonly concurrency?: number;
  /** A valid agent is checked (over both transports) every this many inputs. Default 50. */
  readonly goodEvery?: number;
  /** The server's `MAX_MESSAGE_BYTES`. */
  readonly maxMessageBytes: number;
  /** Called now and then with the inputs sent so far. */
  readonly onProgress?: (sent: number) => void;
}

/** What a fuzz run saw. */
export interface FuzzReport {
  readonly seed: number;
  readonly inputs: number;
  readonly httpInputs: number;
  readonly wsInputs: number;
  /** HTTP answers by status. */
  readonly httpStatuses: Record<string, number>;
  /** HTTP requests whose connection was closed under them, by error code (allowed only for bodies the server refuses unread). */
  readonly httpConnectionErrors: Record<string, number>;
  /** Every connection error: HTTP requests that got no answer, WebSockets that failed to open or closed abnormally (1006). */
  readonly connectionErrors: ConnectionErrors;
  /** Connection errors on valid inputs (a valid protobuf, valid gzip of one): each is also a failure. */
  readonly validInputConnectionErrors: { readonly count: number; readonly examples: readonly string[] };
  /** WebSocket replies received and closes by code. */
  readonly wsReplies: number;
  readonly wsCloses: Record<string, number>;
  readonly goodChecks: number;
  /** Everything that must not happen: 5xx, undecodable replies, hangs, internal-error closes, a valid agent not served. */
  readonly failures: readonly string[];
  readonly durationMs: number;
}

/** Connection errors of a run, counted and with a few examples. */
export interface ConnectionErrors {
  readonly total: number;
  readonly http: number;
  readonly ws: number;
  /** By input kind (`valid`, `gzip-bomb`, ...); `open` for a WebSocket that could not connect. */
  readonly byKind: Readonly<Record<string, number>>;
  readonly examples: readonly string[];
}

/** Inputs that are valid OpAMP (a valid AgentToServer, plain or in valid gzip): a dropped connection is a bug. */
const VALID_KINDS = new Set(['valid', 'gzip-valid']);
/** Bodies the server may refuse without reading them, closing the connection (over the limit, or gzip it rejects). */
const REFUSED_UNREAD_KINDS = new Set(['oversized', 'gzip-bomb', 'gzip-invalid', 'gzip-random']);
const EXAMPLES = 10;

const ALLOWED_STATUSES = new Set([200, 400, 404, 405, 408, 413, 415, 429, 503]);
/** The reason the server gives when it closes a WebSocket after too many bad messages in a row. */
const BAD_MESSAGES_CLOSE = /bad messages in a row$/;
/**
 * The reason the server gives when it ends a session that sent nothing within the stale limit: a lane's
 * socket sits idle while the lane sends HTTP inputs, and the fuzz runs with a short limit (bench/fuzz.ts).
 */
const STALE_CLOSE = /no message within the stale limit$/;

/** RFC 6455 close code for a message over the receiver's size limit. */
const MESSAGE_TOO_BIG = 1009;
const ALLOWED_CLOSES = new Set([1000, 1001, 1002, 1005, 1006, 1007, 1008, 1009, 1013]);
const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
const TIMEOUT_MS = 15_000;

class Collector {
  readonly httpStatuses: Record<string, number> = {};
  readonly httpConnectionErrors: Record<string, number> = {};
  readonly wsCloses: Record<string, number> = {};
  readonly failures: string[] = [];
  readonly connectionErrorsByKind: Record<string, number> = {};
  readonly connectionErrorExamples: string[] = [];
  readonly validInputErrorExamples: string[] = [];
  httpConnectionErrorCount = 0;
  wsConnectionErrorCount = 0;
  validInputErrors = 0;
  wsReplies = 0;
  goodChecks = 0;

  fail(what: string): void {
    if (this.failures.length < 50) this.failures.push(what);
  }

  /** Counts a connection error; on a valid input it is also a failure. */
  connectionError(transport: 'HTTP' | 'WebSocket', kind: string, what: string): void {
    if (transport === 'HTTP') this.httpConnectionErrorCount++;
    else this.wsConnectionErrorCount++;
    this.connectionErrorsByKind[kind] = (this.connectionErrorsByKind[kind] ?? 0) + 1;
    if (this.connectionErrorExamples.length < EXAMPLES) this.connectionErrorExamples.push(what);
    if (!VALID_KINDS.has(kind)) return;
    this.validInputErrors++;
    if (this.validInputErrorExamples.length < EXAMPLES) this.validInputErrorExamples.push(what);
    this.fail(`${what} (a valid input)`);
  }
}

function sendHttp(
  agent: Agent,
  url: URL,
  input: HttpFuzzInput,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: Number(url.port),
        path: input.path,
        method: input.method,
        // A request line Node cannot parse (method FOO) is answered 400 and its connection closed: do not
        // share that connection with other inputs.
        agent: input.kind === 'other-method' ? false : agent,
        headers: { ...input.headers, 'content-length': String(input.body.length) },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout: no answer')));
    req.on('error', reject);
    req.end(input.body);
  });
}

async function fuzzHttp(
  agent: Agent,
  url: URL,
  input: HttpFuzzInput,
  out: Collector,
  n: number,
): Promise<void> {
  try {
    const { status, headers, body } = await sendHttp(agent, url, input);
    out.httpStatuses[status] = (out.httpStatuses[status] ?? 0) + 1;
    if (!ALLOWED_STATUSES.has(status)) out.fail(`#${n} HTTP ${input.kind}: status ${status}`);
    if (headers['content-type'] === 'application/x-protobuf' && headers['content-encoding'] === undefined) {
      try {
        ServerToAgent.decode(body);
      } catch {
        out.fail(`#${n} HTTP ${input.kind}: undecodable reply`);
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    out.httpConnectionErrors[code] = (out.httpConnectionErrors[code] ?? 0) + 1;
    const what = `#${n} HTTP ${input.kind}: ${code}`;
    out.connectionError('HTTP', input.kind, what);
    // The server may close a connection whose body it refused unread (too large, gzip it rejects); any other
    // input must be answered (valid ones are failed by connectionError already).
    const refusedUnread = REFUSED_UNREAD_KINDS.has(input.kind);
    if (!VALID_KINDS.has(input.kind) && (!refusedUnread || code.startsWith('timeout'))) out.fail(what);
  }
}

/** One fuzzing WebSocket: sends an input, waits for its reply or the close, reconnects when closed. */
class FuzzSocket {
  private socket?: WebSocket;
  private waiter?: (outcome: 'reply' | 'closed') => void;
  /** Code and reason of the last close, for the report. */
  lastClose = 0;
  lastCloseReason = '';

  constructor(
    private readonly url: string,
    private readonly out: Collector,
    private readonly maxMessageBytes: number,
  ) {}

  async send(input: WsFuzzInput, n: number): Promise<void> {
    const socket = await this.open();
    const answered = new Promise<'reply' | 'closed' | 'timeout'>((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), TIMEOUT_MS);
      this.waiter = (outcome) => {
        clearTimeout(timer);
        resolve(outcome);
      };
    });
    socket.send(input.data, { binary: input.binary });
    const outcome = await answered;
    if (outcome === 'timeout') this.out.fail(`#${n} WebSocket ${input.kind}: no reply and no close`);
    // A valid message is answered; a close instead is a dropped connection on a valid input — unless the
    // server said it closed for the bad messages before it (it answers the last bad one, then closes: the
    // valid input can cross that close on the wire), or it ended the idle socket's session as stale. A 1009
    // (message too big) answers an oversized message: one within the limit cannot have caused it.
    if (outcome === 'closed' && VALID_KINDS.has(input.kind)) {
      const kind = BAD_MESSAGES_CLOSE.test(this.lastCloseReason)
        ? 'closed-for-earlier-bad-messages'
        : STALE_CLOSE.test(this.lastCloseReason)
          ? 'closed-idle-stale'
          : this.lastClose === MESSAGE_TOO_BIG && input.data.length <= this.maxMessageBytes + 1
            ? 'closed-for-earlier-oversized'
            : input.kind;
      this.out.connectionError(
        'WebSocket',
        kind,
        `#${n} WebSocket ${input.kind}: closed (${this.lastClose} ${this.lastCloseReason})`,
      );
    }
    this.waiter = undefined;
  }

  close(): void {
    this.socket?.close();
  }

  private async open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(this.url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.socket = socket;
    socket.on('message', (data: RawData) => {
      this.out.wsReplies++;
      try {
        const frame = data as Buffer;
        if (frame[0] !== 0) throw new Error('header');
        ServerToAgent.decode(frame.subarray(1));
      } catch {
        this.out.fail('WebSocket: undecodable reply');
      }
      this.waiter?.('reply');
    });
    socket.on('close', (code, reason) => {
      this.lastClose = code;
      this.lastCloseReason = reason.toString('utf8');
      this.out.wsCloses[code] = (this.out.wsCloses[code] ?? 0) + 1;
      if (!ALLOWED_CLOSES.has(code)) this.out.fail(`WebSocket: closed with ${code}`);
      // 1006: the connection went away without a close frame (RFC 6455, 7.1.5).
      if (code === 1006)
        this.out.connectionError('WebSocket', 'abnormal-close', 'WebSocket: closed abnormally (1006)');
      this.waiter?.('closed');
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
    return socket;
  }
}

/** A well-behaved agent on each transport, checked between the fuzz inputs. */
class GoodAgents {
  private readonly httpUid = Buffer.from('good-http-agent-0000000000000000');
  private readonly wsUid = Buffer.from('good-ws-agent-000000000000000000');
  private httpSeq = 0n;
  private wsSeq = 0n;
  private ws?: WebSocket;
  private replies: ServerToAgent[] = [];

  constructor(
    private readonly target: FuzzTarget,
    private readonly agent: Agent,
    private readonly out: Collector,
  ) {}

  async check(): Promise<void> {
    this.out.goodChecks++;
    await Promise.all([this.checkHttp(), this.checkWs()]);
  }

  close(): void {
    this.ws?.close();
  }

  private message(uid: Buffer, seq: bigint): Buffer {
    return encodeAgentToServer({
      instanceUid: uid,
      sequenceNum: seq,
      ...(seq === 0n
        ? { agentDescription: { identifyingAttributes: [], nonIdentifyingAttributes: [] } }
        : {}),
    });
  }

  private verify(transport: string, reply: ServerToAgent | undefined, uid: Buffer, seq: bigint): void {
    if (!reply) return this.out.fail(`good ${transport} agent: no reply`);
    if (!Buffer.from(reply.instanceUid).equals(uid))
      this.out.fail(`good ${transport} agent: reply for another uid`);
    if (reply.errorResponse) this.out.fail(`good ${transport} agent: ${reply.errorResponse.errorMessage}`);
    if (seq > 0n && (reply.flags & REPORT_FULL_STATE) !== 0n)
      this.out.fail(`good ${transport} agent: asked for its full state`);
  }

  private async checkHttp(): Promise<void> {
    const seq = this.httpSeq++;
    const url = new URL(this.target.opampUrl);
    try {
      const { status, body } = await sendHttp(this.agent, url, {
        kind: 'good',
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/x-protobuf' },
        body: this.message(this.httpUid, seq),
      });
      if (status !== 200) this.out.fail(`good HTTP agent: status ${status}`);
      else this.verify('HTTP', ServerToAgent.decode(body), this.httpUid, seq);
    } catch (error) {
      this.out.fail(`good HTTP agent: ${(error as Error).message}`);
    }
  }

  private async checkWs(): Promise<void> {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      const ws = new WebSocket(this.target.wsUrl, { perMessageDeflate: false });
      ws.on('message', (data: RawData) =>
        this.replies.push(ServerToAgent.decode((data as Buffer).subarray(1))),
      );
      ws.on('error', () => undefined);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      this.ws = ws;
      this.wsSeq = 0n;
    }
    const seq = this.wsSeq++;
    const count = this.replies.length;
    this.ws.send(Buffer.concat([Buffer.from([0]), this.message(this.wsUid, seq)]));
    const deadline = Date.now() + TIMEOUT_MS;
    while (this.replies.length === count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    this.verify('WebSocket', this.replies[count], this.wsUid, seq);
  }
}

/**
 * Throws `inputs` generated and mutated inputs at a running server over HTTP and WebSocket, `concurrency`
 * at a time per transport, checking a valid agent on both transports every `goodEvery` inputs. Replays
 * exactly from `seed`.
 */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const out = new Collector();
  const concurrency = options.concurrency ?? 8;
  const goodEvery = options.goodEvery ?? 50;
  const httpShare = options.httpShare ?? 0.5;
  const url = new URL(target.opampUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency + 2 });
  const sockets = Array.from(
    { length: concurrency },
    () => new FuzzSocket(target.wsUrl, out, options.maxMessageBytes),
  );
  const good = new GoodAgents(target, agent, out);
  let httpInputs = 0;
  let wsInputs = 0;
  let sent = 0;
  const lane = async (index: number): Promise<void> => {
    while (sent < options.inputs) {
      const n = sent++;
      if (n % goodEvery === 0) await good.check();
      if (options.onProgress && n % 5000 === 0) options.onProgress(n);
      // Input n depends only on (seed, n): a failure is replayed whatever the scheduling was.
      const rng = new Prng((Math.imul(options.seed, 1_000_003) + n) >>> 0);
      if (rng.next() < httpShare) {
        httpInputs++;
        await fuzzHttp(agent, url, httpInput(rng, options.maxMessageBytes, url.pathname), out, n);
      } else {
        wsInputs++;
        const input = wsInput(rng, options.maxMessageBytes);
        try {
          await sockets[index]!.send(input, n);
        } catch (error) {
          const what = `#${n} WebSocket ${input.kind}: ${(error as Error).message}`;
          out.connectionError('WebSocket', VALID_KINDS.has(input.kind) ? input.kind : 'open', what);
          if (!VALID_KINDS.has(input.kind)) out.fail(what); // a valid one was failed by connectionError
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => lane(i)));
    await good.check();
  } finally {
    for (const socket of sockets) socket.close();
    good.close();
    agent.destroy();
  }
  return {
    seed: options.seed,
    inputs: sent,
    httpInputs,
    wsInputs,
    httpStatuses: out.httpStatuses,
    httpConnectionErrors: out.httpConnectionErrors,
    connectionErrors: {
      total: out.httpConnectionErrorCount + out.wsConnectionErrorCount,
      http: out.httpConnectionErrorCount,
      ws: out.wsConnectionErrorCount,
      byKind: out.connectionErrorsByKind,
      examples: out.connectionErrorExamples,
    },
    validInputConnectionErrors: { count: out.validInputErrors, examples: out.validInputErrorExamples },
    wsReplies: out.wsReplies,
    wsCloses: out.wsCloses,
    goodChecks: out.goodChecks,
    failures: out.failures,
    durationMs: Math.round(performance.now() - started),
  };
}
