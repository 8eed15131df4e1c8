/**
 * A small OpAMP agent to try a server with: `npm run demo-agent -- --transport http --count 5`.
 * It reports its full state, sends heartbeats, answers what the server asks and says goodbye.
 * A tool, not part of the server: `tools/tsconfig.json` builds it into `tools/dist/`, so it is neither in
 * `dist/` nor in the image.
 */
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AgentCapabilities,
  AgentToServer,
  CommandType,
  RemoteConfigStatuses,
  ServerToAgentFlags,
  type AgentDescription,
  type RemoteConfigStatus,
  type ServerToAgent,
} from '../../src/generated/opamp/v1/opamp.js';
import { type KeyValue } from '../../src/generated/opamp/v1/anyvalue.js';
import { bitmask, formatInstanceUid, newInstanceUid } from '../../src/modules/protocol/index.js';
import { describeServerToAgent } from './demo-format.js';
import {
  DemoAgentError,
  openTransport,
  type DemoTransport,
  type DemoTransportKind,
} from './demo-transport.js';

/** What the demo agent does; see {@link parseDemoAgentArgs} for the command line. */
export interface DemoAgentOptions {
  /** OpAMP endpoint: ws(s):// for WebSocket, http(s):// for HTTP. */
  url: string;
  transport: DemoTransportKind;
  /** service.name in the agent description. */
  name: string;
  /** Messages to send (the first is the full state, the rest heartbeats) before agent_disconnect. */
  count: number;
  /** Pause between messages. */
  intervalMs: number;
  /** How long to wait to connect or for a reply; default 5000. */
  timeoutMs?: number;
  /** The instance uid to start with; default a fresh UUIDv7. */
  instanceUid?: Uint8Array;
  /** Stops early (still sending agent_disconnect), e.g. on Ctrl-C. */
  signal?: AbortSignal;
}

/** How a run ended. */
export interface DemoAgentResult {
  /** The uid the agent ended with (the server may have assigned a new one). */
  instanceUid: Buffer;
  /** Messages sent before agent_disconnect. */
  messagesSent: number;
}

/** Receives each line the agent prints. */
export type OutputSink = (line: string) => void;

const DEMO_AGENT_VERSION = '0.1.0';
const DEFAULT_PORT_AND_PATH = '127.0.0.1:4320/v1/opamp';
const REPORT_FULL_STATE = BigInt(ServerToAgentFlags.ServerToAgentFlags_ReportFullState);
const CAPABILITIES = bitmask(
  AgentCapabilities.AgentCapabilities_ReportsStatus,
  AgentCapabilities.AgentCapabilities_ReportsHealth,
  AgentCapabilities.AgentCapabilities_ReportsHeartbeat,
  AgentCapabilities.AgentCapabilities_AcceptsRemoteConfig,
  AgentCapabilities.AgentCapabilities_ReportsRemoteConfig,
  AgentCapabilities.AgentCapabilities_AcceptsRestartCommand,
);

/** The `--help` text. */
export const DEMO_AGENT_USAGE = `usage: demo-agent [options]
  --url URL            OpAMP endpoint (default ws://${DEFAULT_PORT_AND_PATH}; http://... for HTTP)
  --transport ws|http  default ws, or http when --url is http(s)://...
  --name NAME          service.name to report (default demo-agent)
  --count N            messages to send before disconnecting (default 3)
  --interval-ms MS     pause between messages (default 1000)
Each option can also be set as DEMO_AGENT_URL, DEMO_AGENT_TRANSPORT, DEMO_AGENT_NAME, DEMO_AGENT_COUNT,
DEMO_AGENT_INTERVAL_MS.`;

const stringAttribute = (key: string, value: string): KeyValue => ({
  key,
  value: { value: { $case: 'stringValue', value } },
});

/** The OTel os.type of this machine. */
const osType = (): string => (process.platform === 'win32' ? 'windows' : process.platform);

/**
 * Reads the options from argv (`--url`, `--transport`, `--name`, `--count`, `--interval-ms`), falling
 * back to DEMO_AGENT_* variables and then the defaults. Returns `'help'` for `--help`.
 * @throws DemoAgentError for an unknown option or a bad value.
 */
