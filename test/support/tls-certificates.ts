import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A PEM certificate and its PEM private key. */
export interface PemPair {
  readonly cert: string;
  readonly key: string;
}

/** A throwaway certificate authority made at test time. */
export class TestCa {
  private constructor(
    readonly name: string,
    readonly cert: string,
    private readonly keys: webcrypto.CryptoKeyPair,
    private readonly certificate: x509.X509Certificate,
  ) {}

  /** A new self-signed CA named `CN=<name>`. */
  static async create(name: string): Promise<TestCa> {
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      name: `CN=${name}`,
      keys,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + DAY_MS),
      signingAlgorithm: EC,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new TestCa(name, certificate.toString('pem'), keys, certificate);
  }

  /** The CA's private key as unencrypted PKCS#8 PEM (for a server that signs with this CA). */
  async keyPem(): Promise<string> {
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', this.keys.privateKey);
    return x509.PemConverter.encode(pkcs8, 'PRIVATE KEY');
  }

  /** A server certificate for 127.0.0.1 and localhost, `CN=<commonName>`. */
  async server(commonName = 'opamp-nest test server'): Promise<PemPair> {
    return this.issue(`CN=${commonName}`, x509.ExtendedKeyUsage.serverAuth, [
      { type: 'ip', value: '127.0.0.1' },
      { type: 'dns', value: 'localhost' },
    ]);
  }

  /** A client certificate with `subject`, e.g. `O=acme, CN=agent-1`, and an optional URI name. */
  async client(subject: string, uri?: string): Promise<PemPair> {
    return this.issue(subject, x509.ExtendedKeyUsage.clientAuth, uri ? [{ type: 'url', value: uri }] : []);
  }

  private async issue(
    subject: string,
    usage: x509.ExtendedKeyUsage,
    names: Array<{ type: 'ip' | 'dns' | 'url'; value: string }>,
  ): Promise<PemPair> {
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage]),
      await x509.AuthorityKeyIdentifierExtension.create(this.keys.publicKey),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
    const certificate = await x509.X509CertificateGenerator.create({
      subject,
      issuer: this.certificate.subject,
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      notBefore: new Date(Date.now() - DAY_MS),
      notAfter: new Date(Date.now() + DAY_MS),
      signingAlgorithm: EC,
      extensions,
    });
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
    return { cert: certificate.toString('pem'), key: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
  }
}

/** A temporary directory of TLS files, removed by {@link TlsDir.remove}. */
export class TlsDir {
  readonly path = mkdtempSync(join(tmpdir(), 'opamp-nest-tls-'));

  /** Writes `content` to `<dir>/<name>` and returns the file's path. */
  write(name: string, content: string): string {
    const file = join(this.path, name);
    writeFileSync(file, content);
    return file;
  }

  /** Writes a pair as `tls.crt` and `tls.key` (or `<prefix>.crt`, `<prefix>.key`). */
  writePair(pair: PemPair, prefix = 'tls'): { certFile: string; keyFile: string } {
    return {
      certFile: this.write(`${prefix}.crt`, pair.cert),
      keyFile: this.write(`${prefix}.key`, pair.key),
    };
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}
