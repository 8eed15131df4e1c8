export { type CertificateRequest, type CsrSubject } from './certificate-request.js';
export { type IssuedCertificate } from './certificate-signer.js';
export { type ClientCa, type ClientCaFiles, loadClientCa } from './client-ca.js';
export { ClientCaError, type CsrRefusalReason, CsrRefusedError } from './client-certificates.errors.js';
export * from './client-certificates.module.js';
export * from './client-certificates.options.js';
export {
  ClientCertificates,
  type CsrOutcome,
  type CurrentCertificate,
} from './client-certificates.service.js';
export { subjectNamesAgent } from './subject-rule.js';
