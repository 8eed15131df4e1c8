import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions: comments dropped, continuation lines joined. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  return logical.map((line) => {
    const [keyword = '', ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
  });
}

/** Splits the instructions into build stages (the instructions before the first FROM are the global ones). */
function stages(instructions: Instruction[]): { global: Instruction[]; stages: Instruction[][] } {
  const firstFrom = instructions.findIndex((i) => i.keyword === 'FROM');
  const result: Instruction[][] = [];
  for (const instruction of instructions.slice(firstFrom)) {
    if (instruction.keyword === 'FROM') result.push([]);
    result.at(-1)!.push(instruction);
  }
  return { global: instructions.slice(0, firstFrom), stages: result };
}

/** A COPY's flags and its sources (everything but the last word, the destination). */
function copyOf(instruction: Instruction): { flags: string[]; sources: string[] } {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  return { flags, sources: paths.slice(0, -1) };
}

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
const dockerfile = parseDockerfile(read('Dockerfile'));
const { global, stages: [build, runtime] = [] } = stages(dockerfile);

describe('Dockerfile', () => {
  it('has a build stage and a runtime stage, both on the Node 24 LTS bookworm-slim image pinned by digest', () => {
    expect([build, runtime].every((stage) => stage !== undefined)).toBe(true);
    const nodeImage = global.find((i) => i.keyword === 'ARG' && i.args.startsWith('NODE_IMAGE='));
    expect(nodeImage?.args).toMatch(/^NODE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}$/);
    expect(dockerfile.filter((i) => i.keyword === 'FROM').map((i) => i.args)).toEqual([
      '${NODE_IMAGE} AS build',
      '${NODE_IMAGE}',
    ]);
  });

  it('builds from the sources alone and prunes dev dependencies', () => {
    const sources = build!.filter((i) => i.keyword === 'COPY').flatMap((i) => copyOf(i).sources);
    expect(sources.sort()).toEqual([
      'package-lock.json',
      'package.json',
      'src',
      'tsconfig.build.json',
      'tsconfig.json',
      'ui',
    ]);
    expect(build!.some((i) => i.keyword === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
  });

  it('copies only dist, package.json and production node_modules into the runtime image, owned by root', () => {
    const copies = runtime!.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
    expect(copies.map((i) => i.keyword)).toEqual(['COPY', 'COPY', 'COPY']);
    expect(copies.flatMap((i) => copyOf(i).sources).sort()).toEqual([
      '/app/dist',
      '/app/node_modules',
      '/app/package.json',
    ]);
    for (const copy of copies) {
      expect(copyOf(copy).flags.sort()).toEqual(['--chown=root:root', '--from=build']);
    }
  });

  it('names no tools, test, bench or examples code anywhere', () => {
    const offenders = dockerfile.filter(
      (i) => i.keyword !== 'LABEL' && /(^|[\s/.])(tools|test|bench|examples)(\/|\s|$)/.test(i.args),
    );
    expect(offenders).toEqual([]);
  });

  it('fails the build if the application files are writable by anyone but root', () => {
    expect(runtime!.some((i) => i.keyword === 'RUN' && i.args.includes('find /app -perm /022'))).toBe(true);
  });

  it('runs as the numeric non-root user 1000 and starts the compiled server', () => {
    const users = runtime!.filter((i) => i.keyword === 'USER');
    expect(users.map((i) => i.args)).toEqual(['1000:1000']);
    expect(runtime!.findIndex((i) => i.keyword === 'USER')).toBeGreaterThan(
      runtime!.findLastIndex((i) => i.keyword === 'COPY' || i.keyword === 'RUN'),
    );
    expect(runtime!.at(-1)).toEqual({ keyword: 'CMD', args: '["node", "dist/main.js"]' });
  });

  it('exposes the OpAMP, admin and probes ports', () => {
    expect(runtime!.find((i) => i.keyword === 'EXPOSE')?.args).toBe('4320 4321 4322');
  });

  it('carries the OCI image labels', () => {
    const labels = runtime!
      .filter((i) => i.keyword === 'LABEL')
      .flatMap((i) => [...i.args.matchAll(/(org\.opencontainers\.image\.[a-z.]+)=/g)].map((m) => m[1]));
    expect(labels.sort()).toEqual(
      ['base.name', 'description', 'licenses', 'revision', 'source', 'title', 'version'].map(
        (key) => `org.opencontainers.image.${key}`,
      ),
    );
  });

  it('keeps tools, tests, deploy manifests and token files out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toEqual(
      expect.arrayContaining(['tools', 'test', 'bench', 'examples', 'deploy', '**/*.env']),
    );
  });
});
