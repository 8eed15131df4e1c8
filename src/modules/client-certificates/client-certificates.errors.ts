import { ServerErrorResponseType } from '../../generated/opamp/v1/opamp.js';
import { ProtocolError } from '../protocol/index.js';

/** Why a certificate signing request was refused; also the `reason` label of the CSR metrics. */
export type CsrRefusalReason =
  'no-ca' | 'not-accepted' | 'malformed' | 'bad-signature' | 'weak-key' | 'subject-mismatch';

/**
 * A CSR the server will not sign. The OpAMP specification ("Agent-initiated CSR Flow") prescribes a
 * `ServerErrorResponse` of type BadRequest when approving or creating the certificate fails: this error is
 * a {@link ProtocolError}, so the message is answered with exactly that (HTTP 400 over HTTP).
 */
export class CsrRefusedError extends ProtocolError {
  override readonly name = 'CsrRefusedError';

  constructor(
    /** Why, in one word (see {@link CsrRefusalReason}). */
    readonly refusal: CsrRefusalReason,
    /** The agent's display id. */
    readonly agent: string,
    /** What is wrong and what to do, told to the agent. */
    readonly problem: string,
  ) {
    super(
      `certificate request refused: ${problem}`,
      'rejected',
      400,
      ServerErrorResponseType.ServerErrorResponseType_BadRequest,
    );
  }
}

/** The client CA files cannot be used; the server does not start. */
export class ClientCaError extends Error {
  override readonly name = 'ClientCaError';

  constructor(
    /** The file at fault. */
    readonly file: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`the client CA file "${file}" ${problem}`);
  }
}
