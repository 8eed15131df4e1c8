/** Which file of a TLS configuration a problem is about. */
export type TlsFileRole = 'certificate' | 'private key' | 'client CA';

/** A listener's TLS files cannot be used; at start-up the server stops, on a reload the old pair stays. */
export abstract class TlsSetupError extends Error {
  constructor(
    readonly file: string,
    readonly role: TlsFileRole,
    message: string,
  ) {
    super(message);
  }
}

/** A TLS file could not be read (missing, not readable by the server's user, a directory). */
export class TlsFileUnreadableError extends TlsSetupError {
  override readonly name = 'TlsFileUnreadableError';

  constructor(
    file: string,
    role: TlsFileRole,
    /** The system error code, e.g. `ENOENT` or `EACCES`. */
    readonly code: string,
  ) {
    super(
      file,
      role,
      `cannot read the TLS ${role} file "${file}" (${code}): check that it exists and that the server's user may read it`,
    );
  }
}

/**
 * A TLS file was read but does not hold what it should: not PEM, an encrypted key, or a key that is not the
 * certificate's.
 */
export class TlsKeyPairError extends TlsSetupError {
  override readonly name = 'TlsKeyPairError';

  constructor(
    file: string,
    role: TlsFileRole,
    /** What is wrong, in a few words. */
    readonly problem: string,
  ) {
    super(file, role, `the TLS ${role} file "${file}" ${problem}`);
  }
}
