import { isIPv4, isIPv6 } from 'node:net';

/** Whether `host` only ever reaches this machine: `localhost`, `127.0.0.0/8` or `::1`. */
export function isLoopback(host: string): boolean {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (name === 'localhost') return true;
  if (isIPv4(name)) return name.startsWith('127.');
  if (isIPv6(name)) return name === '::1' || name === '0:0:0:0:0:0:0:1';
  return false;
}
