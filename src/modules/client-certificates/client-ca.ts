import { readFile } from 'node:fs/promises';
import { createPrivateKey, webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import { ClientCaError } from './client-certificates.errors.js';
import { x509 } from './x509-provider.js';

/** Where the CA that signs agents' client certificates is mounted. */
export interface ClientCaFiles {
  /** PEM certificate of the CA (`CLIENT_CA_CERT_FILE`). */
  readonly certFile: string;
  /** Its unencrypted PEM private key, EC P-256/P-384 or RSA (`CLIENT_CA_KEY_FILE`). */
  readonly keyFile: string;
}

/** A loaded CA: its certificate and a key that can sign. */
export interface ClientCa {
  /** The CA certificate as PEM, sent with every issued certificate (`TLSCertificate.ca_cert`). */
  readonly certPem: string;
  readonly certificate: x509.X509Certificate;
  readonly signingKey: webcrypto.CryptoKey;
  /** The signature algorithm of issued certificates. */
  readonly algorithm: webcrypto.EcdsaParams | webcrypto.RsaHashedImportParams;
}

const CURVES: Readonly<Record<string, { curve: string; hash: string }>> = {
  prime256v1: { curve: 'P-256', hash: 'SHA-256' },
  secp384r1: { curve: 'P-384', hash: 'SHA-384' },
};

/**
 * Reads and checks the CA files: the certificate parses, the key is the certificate's, and WebCrypto can
 * sign with it (EC P-256, P-384 or RSA).
 * @throws ClientCaError naming the file and the problem.
 */
export async function loadClientCa(files: ClientCaFiles): Promise<ClientCa> {
  const certPem = await read(files.certFile);
  const keyPem = await read(files.keyFile);
  const node = attempt(files.certFile, 'does not hold a PEM certificate', () => new NodeCertificate(certPem));
  const key = attempt(files.keyFile, 'does not hold an unencrypted PEM private key', () =>
    createPrivateKey(keyPem),
  );
  if (!node.checkPrivateKey(key)) {
    throw new ClientCaError(files.keyFile, `is not the key of the certificate in "${files.certFile}"`);
  }
  if (!node.ca)
    throw new ClientCaError(files.certFile, 'is not a CA certificate (basicConstraints CA:FALSE)');
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  let algorithm: ClientCa['algorithm'];
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!curve) throw new ClientCaError(files.keyFile, 'is an EC key on a curve other than P-256 or P-384');
    algorithm = { name: 'ECDSA', namedCurve: curve.curve, hash: curve.hash } as webcrypto.EcdsaParams;
  } else if (key.asymmetricKeyType === 'rsa') {
    algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  } else {
    throw new ClientCaError(files.keyFile, `is a ${key.asymmetricKeyType} key; use EC P-256/P-384 or RSA`);
  }
  const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']);
  return { certPem: node.toString(), certificate: new x509.X509Certificate(certPem), signingKey, algorithm };
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ClientCaError(
      file,
      `cannot be read (${code}): check that it exists and the server may read it`,
    );
  }
}

function attempt<T>(file: string, problem: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    throw new ClientCaError(file, `${problem}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
