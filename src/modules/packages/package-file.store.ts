import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

/** A stored package file: its size and a way to read all or a byte range of it. */
export interface StoredPackageFile {
  readonly size: number;
  /** The bytes from `start` to `end` inclusive (default the whole file). */
  read(start?: number, end?: number): Readable;
}

/**
 * Where uploaded package files are kept, by the hex SHA-256 of their content (so two packages with the
 * same file share it, and a name cannot be guessed without knowing the content's hash).
 */
export interface PackageFileStore {
  /** `memory` or `directory`. */
  readonly kind: string;
  put(sha256: string, bytes: Buffer): Promise<void>;
  get(sha256: string): Promise<StoredPackageFile | undefined>;
  delete(sha256: string): Promise<void>;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Whether `text` names a file of a store: 64 lower-case hex digits (and so never a path). */
export const isSha256Hex = (text: string): boolean => HEX_SHA256.test(text);

/** Keeps files in this process: lost on restart; for development, tests and a single server. */
export class MemoryPackageFileStore implements PackageFileStore {
  readonly kind = 'memory';
  private readonly files = new Map<string, Buffer>();

  async put(sha256: string, bytes: Buffer): Promise<void> {
    this.files.set(sha256, Buffer.from(bytes));
  }

  async get(sha256: string): Promise<StoredPackageFile | undefined> {
    const bytes = this.files.get(sha256);
    if (!bytes) return undefined;
    return {
      size: bytes.length,
      read: (start = 0, end = bytes.length - 1) => Readable.from([bytes.subarray(start, end + 1)]),
    };
  }

  async delete(sha256: string): Promise<void> {
    this.files.delete(sha256);
  }
}

/**
 * Keeps files in a directory (`PACKAGE_FILES_DIR`), one file per SHA-256; a file is written under a
 * temporary name and renamed, so a reader never sees half of it.
 */
export class DirectoryPackageFileStore implements PackageFileStore {
  readonly kind = 'directory';

  constructor(private readonly directory: string) {}

  async put(sha256: string, bytes: Buffer): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const path = this.path(sha256);
    const temporary = `${path}.${process.pid}.${Date.now()}.part`;
    const handle = await open(temporary, 'w', 0o644);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  }

  async get(sha256: string): Promise<StoredPackageFile | undefined> {
    const path = this.path(sha256);
    try {
      const { size } = await stat(path);
      return { size, read: (start = 0, end = size - 1) => createReadStream(path, { start, end }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.path(sha256), { force: true });
  }

  private path(sha256: string): string {
    if (!isSha256Hex(sha256)) throw new Error(`"${sha256}" is not a SHA-256 in hex`);
    return join(this.directory, sha256);
  }
}
