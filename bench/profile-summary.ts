/**
 * `node bench/dist/bench/profile-summary.js <file.cpuprofile> [top]`: self time by function and by
 * file/package of a V8 CPU profile (`--cpu-prof`), to find what a benchmark spends its time on.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const totalHits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
const totalMs = (profile.endTime - profile.startTime) / 1000;

const where = (frame: CallFrame): string => {
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  if (url.startsWith('node:')) return url;
  const own = /\/(dist|src)\/(.*)$/.exec(url);
  if (own) return own[2]!;
  return url === '' ? `(${frame.functionName || 'native'})` : url;
};

const IDLE = new Set(['(idle)', '(program)']);
const busyHits = profile.nodes
  .filter((node) => !IDLE.has(node.callFrame.functionName))
  .reduce((sum, node) => sum + (node.hitCount ?? 0), 0);

const nodesById = new Map(profile.nodes.map((node) => [node.id, node]));
const inclusiveOf = new Map<number, number>();
const inclusive = (node: ProfileNode): number => {
  const known = inclusiveOf.get(node.id);
  if (known !== undefined) return known;
  let sum = node.hitCount ?? 0;
  for (const child of node.children ?? []) sum += inclusive(nodesById.get(child)!);
  inclusiveOf.set(node.id, sum);
  return sum;
};
const byFunctionInclusive = new Map<string, number>();
const visit = (node: ProfileNode, onStack: Set<string>): void => {
  const frame = node.callFrame;
  const fn = `${frame.functionName || '(anonymous)'} ${where(frame)}:${frame.lineNumber + 1}`;
  const counted = node !== profile.nodes[0] && !IDLE.has(frame.functionName);
  if (counted && !onStack.has(fn))
    byFunctionInclusive.set(fn, (byFunctionInclusive.get(fn) ?? 0) + inclusive(node));
  const next = new Set(onStack).add(fn);
  for (const child of node.children ?? []) visit(nodesById.get(child)!, next);
};
visit(profile.nodes[0]!, new Set());

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  const frame = node.callFrame;
  if (hits === 0 || IDLE.has(frame.functionName)) continue;
  const fn = `${frame.functionName || '(anonymous)'} ${where(frame)}:${frame.lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + hits);
  const file = where(frame);
  byFile.set(file, (byFile.get(file) ?? 0) + hits);
}

const print = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`\n${title} (% of busy samples)\n`);
  for (const [name, hits] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((hits / busyHits) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
};
process.stdout.write(
  `${file}: ${totalHits} samples over ${(totalMs / 1000).toFixed(1)} s, ${((busyHits / totalHits) * 100).toFixed(0)}% busy\n`,
);
print('Self time by function', byFunction);
print('Self time by file or package', byFile);
print('Total (inclusive) time by function', byFunctionInclusive);
