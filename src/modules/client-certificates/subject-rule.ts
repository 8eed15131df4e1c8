import { type CertificateRequest } from './certificate-request.js';

/**
 * The default answer to "may this agent have a certificate for this subject?" when no plugin's
 * `certificateSubject` hook answers: yes only when the CSR names the agent itself, its common name or a
 * `DNS:` or `URI:` subject alternative name being exactly the agent's instance uid as the server displays
 * it (a UUID for 16-byte uids). This is the specification's "Using instance_uid in the CSR": an agent may
 * only ask for a certificate for itself.
 */
export function subjectNamesAgent(displayId: string, request: CertificateRequest): boolean {
  if (request.commonName === displayId) return true;
  return request.subjectAltNames.some((name) => name === `DNS:${displayId}` || name === `URI:${displayId}`);
}
