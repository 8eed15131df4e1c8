import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { allPackagesHash, packageHash, type PackageSpec } from '../../../src/modules/packages/index.js';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

const spec = (overrides: Partial<PackageSpec> = {}): PackageSpec => ({
  offeredAs: 'otelcol',
  type: 'top-level',
  version: '1.2.3',
  downloadUrl: 'https://example.test/otelcol-1.2.3.tar.gz',
  contentHash: sha256('the file'),
  signature: Buffer.alloc(0),
  headers: {},
  ...overrides,
});

describe('packageHash', () => {
  it('is stable: the same spec gives the same 32-byte hash', () => {
    expect(packageHash(spec())).toHaveLength(32);
    expect(packageHash(spec()).equals(packageHash(spec()))).toBe(true);
  });

  it.each<[string, Partial<PackageSpec>]>([
    ['the content', { contentHash: sha256('another file') }],
    ['the version', { version: '1.2.4' }],
    ['the type', { type: 'addon' }],
    ['the download URL', { downloadUrl: 'https://mirror.test/otelcol-1.2.3.tar.gz' }],
    ['the signature', { signature: Buffer.from('sig') }],
    ['a header', { headers: { authorization: 'Bearer x' } }],
  ])('changes when %s changes', (_what, change) => {
    expect(packageHash(spec(change)).equals(packageHash(spec()))).toBe(false);
  });

  it('does not depend on the order headers were given in', () => {
    const a = packageHash(spec({ headers: { a: '1', b: '2' } }));
    const b = packageHash(spec({ headers: { b: '2', a: '1' } }));
    expect(a.equals(b)).toBe(true);
  });

  it('keeps field boundaries: moving bytes between fields changes the hash', () => {
    const a = packageHash(spec({ version: '1.2', downloadUrl: '3https://x' }));
    const b = packageHash(spec({ version: '1.23', downloadUrl: 'https://x' }));
    expect(a.equals(b)).toBe(false);
  });
});

describe('allPackagesHash', () => {
  const one = packageHash(spec());
  const two = packageHash(spec({ offeredAs: 'addon', type: 'addon', version: '0.1.0' }));

  it('is stable and order-independent', () => {
    const forward = allPackagesHash(
      new Map([
        ['otelcol', one],
        ['addon', two],
      ]),
    );
    const backward = allPackagesHash(
      new Map([
        ['addon', two],
        ['otelcol', one],
      ]),
    );
    expect(forward.equals(backward)).toBe(true);
    expect(
      forward.equals(
        allPackagesHash(
          new Map([
            ['addon', two],
            ['otelcol', one],
          ]),
        ),
      ),
    ).toBe(true);
  });

  it('changes when any package changes, is added, removed or renamed', () => {
    const base = allPackagesHash(
      new Map([
        ['otelcol', one],
        ['addon', two],
      ]),
    );
    const changed = packageHash(spec({ contentHash: sha256('patched') }));
    const variants = [
      new Map([
        ['otelcol', changed],
        ['addon', two],
      ]),
      new Map([['otelcol', one]]),
      new Map([
        ['otelcol', one],
        ['addon', two],
        ['third', one],
      ]),
      new Map([
        ['otelcol2', one],
        ['addon', two],
      ]),
    ];
    for (const variant of variants) expect(allPackagesHash(variant).equals(base)).toBe(false);
  });

  it('gives the empty set a hash of its own', () => {
    expect(allPackagesHash(new Map())).toHaveLength(32);
    expect(allPackagesHash(new Map()).equals(allPackagesHash(new Map([['otelcol', one]])))).toBe(false);
  });
});
