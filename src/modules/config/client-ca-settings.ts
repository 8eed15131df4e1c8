import { type z } from 'zod';

/** Refuses a client CA certificate without its key, or the reverse. */
export function requireClientCaPair(e: Record<string, unknown>, context: z.RefinementCtx): void {
  const cert = 'CLIENT_CA_CERT_FILE';
  const key = 'CLIENT_CA_KEY_FILE';
  if ((e[cert] === undefined) === (e[key] === undefined)) return;
  const [missing, present] = e[cert] === undefined ? [cert, key] : [key, cert];
  context.addIssue({
    code: 'custom',
    path: [missing],
    message: `must be set together with ${present} (both or neither): the CA signs CSRs with its key`,
  });
}
