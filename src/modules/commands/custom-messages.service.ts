import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { COMMANDS_OPTIONS, type CommandsOptions } from './commands.options.js';
import { AgentEvents, MessagePipeline, type AgentSession, type PushResult } from '../session/index.js';
import { AgentCapabilityError } from './commands.errors.js';

/** A custom message an agent sent. */
export interface ReceivedCustomMessage {
  readonly session: AgentSession;
  readonly capability: string;
  readonly type: string;
  readonly data: Buffer;
}

/** Receives {@link ReceivedCustomMessage}s; may be async (errors are logged). */
export type CustomMessageListener = (message: ReceivedCustomMessage) => void | Promise<void>;

/**
 * Custom capabilities and messages (spec: Custom Messages) for plugins: announce the server's own
 * capabilities, send messages to agents that listed a capability, and subscribe to what agents send.
 * The capabilities in `CUSTOM_CAPABILITIES` are announced at start-up.
 *
 * @example
 * ```ts
 * constructor(private readonly custom: CustomMessages) {}
 * onModuleInit() {
 *   this.custom.advertise('io.example.pause');
 *   this.custom.subscribe('io.example.pause', ({ session, type }) => ...);
 * }
 * await this.custom.send(session, 'io.example.pause', 'pause', Buffer.from('{}'));
 * ```
 */
@Injectable()
export class CustomMessages implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CustomMessages.name);
  private readonly listeners = new Map<string, CustomMessageListener[]>();
  private unsubscribe?: () => void;

  constructor(
    private readonly server: MessagePipeline,
    private readonly events: AgentEvents,
    @Inject(COMMANDS_OPTIONS) private readonly options: CommandsOptions,
  ) {}

  onModuleInit(): void {
    for (const capability of this.options.customCapabilities) this.advertise(capability);
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.type !== 'message' || !event.message.customMessage) return;
      const { capability, type, data } = event.message.customMessage;
      this.deliver({ session: event.session, capability, type, data: Buffer.from(data) });
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** Adds a custom capability the server announces (`custom_capabilities` in its first reply per connection). */
  advertise(capability: string): void {
    this.server.advertiseCustomCapability(capability);
  }

  /** The custom capabilities the server announces. */
  get advertised(): readonly string[] {
    return this.server.serverCustomCapabilities;
  }

  /** Whether the agent listed `capability` in its custom capabilities. */
  supports(session: AgentSession, capability: string): boolean {
    return session.customCapabilities.includes(capability);
  }

  /**
   * Sends a custom message: at once over WebSocket (`sent`), with the next poll over HTTP (`queued`; a
   * later message for the same agent before that poll replaces it, as one reply carries one message).
   * @throws AgentCapabilityError when the agent did not list the capability.
   */
  async send(
    session: AgentSession,
    capability: string,
    type: string,
    data: Uint8Array | string,
  ): Promise<PushResult> {
    if (!this.supports(session, capability)) {
      throw new AgentCapabilityError(
        session.displayId,
        capability,
        `agent ${session.displayId} did not list the custom capability "${capability}"`,
      );
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    return this.server.push(session, { customMessage: { capability, type, data: bytes } });
  }

  /**
   * Calls `listener` with every custom message of `capability` agents send (`*` for every capability).
   * Returns the function that removes it.
   */
  subscribe(capability: string, listener: CustomMessageListener): () => void {
    this.listeners.set(capability, [...(this.listeners.get(capability) ?? []), listener]);
    return () => {
      this.listeners.set(
        capability,
        (this.listeners.get(capability) ?? []).filter((l) => l !== listener),
      );
    };
  }

  private deliver(message: ReceivedCustomMessage): void {
    const listeners = [...(this.listeners.get(message.capability) ?? []), ...(this.listeners.get('*') ?? [])];
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(message))
        .catch((error: unknown) =>
          this.logger.error(
            {
              agent: message.session.displayId,
              capability: message.capability,
              type: message.type,
              err: error,
            },
            'custom message listener failed',
          ),
        );
    }
  }
}
