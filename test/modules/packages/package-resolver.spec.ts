import { describe, expect, it } from '@jest/globals';
import { type AgentAttributes } from '../../../src/modules/fleet/index.js';
import {
  buildPackagesAvailable,
  catalogPackage,
  type CatalogPackage,
  type PackageAssignment,
  resolvePackages,
} from '../../../src/modules/packages/index.js';

const pkg = (name: string, offeredAs: string, version: string): CatalogPackage =>
  catalogPackage(
    name,
    {
      offeredAs,
      type: 'top-level',
      version,
      downloadUrl: `https://example.test/${name}`,
      contentHash: Buffer.alloc(32, version),
      signature: Buffer.alloc(0),
      headers: {},
    },
    '2026-01-01T00:00:00.000Z',
  );

const attributes = (entries: Record<string, string>): AgentAttributes =>
  new Map(Object.entries(entries).map(([key, value]) => [key, new Set([value])]));

const agent = { id: 'agent-1', attributes: attributes({ env: 'prod', ring: 'canary' }) };
const packages = [
  pkg('otelcol-1', 'otelcol', '1.0.0'),
  pkg('otelcol-2', 'otelcol', '2.0.0'),
  pkg('addon', 'addon', '0.1'),
];
const versionOf = (assignments: PackageAssignment[], who = agent): string | undefined =>
  resolvePackages(packages, assignments, who).get('otelcol')?.package.version;

describe('resolvePackages', () => {
  it('offers nothing without an assignment that applies', () => {
    expect(resolvePackages(packages, [], agent).size).toBe(0);
    expect(versionOf([{ package: 'otelcol-1', name: 'a', selector: { env: 'dev' } }])).toBeUndefined();
  });

  it('gives the selector with more terms precedence over a broader one', () => {
    const assignments: PackageAssignment[] = [
      { package: 'otelcol-1', name: 'everyone', selector: {} },
      { package: 'otelcol-2', name: 'canary', selector: { env: 'prod', ring: 'canary' } },
    ];
    expect(versionOf(assignments)).toBe('2.0.0');
    expect(versionOf(assignments, { id: 'other', attributes: attributes({ env: 'prod' }) })).toBe('1.0.0');
  });

  it('gives a per-agent assignment precedence over every selector', () => {
    expect(
      versionOf([
        { package: 'otelcol-2', name: 'canary', selector: { env: 'prod', ring: 'canary' } },
        { package: 'otelcol-1', name: 'pin', agent: 'agent-1' },
      ]),
    ).toBe('1.0.0');
  });

  it('breaks ties by the lowest assignment name', () => {
    expect(
      versionOf([
        { package: 'otelcol-1', name: 'b', selector: { env: 'prod' } },
        { package: 'otelcol-2', name: 'a', selector: { env: 'prod' } },
      ]),
    ).toBe('2.0.0');
  });

  it('resolves each offered name on its own, and the offer carries both', () => {
    const resolved = resolvePackages(
      packages,
      [
        { package: 'otelcol-1', name: 'all', selector: {} },
        { package: 'addon', name: 'all', selector: {} },
      ],
      agent,
    );
    expect([...resolved.keys()].sort()).toEqual(['addon', 'otelcol']);
    const offer = buildPackagesAvailable(resolved);
    expect(Object.keys(offer.packages).sort()).toEqual(['addon', 'otelcol']);
    expect(offer.packages.otelcol?.hash.equals(packages[0]!.hash)).toBe(true);
    expect(offer.packages.otelcol?.file?.contentHash.equals(packages[0]!.contentHash)).toBe(true);
  });

  it('ignores assignments of packages not in the catalog', () => {
    expect(resolvePackages(packages, [{ package: 'gone', name: 'x', selector: {} }], agent).size).toBe(0);
  });
});
