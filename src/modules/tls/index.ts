export { verifiedClientCertificate } from './client-certificate.js';
export {
  checkTlsKeyPair,
  loadTlsKeyPair,
  readTlsFiles,
  tlsContextOptions,
  type TlsFileContents,
  type TlsFiles,
  type TlsKeyPair,
} from './tls-key-pair.js';
export {
  type SecureContextTarget,
  TlsReloader,
  type TlsReloaderOptions,
  type TlsReloadOutcome,
} from './tls-reloader.js';
export { TlsFileUnreadableError, type TlsFileRole, TlsKeyPairError, TlsSetupError } from './tls.errors.js';