export function parseDemoAgentArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): DemoAgentOptions | 'help' {
  const values = readArgs(argv);
  if (values.help) return 'help';

  const givenUrl = values.url ?? env.DEMO_AGENT_URL;
  const transport =
    values.transport ?? env.DEMO_AGENT_TRANSPORT ?? (/^https?:/i.test(givenUrl ?? '') ? 'http' : 'ws');
  if (transport !== 'ws' && transport !== 'http') {
    throw new DemoAgentError(`--transport must be ws or http (got "${transport}")`);
  }
  return {
    url: endpointFor(transport, givenUrl ?? `ws://${DEFAULT_PORT_AND_PATH}`),
    transport,
    name: values.name ?? env.DEMO_AGENT_NAME ?? 'demo-agent',
    count: wholeNumber('--count', values.count ?? env.DEMO_AGENT_COUNT ?? '3', 1),
    intervalMs: wholeNumber(
      '--interval-ms',
      values['interval-ms'] ?? env.DEMO_AGENT_INTERVAL_MS ?? '1000',
      0,
    ),
  };
}

/** The parsed command line; parse failures become a {@link DemoAgentError}. */
function readArgs(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        transport: { type: 'string' },
        name: { type: 'string' },
        count: { type: 'string' },
        'interval-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new DemoAgentError((error as Error).message);
  }
}

/** The URL with the scheme of the transport: ws:// becomes http:// for HTTP and the other way round. */
function endpointFor(transport: DemoTransportKind, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DemoAgentError(`--url is not a URL: "${url}"`);
  }
  const secure = parsed.protocol === 'wss:' || parsed.protocol === 'https:';
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) {
    throw new DemoAgentError(`--url must start with ws://, wss://, http:// or https:// (got "${url}")`);
  }
  parsed.protocol = transport === 'ws' ? (secure ? 'wss:' : 'ws:') : secure ? 'https:' : 'http:';
  return parsed.href;
}

function wholeNumber(option: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new DemoAgentError(`${option} must be a whole number >= ${min} (got "${text}")`);
  }
  return value;
}

/** What the agent reports about itself, and the bookkeeping that status compression needs. */
class AgentState {
  instanceUid: Buffer;
  private sequenceNum = 0n;
  private readonly description: AgentDescription;
  private readonly startTimeUnixNano = BigInt(Date.now()) * 1_000_000n;
  private remoteConfigStatus: RemoteConfigStatus = {
    lastRemoteConfigHash: Buffer.alloc(0),
    status: RemoteConfigStatuses.RemoteConfigStatuses_UNSET,
    errorMessage: '',
  };
  /** Set by ReportFullState; cleared when the full state is sent. */
  fullStateRequested = true;
  /** Set when the remote config status changed and must go in the next message. */
  private remoteConfigStatusChanged = false;

  constructor(name: string, instanceUid: Uint8Array) {
    this.instanceUid = Buffer.from(instanceUid);
    this.description = {
      identifyingAttributes: [
        stringAttribute('service.name', name),
        stringAttribute('service.version', DEMO_AGENT_VERSION),
      ],
      nonIdentifyingAttributes: [
        stringAttribute('host.name', hostname()),
        stringAttribute('os.type', osType()),
      ],
    };
  }

  /** The next message: the full state when it was asked for, else a heartbeat (plus any changed status). */
  next(): { message: AgentToServer; kind: 'full state' | 'heartbeat' } {
    const message = this.envelope();
    const full = this.fullStateRequested;
    if (full) {
      message.agentDescription = this.description;
      message.health = {
        healthy: true,
        startTimeUnixNano: this.startTimeUnixNano,
        lastError: '',
        status: 'running',
        statusTimeUnixNano: BigInt(Date.now()) * 1_000_000n,
        componentHealthMap: {},
        attributes: [],
      };
    }
    if (full || this.remoteConfigStatusChanged) message.remoteConfigStatus = this.remoteConfigStatus;
    this.fullStateRequested = false;
    this.remoteConfigStatusChanged = false;
    return { message, kind: full ? 'full state' : 'heartbeat' };
  }

  /** The last message: agent_disconnect. */
  goodbye(): AgentToServer {
    const message = this.envelope();
    message.agentDisconnect = {};
    return message;
  }

  /** Applies what a server message asks for; returns a note for the user, if any. */
  apply(reply: ServerToAgent): string | undefined {
    if (reply.command?.type === CommandType.CommandType_Restart) {
      // Spec: a message with a command carries nothing else. The demo "restarts" by starting over.
      this.fullStateRequested = true;
      return 'restart command received; restarting (reporting the full state again)';
    }
    const notes: string[] = [];
    if ((reply.flags & REPORT_FULL_STATE) !== 0n) {
      this.fullStateRequested = true;
      notes.push('server asked for the full state; sending it next');
    }
    const newUid = reply.agentIdentification?.newInstanceUid;
    if (newUid && newUid.length > 0) {
      this.instanceUid = Buffer.from(newUid);
      notes.push(`using the instance uid ${formatInstanceUid(newUid)} from now on`);
    }
    if (reply.remoteConfig) {
      // A real agent would apply the files here; the demo accepts any config as is.
      this.remoteConfigStatus = {
        lastRemoteConfigHash: Buffer.from(reply.remoteConfig.configHash),
        status: RemoteConfigStatuses.RemoteConfigStatuses_APPLIED,
        errorMessage: '',
      };
      this.remoteConfigStatusChanged = true;
      notes.push('remote config received; reporting it APPLIED');
    }
    return notes.length > 0 ? notes.join('; ') : undefined;
  }

