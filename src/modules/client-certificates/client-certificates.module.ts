import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { PluginsModule } from '../plugins/index.js';
import {
  CLIENT_CERTIFICATES_OPTIONS,
  type ClientCertificatesOptions,
} from './client-certificates.options.js';
import { ClientCertificates } from './client-certificates.service.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Client certificates for agents: signs the CSRs agents send in `connection_settings_request` with the CA
 * mounted at `CLIENT_CA_CERT_FILE` / `CLIENT_CA_KEY_FILE` (see docs/connection-settings.md). The
 * ConnectionSettingsModule offers what it issues.
 */
@Module({
  imports: [PluginsModule],
  providers: [
    {
      provide: CLIENT_CERTIFICATES_OPTIONS,
      useFactory: ({ clientCertificates: c }: ServerConfig): ClientCertificatesOptions => ({
        ca: c.caCertFile && c.caKeyFile ? { certFile: c.caCertFile, keyFile: c.caKeyFile } : undefined,
        validityMs: c.validityDays * DAY_MS,
      }),
      inject: [SERVER_CONFIG],
    },
    ClientCertificates,
  ],
  exports: [ClientCertificates],
})
export class ClientCertificatesModule {}
