import { Inject } from '@nestjs/common';
import { type ClientCaFiles } from './client-ca.js';

/** Options of the {@link ClientCertificatesModule}. */
export interface ClientCertificatesOptions {
  /** The CA that signs agents' CSRs (`CLIENT_CA_CERT_FILE`, `CLIENT_CA_KEY_FILE`); none: every CSR is refused. */
  readonly ca?: ClientCaFiles;
  /** Validity of an issued certificate (`CLIENT_CERT_VALIDITY_DAYS`, default 30 days), ms. */
  readonly validityMs: number;
}

/** DI token of the {@link ClientCertificatesOptions}, mapped from the settings by the module. */
export const CLIENT_CERTIFICATES_OPTIONS = 'OPAMP:CLIENT_CERTIFICATES_OPTIONS';

/** Injects the {@link ClientCertificatesOptions}. */
export const InjectClientCertificatesOptions = (): ParameterDecorator => Inject(CLIENT_CERTIFICATES_OPTIONS);
