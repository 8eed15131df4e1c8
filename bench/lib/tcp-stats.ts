import { readFileSync } from 'node:fs';

/**
 * The value of counter `name` in a `/proc/net/netstat`-style text: each group is a line of names and a line
 * of values, both starting with the group's prefix (`TcpExt:`); undefined when absent.
 */
export function netstatCounter(text: string, group: string, name: string): number | undefined {
  const lines = text.split('\n').filter((line) => line.startsWith(`${group}:`));
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.split(/\s+/);
    const values = lines[i + 1]!.split(/\s+/);
    const at = names.indexOf(name);
    if (at > 0 && values[at] !== undefined) return Number(values[at]);
  }
  return undefined;
}

/**
 * Connections the kernel dropped since boot because a listen queue was full (`TcpExt ListenOverflows`,
 * machine-wide): each such client waits for a SYN-ACK retransmission (1 s, then 2 s more, ...), so a storm
 * that overflows the server's accept queue takes seconds longer than the server's work. Undefined off Linux.
 */
export function listenOverflows(): number | undefined {
  try {
    return netstatCounter(readFileSync('/proc/net/netstat', 'utf8'), 'TcpExt', 'ListenOverflows');
  } catch {
    return undefined;
  }
}
