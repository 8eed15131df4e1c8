import { createHash } from 'node:crypto';
import { type SecureContextOptions } from 'node:tls';
import { Logger } from '@nestjs/common';
import {
  checkTlsKeyPair,
  readTlsFiles,
  tlsContextOptions,
  type TlsFileContents,
  type TlsFiles,
  type TlsKeyPair,
} from './tls-key-pair.js';
import { TlsKeyPairError, TlsSetupError } from './tls.errors.js';

/** A TLS server whose certificate can be replaced for new connections (`tls.Server`, `https.Server`). */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

/** What one check of the files did. */
export type TlsReloadOutcome =
  /** The files hold the pair in use. */
  | { readonly result: 'unchanged' }
  /** A new pair is in use for new connections. */
  | { readonly result: 'reloaded'; readonly pair: TlsKeyPair }
  /** The files changed but cannot be used (logged once per problem); the pair in use stays. */
  | { readonly result: 'rejected'; readonly error: TlsSetupError };

/** Options of a {@link TlsReloader}. */
export interface TlsReloaderOptions {
  /** The files to watch. */
  readonly files: TlsFiles;
  /** The pair the server was started with. */
  readonly current: TlsKeyPair;
  /** The server to give a new pair to. */
  readonly target: SecureContextTarget;
  /** Period of the check (`TLS_RELOAD_INTERVAL_S`). */
  readonly intervalMs: number;
  /** The listener, as logs name it, e.g. `OpAMP listener`. */
  readonly listener: string;
}

/**
 * Keeps a TLS server's certificate in step with its files. It compares the files' contents (not their
 * mtimes) every interval, so both in-place rewrites (cert-manager) and a Kubernetes Secret volume's `..data`
 * symlink swap are seen; a changed pair is checked and applied with `server.setSecureContext()`, which
 * serves it to new handshakes and leaves open connections as they are
 * (https://nodejs.org/api/tls.html#serversetsecurecontextoptions). A pair that fails the check is logged once
 * and the pair in use stays; the next change is checked again (a half-written pair usually completes).
 */
export class TlsReloader {
  private readonly logger = new Logger(TlsReloader.name);
  private current: TlsFileContents;
  /** The problem last logged: a digest of refused contents, or an unreadable file. */
  private refused?: string;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<TlsReloadOutcome>;

  constructor(private readonly options: TlsReloaderOptions) {
    this.current = options.current;
  }

  /** Checks every `intervalMs` until {@link stop}; the timer does not keep the process alive. */
  start(): void {
    this.stop();
    this.timer = setInterval(() => void this.check(), this.options.intervalMs).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the files now and applies a changed, valid pair; never rejects. Concurrent calls share one check. */
  check(): Promise<TlsReloadOutcome> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<TlsReloadOutcome> {
    const { files, listener } = this.options;
    let contents: TlsFileContents;
    try {
      contents = await readTlsFiles(files);
    } catch (error) {
      const refused = asSetupError(error, files);
      return this.refuse(refused, `unreadable\0${refused.file}\0${refused.message}`);
    }
    if (sameContents(contents, this.current)) return { result: 'unchanged' };
    let pair: TlsKeyPair;
    try {
      pair = checkTlsKeyPair(files, contents);
      this.options.target.setSecureContext(tlsContextOptions(pair));
    } catch (error) {
      return this.refuse(asSetupError(error, files), digestOf(contents));
    }
    this.current = pair;
    this.refused = undefined;
    const { subject, validTo, fingerprint256 } = pair.certificate;
    this.logger.log(
      { listener, certFile: files.certFile, subject, validTo, fingerprint256 },
      'TLS certificate reloaded; new connections use it',
    );
    return { result: 'reloaded', pair };
  }

  /** Logs a refusal once per distinct problem (`key`), keeps the pair in use. */
  private refuse(error: TlsSetupError, key: string): TlsReloadOutcome {
    if (key !== this.refused) {
      this.refused = key;
      this.logger.warn(
        { listener: this.options.listener, file: error.file, err: error.message },
        'new TLS files refused; the certificate in use stays',
      );
    }
    return { result: 'rejected', error };
  }
}

/** A {@link TlsSetupError} as is; anything else OpenSSL refused, blamed on the certificate file. */
function asSetupError(error: unknown, files: TlsFiles): TlsSetupError {
  if (error instanceof TlsSetupError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new TlsKeyPairError(files.certFile, 'certificate', `cannot be used by TLS: ${reason}`);
}

function sameContents(a: TlsFileContents, b: TlsFileContents): boolean {
  return a.cert.equals(b.cert) && a.key.equals(b.key) && (a.ca ?? EMPTY).equals(b.ca ?? EMPTY);
}

const EMPTY = Buffer.alloc(0);

function digestOf(contents: TlsFileContents): string {
  const hash = createHash('sha256');
  for (const part of [contents.cert, contents.key, contents.ca ?? EMPTY]) hash.update(part).update('\0');
  return hash.digest('hex');
}
