import { Injectable } from '@nestjs/common';
import { type NodeFailureReason } from './node-call.errors.js';

/** The hub's last dealings with one node server. */
export interface NodeContact {
  /** When it last answered a call successfully (ISO 8601), or null. */
  readonly lastContact: string | null;
  /** The last failed call, or null when the last call succeeded. */
  readonly lastError: {
    readonly at: string;
    readonly reason: NodeFailureReason;
    readonly detail: string;
  } | null;
}

const NONE: NodeContact = { lastContact: null, lastError: null };

/** What the hub remembers of each node server's last answer, for `GET /api/v1/nodes`. */
@Injectable()
export class NodeContacts {
  private readonly contacts = new Map<string, NodeContact>();

  succeeded(node: string, at = new Date()): void {
    this.contacts.set(node, { lastContact: at.toISOString(), lastError: null });
  }

  failed(node: string, reason: NodeFailureReason, detail: string, at = new Date()): void {
    const before = this.contacts.get(node) ?? NONE;
    this.contacts.set(node, { ...before, lastError: { at: at.toISOString(), reason, detail } });
  }

  of(node: string): NodeContact {
    return this.contacts.get(node) ?? NONE;
  }
}
