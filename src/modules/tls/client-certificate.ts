import { X509Certificate } from 'node:crypto';
import { type Socket } from 'node:net';
import { type TLSSocket } from 'node:tls';
import { type ClientCertificate } from '../../plugin-api/index.js';

const seen = new WeakMap<Socket, ClientCertificate | null>();

/**
 * The client certificate of a connection, when it is TLS and the server verified the certificate against
 * its client CAs (`socket.authorized`, https://nodejs.org/api/tls.html#tlssocketauthorized); undefined for
 * plain, Unix-socket and unverified connections. Read once per connection (keep-alive requests share it).
 */
export function verifiedClientCertificate(socket: Socket): ClientCertificate | undefined {
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted !== true || tls.authorized !== true || !tls.getPeerCertificate) return undefined;
  let known = seen.get(socket);
  if (known === undefined) {
    known = describe(tls.getPeerCertificate().raw);
    seen.set(socket, known);
  }
  return known ?? undefined;
}

function describe(raw: Buffer | undefined): ClientCertificate | null {
  if (!raw || raw.length === 0) return null;
  const x509 = new X509Certificate(raw);
  const commonName = /^CN=(.*)$/m.exec(x509.subject)?.[1];
  return {
    subject: x509.subject,
    ...(commonName === undefined ? {} : { commonName }),
    ...(x509.subjectAltName === undefined ? {} : { subjectAltName: x509.subjectAltName }),
    issuer: x509.issuer,
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    validFrom: x509.validFrom,
    validTo: x509.validTo,
  };
}
