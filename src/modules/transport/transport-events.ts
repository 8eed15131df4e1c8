import { Injectable, Logger } from '@nestjs/common';
import { ListenerSet } from '../../common/listener-set.js';
import { type ProtocolErrorReason } from '../protocol/index.js';
import { type TransportKind } from '../../plugin-api/index.js';

/** How the handling of one incoming message ended. */
export type MessageOutcome = 'ok' | 'refused' | 'error';

/** Something that happened on the OpAMP listener, for observers such as the metrics. */
export type TransportEvent =
  | {
      /** A message (or an upgrade, an HTTP request) was refused with a ProtocolError. */
      readonly type: 'refused';
      readonly transport: TransportKind;
      readonly reason: ProtocolErrorReason;
    }
  | {
      /** One incoming message was handled: decoded, served and answered (or refused). */
      readonly type: 'handled';
      readonly transport: TransportKind;
      readonly outcome: MessageOutcome;
      /** From receiving the bytes to handing the reply to the socket, in seconds. */
      readonly durationS: number;
    };

/** Receives {@link TransportEvent}s. */
export type TransportEventListener = (event: TransportEvent) => void;

/**
 * Publishes {@link TransportEvent}s synchronously to listeners. The transports only report; what is done
 * with it (metrics) lives in the modules above, so the data still flows one way. A throwing listener is
 * logged and skipped.
 */
@Injectable()
export class TransportEvents {
  private readonly logger = new Logger(TransportEvents.name);
  private readonly listeners = new ListenerSet<TransportEvent>((error, event) =>
    this.logger.error({ err: error, event: event.type }, 'transport event listener failed'),
  );

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: TransportEventListener): () => void {
    return this.listeners.add(listener);
  }

  emit(event: TransportEvent): void {
    this.listeners.emit(event);
  }
}
