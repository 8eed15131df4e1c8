/**
 * Heap census per agent: `node bench/dist/bench/scale/heap-census.js <no-agents.heapsnapshot>
 * <fleet.heapsnapshot> <agents> [rows]` (the two snapshots `--scale --heap-snapshot` writes). Sums the self
 * size of every node by type and constructor in each snapshot and prints the difference divided by the
 * number of agents, largest first: what one connected agent costs, by class. Code and lazily loaded modules
 * also differ between two snapshots; they are the rows whose count per agent is far from a whole number.
 */
import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

interface Tally {
  count: number;
  bytes: number;
}

/** Self sizes by `type<TAB>constructor`, and their total. */
export function census(snapshot: HeapSnapshot): { byClass: Map<string, Tally>; total: number } {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const byClass = new Map<string, Tally>();
  let total = 0;
  for (let i = 0; i < snapshot.nodes.length; i += stride) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    // A string's or a number's "name" is its value: grouped by type alone.
    const named = type === 'object' || type === 'closure' || type === 'native' || type === 'hidden';
    const key = named ? `${type}\t${snapshot.strings[snapshot.nodes[i + nameAt]!]!.slice(0, 70)}` : type;
    const size = snapshot.nodes[i + sizeAt]!;
    const tally = byClass.get(key) ?? { count: 0, bytes: 0 };
    tally.count++;
    tally.bytes += size;
    byClass.set(key, tally);
    total += size;
  }
  return { byClass, total };
}

/** Rows of `fleet` less `empty`, per agent, largest first. */
export function perAgent(
  empty: ReturnType<typeof census>,
  fleet: ReturnType<typeof census>,
  agents: number,
): Array<{ key: string; bytes: number; count: number }> {
  const keys = new Set([...empty.byClass.keys(), ...fleet.byClass.keys()]);
  const none: Tally = { count: 0, bytes: 0 };
  return [...keys]
    .map((key) => {
      const before = empty.byClass.get(key) ?? none;
      const after = fleet.byClass.get(key) ?? none;
      return {
        key,
        bytes: (after.bytes - before.bytes) / agents,
        count: (after.count - before.count) / agents,
      };
    })
    .sort((a, b) => Math.abs(b.bytes) - Math.abs(a.bytes));
}

const read = (file: string): HeapSnapshot => JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;

if (process.argv[1]?.endsWith('heap-census.js')) {
  const [emptyFile, fleetFile, agentsArg, rowsArg] = process.argv.slice(2);
  const agents = Number(agentsArg);
  if (!emptyFile || !fleetFile || !(agents > 0)) {
    process.stderr.write(
      'usage: heap-census <no-agents.heapsnapshot> <fleet.heapsnapshot> <agents> [rows]\n',
    );
    process.exit(2);
  }
  const empty = census(read(emptyFile));
  const fleet = census(read(fleetFile));
  process.stdout.write(`self size per agent: ${((fleet.total - empty.total) / agents).toFixed(0)} B\n`);
  for (const row of perAgent(empty, fleet, agents).slice(0, Number(rowsArg ?? 40))) {
    process.stdout.write(
      `${row.bytes.toFixed(0).padStart(7)} B ${row.count.toFixed(2).padStart(7)} per agent  ${row.key}\n`,
    );
  }
}
