import { randomBytes } from 'node:crypto';
import { type ClientCa } from './client-ca.js';
import { type CertificateRequest } from './certificate-request.js';
import { x509 } from './x509-provider.js';

/** A certificate the server issued to an agent. */
export interface IssuedCertificate {
  /** PEM of the certificate (`TLSCertificate.cert`). */
  readonly certPem: string;
  /** Upper-case hex. */
  readonly serialNumber: string;
  /** ms since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
}

/** Backdating of `notBefore`, for agents whose clock is slightly behind. */
const BACKDATE_MS = 5 * 60 * 1000;

/**
 * Signs a client certificate for the CSR's key and subject (and its subject alternative names), valid from
 * `now` for `validityMs`: not a CA, digital signature (and key encipherment for RSA), extended key usage
 * clientAuth.
 */
export async function signClientCertificate(
  ca: ClientCa,
  request: CertificateRequest,
  now: number,
  validityMs: number,
): Promise<IssuedCertificate> {
  const rsa = request.publicKey.algorithm.name.startsWith('RSA');
  const usage = x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
  ];
  if (request.subjectAltNameExtension) extensions.push(request.subjectAltNameExtension);
  // A positive 127-bit serial (RFC 5280: at most 20 octets, positive).
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  const notBefore = now - BACKDATE_MS;
  const notAfter = now + validityMs;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: request.subject,
    issuer: ca.certificate.subject,
    notBefore: new Date(notBefore),
    notAfter: new Date(notAfter),
    publicKey: request.publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ca.algorithm,
    extensions,
  });
  return {
    certPem: certificate.toString('pem'),
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore,
    notAfter,
  };
}
