import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import {
  DirectoryPackageFileStore,
  MemoryPackageFileStore,
  type PackageFileStore,
} from '../../../src/modules/packages/index.js';

const bytes = Buffer.from('0123456789');
const hash = createHash('sha256').update(bytes).digest('hex');

describe.each([
  ['memory', async () => ({ store: new MemoryPackageFileStore(), cleanup: async () => {} })],
  [
    'directory',
    async () => {
      const directory = await mkdtemp(join(tmpdir(), 'opamp-nest-store-'));
      return {
        store: new DirectoryPackageFileStore(join(directory, 'files')),
        cleanup: () => rm(directory, { recursive: true, force: true }),
      };
    },
  ],
] as const)('%s package file store', (_kind, make) => {
  let store: PackageFileStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await make());
  });
  afterEach(async () => {
    await cleanup();
  });

  it('keeps a file by its hash and reads all of it or a byte range', async () => {
    expect(await store.get(hash)).toBeUndefined();
    await store.put(hash, bytes);
    const file = await store.get(hash);
    expect(file?.size).toBe(10);
    expect(await text(file!.read())).toBe('0123456789');
    expect(await text(file!.read(2, 4))).toBe('234');
    await store.delete(hash);
    expect(await store.get(hash)).toBeUndefined();
  });
});

describe('DirectoryPackageFileStore', () => {
  it('refuses a name that is not a SHA-256, so no path leaves the directory', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'opamp-nest-store-'));
    try {
      const store = new DirectoryPackageFileStore(directory);
      await expect(store.put('../escape', bytes)).rejects.toThrow('not a SHA-256');
      await expect(store.get('../../etc/passwd')).rejects.toThrow('not a SHA-256');
      expect(await readdir(directory)).toEqual([]);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