  private envelope(): AgentToServer {
    return AgentToServer.fromPartial({
      instanceUid: this.instanceUid,
      sequenceNum: ++this.sequenceNum,
      capabilities: CAPABILITIES,
    });
  }
}

/** Waits `ms`, or less when woken (the server asked for something, or the run was aborted). */
class Pause {
  private wakeUp?: () => void;

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}

/**
 * Runs the demo agent against a server: full state, `count - 1` heartbeats (a ReportFullState is
 * answered at once with the full state), then agent_disconnect. Prints every message to `print`.
 * @throws DemoAgentError when the server cannot be reached, does not reply, or answers with an error.
 */
export async function runDemoAgent(options: DemoAgentOptions, print: OutputSink): Promise<DemoAgentResult> {
  const state = new AgentState(options.name, options.instanceUid ?? newInstanceUid());
  const pause = new Pause();
  const onAbort = (): void => pause.wake();
  options.signal?.addEventListener('abort', onAbort);
  const receive = (label: string, message: ServerToAgent): void => {
    print(`recv ${label} ${describeServerToAgent(message)}`);
    const note = state.apply(message);
    if (note) print(`     ${note}`);
    if (state.fullStateRequested) pause.wake();
  };

  print(
    `demo-agent ${formatInstanceUid(state.instanceUid)} (service.name=${options.name}) ` +
      `connecting to ${options.url} over ${options.transport === 'ws' ? 'WebSocket' : 'HTTP'}`,
  );
  const transport: DemoTransport = await openTransport({
    kind: options.transport,
    url: options.url,
    timeoutMs: options.timeoutMs ?? 5000,
    onPush: (message) => receive('push ', message),
  });
  let sent = 0;
  try {
    while (sent < options.count && !options.signal?.aborted) {
      if (sent > 0 && !state.fullStateRequested) await pause.wait(options.intervalMs);
      if (options.signal?.aborted) break;
      const { message, kind } = state.next();
      print(`sent #${++sent} ${kind} seq=${message.sequenceNum}`);
      const reply = await transport.exchange(message);
      receive('reply', reply);
      if (reply.errorResponse) {
        throw new DemoAgentError(`the server refused message #${sent}: ${reply.errorResponse.errorMessage}`);
      }
    }
    const goodbye = state.goodbye();
    print(`sent agent_disconnect seq=${goodbye.sequenceNum}`);
    receive('reply', await transport.exchange(goodbye));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await transport.close();
  }
  print(`demo-agent disconnected after ${sent} message(s)`);
  return { instanceUid: state.instanceUid, messagesSent: sent };
}

/**
 * The command: parses `argv`/`env`, runs the agent, and returns the exit code (0 done, 1 failed,
 * 2 bad usage). Lines go to `out`; problems to `err`.
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: OutputSink,
  err: OutputSink,
  signal?: AbortSignal,
): Promise<number> {
  let options: DemoAgentOptions | 'help';
  try {
    options = parseDemoAgentArgs(argv, env);
  } catch (error) {
    err(`demo-agent: ${(error as Error).message}`);
    err(DEMO_AGENT_USAGE);
    return 2;
  }
  if (options === 'help') {
    out(DEMO_AGENT_USAGE);
    return 0;
  }
  try {
    await runDemoAgent({ ...options, signal }, out);
    return 0;
  } catch (error) {
    if (!(error instanceof DemoAgentError)) throw error;
    err(`demo-agent: ${error.message}`);
    return 1;
  }
}

/** Whether this file is the program node was started with (not imported, e.g. by a test). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  return script !== undefined && import.meta.url === pathToFileURL(script).href;
}

if (isEntryPoint()) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const line = (stream: NodeJS.WriteStream) => (text: string) => stream.write(`${text}\n`);
  main(
    process.argv.slice(2),
    process.env,
    line(process.stdout),
    line(process.stderr),
    controller.signal,
  ).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`demo-agent: unexpected failure: ${String((error as Error)?.stack ?? error)}\n`);
      process.exitCode = 1;
    },
  );
}
