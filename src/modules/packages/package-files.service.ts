import { Injectable, Logger } from '@nestjs/common';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type PackageCatalog } from './package-catalog.interface.js';
import { type PackageFileStore, type StoredPackageFile } from './package-file.store.js';
import {
  InjectPackageFilesOptions,
  InjectPackageFileStore,
  PACKAGE_FILES_PATH,
  type PackageFilesOptions,
} from './package-files.options.js';
import { InjectPackageCatalog } from './packages.constants.js';
import {
  PackageFileHashMismatchError,
  PackageFileNotFoundError,
  PackageNotFoundError,
} from './packages.errors.js';

/** Where agents download a file uploaded to this server, and the headers they send with the request. */
export interface HostedFileLocation {
  readonly downloadUrl: string;
  readonly headers: Readonly<Record<string, string>>;
}

const TOKEN_PREFIX = 'pf1.';

/**
 * Package files uploaded through the admin API: checked against the package's content hash, kept in the
 * {@link PackageFileStore}, served at `/package-files/<sha256>` on the admin listener. With an admin token,
 * each file's URL needs its own bearer token (an HMAC of the hash under the admin token), which is offered
 * to agents in `DownloadableFile.headers`: it lets them fetch that file and nothing else.
 */
@Injectable()
export class PackageFiles {
  private readonly logger = new Logger(PackageFiles.name);
  /** Uploads by outcome, for the metrics. */
  readonly uploads = new Map<'stored' | 'hash-mismatch', number>([
    ['stored', 0],
    ['hash-mismatch', 0],
  ]);
  private served = 0;

  constructor(
    @InjectPackageFileStore() private readonly store: PackageFileStore,
    @InjectPackageCatalog() private readonly catalog: PackageCatalog,
    @InjectPackageFilesOptions() private readonly options: PackageFilesOptions,
  ) {}

  /** Files opened for download so far. */
  get downloads(): number {
    return this.served;
  }

  /** `memory` or `directory`. */
  get storeKind(): string {
    return this.store.kind;
  }

  /** Largest accepted upload, bytes. */
  get maxBytes(): number {
    return this.options.maxBytes;
  }

  /** The URL and headers that make agents download the file of `contentHash` (hex) from this server. */
  locationOf(contentHash: string, requestOrigin: string): HostedFileLocation {
    const base = (this.options.baseUrl ?? requestOrigin).replace(/\/+$/, '');
    const token = this.tokenFor(contentHash);
    return {
      downloadUrl: `${base}${PACKAGE_FILES_PATH}/${contentHash}`,
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    };
  }

  /**
   * Stores the file of package `name` once its SHA-256 matches the package's content hash.
   * @throws PackageNotFoundError, PackageFileHashMismatchError
   */
  async upload(name: string, bytes: Buffer): Promise<{ contentHash: string; size: number }> {
    const pkg = this.catalog.getPackage(name);
    if (!pkg) throw new PackageNotFoundError(name);
    const expected = pkg.contentHash.toString('hex');
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== expected) {
      this.uploads.set('hash-mismatch', (this.uploads.get('hash-mismatch') ?? 0) + 1);
      throw new PackageFileHashMismatchError(name, expected, actual);
    }
    await this.store.put(actual, bytes);
    this.uploads.set('stored', (this.uploads.get('stored') ?? 0) + 1);
    this.logger.log({ package: name, contentHash: actual, bytes: bytes.length }, 'package file uploaded');
    return { contentHash: actual, size: bytes.length };
  }

  /**
   * The file of `contentHash` for a download sending `authorization`.
   * @throws PackageFileNotFoundError when there is none, or the token does not open it (so a wrong
   * token does not tell whether the file exists).
   */
  async open(contentHash: string, authorization: string | undefined): Promise<StoredPackageFile> {
    const file = this.authorized(contentHash, authorization) ? await this.store.get(contentHash) : undefined;
    if (!file) throw new PackageFileNotFoundError(contentHash);
    this.served++;
    return file;
  }

  /** Deletes the files of these hashes that no package of the catalog declares any more. */
  async prune(contentHashes: readonly Buffer[]): Promise<void> {
    const used = new Set(this.catalog.listPackages().map((p) => p.contentHash.toString('hex')));
    for (const hash of contentHashes.map((h) => h.toString('hex'))) {
      if (used.has(hash)) continue;
      try {
        await this.store.delete(hash);
      } catch (error) {
        this.logger.warn({ err: error, contentHash: hash }, 'could not delete an unused package file');
      }
    }
  }

  private tokenFor(contentHash: string): string | undefined {
    const key = this.options.downloadKey;
    if (key === undefined) return undefined;
    return TOKEN_PREFIX + createHmac('sha256', key).update(`package-file:${contentHash}`).digest('hex');
  }

  private authorized(contentHash: string, authorization: string | undefined): boolean {
    const expected = this.tokenFor(contentHash);
    if (expected === undefined) return true;
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
    const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(sent), digest(expected));
  }
}
