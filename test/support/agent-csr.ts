import 'reflect-metadata'; // @peculiar/x509 resolves its parts with tsyringe, which needs it
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** A CSR as an agent makes it, and the private key only the agent keeps. */
export interface AgentCsr {
  readonly csrPem: string;
  readonly keyPem: string;
}

type KeyKind = 'P-256' | 'P-384' | 'RSA-1024' | 'RSA-2048';

const algorithmOf = (kind: KeyKind): webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams =>
  kind.startsWith('P-')
    ? ({ name: 'ECDSA', namedCurve: kind, hash: 'SHA-256' } as webcrypto.EcKeyGenParams)
    : {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: Number(kind.slice(4)),
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      };

/** A PEM CSR for `subject` (e.g. `CN=<uid>`) with optional SANs, signed with a new key of `kind`. */
export async function makeAgentCsr(
  subject: string,
  names: Array<{ type: 'dns' | 'url'; value: string }> = [],
  kind: KeyKind = 'P-256',
): Promise<AgentCsr> {
  const algorithm = algorithmOf(kind);
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys,
    signingAlgorithm: algorithm,
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : [],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { csrPem: csr.toString('pem'), keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}
