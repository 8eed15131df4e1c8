import { type z } from 'zod';
import { type ListenerTlsConfig } from './server-config.js';

/** Refuses a certificate without its key (or the reverse), and a client CA without a server certificate. */
export function requireTlsPairs(e: Record<string, unknown>, context: z.RefinementCtx): void {
  for (const prefix of ['OPAMP', 'ADMIN']) {
    const cert = `${prefix}_TLS_CERT_FILE`;
    const key = `${prefix}_TLS_KEY_FILE`;
    if ((e[cert] === undefined) !== (e[key] === undefined)) {
      const [missing, present] = e[cert] === undefined ? [cert, key] : [key, cert];
      context.addIssue({
        code: 'custom',
        path: [missing],
        message: `must be set together with ${present} (both or neither); set it to the file of the other half of the pair, or unset ${present}`,
      });
    }
  }
  if (e.OPAMP_TLS_CLIENT_CA_FILE !== undefined && e.OPAMP_TLS_CERT_FILE === undefined) {
    context.addIssue({
      code: 'custom',
      path: ['OPAMP_TLS_CLIENT_CA_FILE'],
      message:
        'needs OPAMP_TLS_CERT_FILE and OPAMP_TLS_KEY_FILE: client certificates are checked only over TLS',
    });
  }
}

/** One listener's TLS settings, when both files are set (the schema refuses one without the other). */
export function listenerTls(
  certFile: string | undefined,
  keyFile: string | undefined,
  clientCaFile: string | undefined,
  reloadIntervalS: number,
): ListenerTlsConfig | undefined {
  if (certFile === undefined || keyFile === undefined) return undefined;
  return { certFile, keyFile, clientCaFile, reloadIntervalMs: Math.round(reloadIntervalS * 1000) };
}
