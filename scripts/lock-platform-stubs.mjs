// The registry this project installs from serves only the linux builds of packages that ship native
// binaries as per-platform optional dependencies (@swc/core-*, @bufbuild/buf-*, ...). npm then leaves
// the other platforms out of package-lock.json and `npm ci` refuses the lock as out of sync. This adds
// an entry for each missing platform package, marked optional with its os/cpu, so `npm ci` validates
// the lock and skips those packages on this platform. Run after any `npm install` that changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const OS = [
  'openharmony',
  'darwin',
  'linux',
  'win32',
  'freebsd',
  'android',
  'openbsd',
  'sunos',
  'aix',
  'netbsd',
  'wasi',
];
const CPU = {
  arm64: 'arm64',
  aarch64: 'arm64',
  x64: 'x64',
  ia32: 'ia32',
  arm: 'arm',
  armv7: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  wasm32: 'wasm32',
  universal: undefined,
};

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = path === '' ? 'node_modules' : `${path}/node_modules`;
    const candidates = [`${base}/${name}`, `node_modules/${name}`];
    if (candidates.some((candidate) => lock.packages[candidate])) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((part) => OS.includes(part));
    const cpuPart = parts.find((part) => part in CPU);
    if (!os) continue; // not a platform binary package: leave it to npm
    lock.packages[`node_modules/${name}`] = {
      version,
      optional: true,
      os: [os],
      ...(cpuPart && CPU[cpuPart] ? { cpu: [CPU[cpuPart]] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform package entries added`);
