import { readFile } from 'node:fs/promises';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { TlsFileUnreadableError, TlsKeyPairError, type TlsFileRole } from './tls.errors.js';

/** The files of one listener's TLS: a certificate (chain), its private key and, for mTLS, client CAs. */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Set: clients must present a certificate signed by one of these CAs. */
  readonly clientCaFile?: string;
}

/** The raw bytes of {@link TlsFiles}, as read. */
export interface TlsFileContents {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
}

/** A checked certificate and key (and client CAs): they load into a secure context. */
export interface TlsKeyPair extends TlsFileContents {
  /** The leaf certificate, for logs (subject, expiry, fingerprint). */
  readonly certificate: X509Certificate;
}

/**
 * Reads and checks a listener's TLS files.
 * @throws TlsFileUnreadableError when a file cannot be read.
 * @throws TlsKeyPairError when a file is not PEM, the key is encrypted or is not the certificate's.
 */
export async function loadTlsKeyPair(files: TlsFiles): Promise<TlsKeyPair> {
  return checkTlsKeyPair(files, await readTlsFiles(files));
}

/**
 * Reads the files, following symbolic links (a Kubernetes Secret volume swaps a `..data` link).
 * @throws TlsFileUnreadableError
 */
export async function readTlsFiles(files: TlsFiles): Promise<TlsFileContents> {
  const reads = await Promise.allSettled([
    readTlsFile(files.certFile, 'certificate'),
    readTlsFile(files.keyFile, 'private key'),
    files.clientCaFile === undefined ? undefined : readTlsFile(files.clientCaFile, 'client CA'),
  ]);
  // Reported in a fixed order (certificate, key, CA), whichever read failed first.
  const failed = reads.find((read) => read.status === 'rejected');
  if (failed) throw failed.reason;
  const [cert, key, ca] = reads.map((read) => (read.status === 'fulfilled' ? read.value : undefined));
  return { cert: cert!, key: key!, ca };
}

/**
 * Checks that the contents make a key pair a TLS server can use.
 * @throws TlsKeyPairError
 */
export function checkTlsKeyPair(files: TlsFiles, contents: TlsFileContents): TlsKeyPair {
  const certificate = parse(files.certFile, 'certificate', () => new X509Certificate(contents.cert));
  const key = parse(files.keyFile, 'private key', (): KeyObject => createPrivateKey(contents.key));
  if (!certificate.checkPrivateKey(key)) {
    throw new TlsKeyPairError(
      files.keyFile,
      'private key',
      `is not the key of the certificate in "${files.certFile}": write the certificate and key of one pair`,
    );
  }
  if (contents.ca && files.clientCaFile) {
    const caFile = files.clientCaFile;
    parse(caFile, 'client CA', () => new X509Certificate(contents.ca!));
    // What OpenSSL refuses beyond the checks above (https://nodejs.org/api/tls.html#tlscreatesecurecontextoptions).
    parse(caFile, 'client CA', () => createSecureContext(tlsContextOptions(contents)));
  }
  return { ...contents, certificate };
}

/**
 * The secure-context options of a pair, for `https.createServer` and for `server.setSecureContext()` (which
 * replaces the whole context, so the client CAs are passed each time:
 * https://nodejs.org/api/tls.html#serversetsecurecontextoptions).
 */
export function tlsContextOptions(pair: TlsFileContents): SecureContextOptions {
  return pair.ca ? { cert: pair.cert, key: pair.key, ca: pair.ca } : { cert: pair.cert, key: pair.key };
}

async function readTlsFile(file: string, role: TlsFileRole): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new TlsFileUnreadableError(file, role, code);
  }
}

function parse<T>(file: string, role: TlsFileRole, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const expected =
      role === 'private key'
        ? 'an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)'
        : 'PEM certificates (-----BEGIN CERTIFICATE-----)';
    throw new TlsKeyPairError(file, role, `does not hold ${expected}: ${reason}`);
  }
}
