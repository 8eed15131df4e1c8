import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type Awaitable } from '../../common/awaitable.js';
import { type Clock, InjectClock } from '../../common/clock.js';
import { type AgentView } from '../../plugin-api/index.js';
import { PluginHost } from '../plugins/index.js';
import { type ClientCa, loadClientCa } from './client-ca.js';
import { CsrRefusedError } from './client-certificates.errors.js';
import {
  type ClientCertificatesOptions,
  InjectClientCertificatesOptions,
} from './client-certificates.options.js';
import { type CertificateRequest, checkCertificateRequest, CsrInvalid } from './certificate-request.js';
import { type IssuedCertificate, signClientCertificate } from './certificate-signer.js';
import { subjectNamesAgent } from './subject-rule.js';

/** What was issued to one agent: re-signed for the same key and subject when it nears expiry. */
interface IssuedRecord {
  readonly csrDigest: string;
  readonly request: CertificateRequest;
  certificate: IssuedCertificate;
}

/** The certificate to offer an agent; `renewed` when it was just re-signed before expiry. */
export interface CurrentCertificate {
  readonly certificate: IssuedCertificate;
  readonly renewed: boolean;
}

/** What {@link ClientCertificates.request} did. */
export interface CsrOutcome {
  readonly certificate: IssuedCertificate;
  /** False when the same CSR was already signed (the certificate issued then is returned). */
  readonly signed: boolean;
}

/**
 * Signs agents' certificate signing requests with the configured client CA (OpAMP "Agent-initiated CSR
 * Flow") and remembers what it issued per agent (by display id, across sessions, until it expires), so the
 * connection settings keep offering it and offer a fresh one once less than a third of its validity is left.
 */
@Injectable()
export class ClientCertificates implements OnModuleInit {
  private readonly logger = new Logger(ClientCertificates.name);
  private ca?: ClientCa;
  private readonly issued = new Map<string, IssuedRecord>();

  constructor(
    @InjectClientCertificatesOptions() private readonly options: ClientCertificatesOptions,
    private readonly plugins: PluginHost,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Loads the CA files. @throws ClientCaError, which stops start-up. */
  async onModuleInit(): Promise<void> {
    if (!this.options.ca) return;
    this.ca = await loadClientCa(this.options.ca);
    this.logger.log(
      { subject: this.ca.certificate.subject, validityDays: this.options.validityMs / 86_400_000 },
      'client CA loaded; agent CSRs are signed',
    );
  }

  /** Whether a CA is configured (CSRs can be signed). */
  get enabled(): boolean {
    return this.ca !== undefined;
  }

  /** PEM of the CA certificate, sent with every issued certificate. */
  get caCertPem(): string | undefined {
    return this.ca?.certPem;
  }

  /**
   * Checks and signs a CSR from `agent`: a CA must be configured; the CSR must parse, verify and have an
   * RSA ≥ 2048 or EC P-256/P-384 key; its subject must be the agent's (a plugin's `certificateSubject`
   * hook decides, else {@link subjectNamesAgent}). The same CSR again returns the certificate issued for it.
   * @throws CsrRefusedError (answered with a BadRequest ServerErrorResponse).
   */
  async request(agent: AgentView, csr: Buffer): Promise<CsrOutcome> {
    const ca = this.ca;
    if (!ca) {
      throw new CsrRefusedError(
        'no-ca',
        agent.displayId,
        'this server has no client CA (CLIENT_CA_CERT_FILE, CLIENT_CA_KEY_FILE) and cannot sign CSRs',
      );
    }
    const digest = createHash('sha256').update(csr).digest('hex');
    const known = this.issued.get(agent.displayId);
    if (known?.csrDigest === digest && known.certificate.notAfter > this.clock.now()) {
      return { certificate: known.certificate, signed: false };
    }
    const request = await checkCertificateRequest(csr);
    if (request instanceof CsrInvalid)
      throw new CsrRefusedError(request.reason, agent.displayId, request.problem);
    const { subject, subjectAltNames } = request;
    const decided = await this.plugins.decide('certificateSubject', agent, { subject, subjectAltNames });
    const accepted = decided ? decided.value : subjectNamesAgent(agent.displayId, request);
    if (!accepted) {
      const rule = decided
        ? `plugin ${decided.plugin} refused the subject`
        : `its CN or a DNS/URI subject alternative name must be the agent's instance uid ${agent.displayId}`;
      throw new CsrRefusedError('subject-mismatch', agent.displayId, `subject "${subject}" refused: ${rule}`);
    }
    const certificate = await signClientCertificate(ca, request, this.clock.now(), this.options.validityMs);
    this.prune();
    this.issued.set(agent.displayId, { csrDigest: digest, request, certificate });
    this.logger.log(
      {
        agent: agent.displayId,
        subject,
        serial: certificate.serialNumber,
        notAfter: iso(certificate.notAfter),
      },
      'client certificate issued',
    );
    return { certificate, signed: true };
  }

  /** Whether a certificate was issued to `agent` (and has not been pruned since it expired). */
  issuedTo(agent: AgentView): boolean {
    return this.issued.has(agent.displayId);
  }

  /**
   * The certificate to offer `agent`, if one was issued and has not expired. Once less than a third of its
   * validity is left it is re-signed (same key and subject, new validity) and the new one is returned;
   * `renewed` says so.
   */
  current(agent: AgentView): Awaitable<CurrentCertificate | undefined> {
    const record = this.issued.get(agent.displayId);
    const ca = this.ca;
    if (!record || !ca) return undefined;
    const now = this.clock.now();
    const { notBefore, notAfter } = record.certificate;
    if (notAfter - now >= (notAfter - notBefore) / 3)
      return { certificate: record.certificate, renewed: false };
    return this.renew(agent, record, ca, now);
  }

  private async renew(
    agent: AgentView,
    record: IssuedRecord,
    ca: ClientCa,
    now: number,
  ): Promise<CurrentCertificate> {
    record.certificate = await signClientCertificate(ca, record.request, now, this.options.validityMs);
    this.logger.log(
      {
        agent: agent.displayId,
        serial: record.certificate.serialNumber,
        notAfter: iso(record.certificate.notAfter),
      },
      'client certificate renewed before expiry',
    );
    return { certificate: record.certificate, renewed: true };
  }

  /** Drops certificates that have expired (their agents did not come back in time to renew them). */
  private prune(): void {
    const now = this.clock.now();
    for (const [agent, record] of this.issued)
      if (record.certificate.notAfter <= now) this.issued.delete(agent);
  }
}

const iso = (ms: number): string => new Date(ms).toISOString();
