import { describe, expect, it } from '@jest/globals';
import { netstatCounter } from '../../bench/lib/tcp-stats.js';

const NETSTAT = [
  'TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops',
  'TcpExt: 4251 16080 3816292 3816299',
  'IpExt: InNoRoutes ListenOverflows',
  'IpExt: 0 17',
  '',
].join('\n');

describe('netstatCounter', () => {
  it('reads a counter of its group from the names line and the values line', () => {
    expect(netstatCounter(NETSTAT, 'TcpExt', 'ListenOverflows')).toBe(3_816_292);
    expect(netstatCounter(NETSTAT, 'IpExt', 'ListenOverflows')).toBe(17);
  });

  it('is undefined for a counter or group that is not there', () => {
    expect(netstatCounter(NETSTAT, 'TcpExt', 'Nope')).toBeUndefined();
    expect(netstatCounter(NETSTAT, 'MPTcpExt', 'ListenOverflows')).toBeUndefined();
  });
});
