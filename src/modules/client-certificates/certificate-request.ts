import { createPublicKey } from 'node:crypto';
import { x509 } from './x509-provider.js';

/** What a plugin is shown of a CSR (the `certificateSubject` hook's second argument). */
export interface CsrSubject {
  /** The subject as RFC 4514 text, e.g. `CN=agent-1, O=acme`. */
  readonly subject: string;
  /** The requested subject alternative names, `DNS:host`, `URI:spiffe://…`, `IP:10.0.0.1`, `email:…`. */
  readonly subjectAltNames: readonly string[];
}

/** A checked certificate signing request. */
export interface CertificateRequest extends CsrSubject {
  /** The common name (CN), when the subject has one. */
  readonly commonName?: string;
  /** The key the certificate will certify (SubjectPublicKeyInfo). */
  readonly publicKey: x509.PublicKey;
  /** The raw SubjectAlternativeName extension, copied into the certificate when present. */
  readonly subjectAltNameExtension?: x509.SubjectAlternativeNameExtension;
}

/** Why a CSR is not acceptable; `problem` is told to the agent. */
export class CsrInvalid {
  constructor(
    readonly reason: 'malformed' | 'bad-signature' | 'weak-key',
    readonly problem: string,
  ) {}
}

const SAN_OID = '2.5.29.17';
const SAN_PREFIX: Readonly<Record<string, string>> = { dns: 'DNS', url: 'URI', ip: 'IP', email: 'email' };
const CURVES = new Set(['prime256v1', 'secp384r1']);
const MIN_RSA_BITS = 2048;

/**
 * Parses and checks a PEM CSR: it decodes, its self-signature verifies (the agent holds the key), and the key
 * is RSA of 2048 bits or more or EC on P-256 or P-384. Returns a {@link CsrInvalid} otherwise.
 */
export async function checkCertificateRequest(pem: Buffer): Promise<CertificateRequest | CsrInvalid> {
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(pem.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new CsrInvalid('malformed', `csr is not a PEM PKCS#10 certificate request (${reason})`);
  }
  const keyProblem = checkKey(request.publicKey);
  if (keyProblem) return new CsrInvalid('weak-key', keyProblem);
  const verified = await request.verify().catch(() => false);
  if (!verified) return new CsrInvalid('bad-signature', 'the CSR signature does not verify with its own key');
  const raw = request.extensions.find((extension) => extension.type === SAN_OID);
  const san = raw ? new x509.SubjectAlternativeNameExtension(raw.rawData) : undefined;
  const subjectAltNames = (san?.names.items ?? []).map(
    (name) => `${SAN_PREFIX[name.type] ?? name.type}:${name.value}`,
  );
  const commonName = request.subjectName.getField('CN')[0];
  return {
    subject: request.subject,
    subjectAltNames,
    ...(commonName === undefined ? {} : { commonName }),
    publicKey: request.publicKey,
    ...(san ? { subjectAltNameExtension: san } : {}),
  };
}

function checkKey(publicKey: x509.PublicKey): string | undefined {
  let key;
  try {
    key = createPublicKey({ key: Buffer.from(publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    return 'the CSR public key cannot be read';
  }
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    return bits >= MIN_RSA_BITS ? undefined : `an RSA key of ${bits} bits is too small; use 2048 or more`;
  }
  if (key.asymmetricKeyType === 'ec') {
    return CURVES.has(details.namedCurve ?? '')
      ? undefined
      : `EC curve ${details.namedCurve ?? 'unknown'} is not accepted; use P-256 or P-384`;
  }
  return `a ${key.asymmetricKeyType ?? 'unknown'} key is not accepted; use RSA (2048+) or EC P-256/P-384`;
}
