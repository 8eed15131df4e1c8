#!/usr/bin/env node
// Makes sure Debian's `chromium` is installed for the browser tests (test/ui): when /usr/bin/chromium is
// missing, runs `apt-get update && apt-get install -y chromium` (nothing is downloaded from anywhere else).
// Exits non-zero with a message saying what to do when it cannot; the tests then fail, they never skip.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where the browser tests look for Chromium (Debian's package installs it there). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) return `${command} could not run: ${result.error.message}`;
  return result.status === 0 ? undefined : `${command} ${args.join(' ')} exited with ${result.status}`;
}

/** Installs Chromium when missing; returns its path, or throws an Error that says why it could not. */
export function ensureChromium() {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const failed =
    run('apt-get', ['update']) ?? run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
  if (failed || !existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is needed at ${CHROMIUM_PATH} for the browser tests (test/ui) and could not be installed: ` +
        `${failed ?? 'apt-get finished but the binary is not there'}. Install Debian's package ` +
        '(`apt-get install -y chromium`, as root) or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return CHROMIUM_PATH;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.stdout.write(`chromium: ${ensureChromium()}\n`);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
