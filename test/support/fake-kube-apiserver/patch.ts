import { cloneJson, isRecord, jsonEqual } from './kube-object.js';

/** Thrown when a patch document is malformed or cannot be applied. */
export class PatchError extends Error {
  override readonly name = 'PatchError';
}

/** PATCH content types the server accepts. */
export const PATCH_CONTENT_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategicMerge: 'application/strategic-merge-patch+json',
} as const;

/** RFC 7386 JSON merge patch: objects merge recursively, `null` deletes, anything else replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return cloneJson(patch);
  const result: Record<string, unknown> = isRecord(target) ? cloneJson(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete result[key];
    } else {
      result[key] = applyMergePatch(result[key], value);
    }
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
  hasValue: boolean;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(container: unknown[], token: string, forInsert: boolean): number {
  if (forInsert && token === '-') return container.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new PatchError(`invalid array index "${token}"`);
  const index = Number(token);
  if (index > container.length || (!forInsert && index === container.length)) {
    throw new PatchError(`array index ${index} out of bounds`);
  }
  return index;
}

function parent(doc: unknown, tokens: string[]): unknown {
  let current = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) {
      current = current[arrayIndex(current, token, false)];
    } else if (isRecord(current) && Object.prototype.hasOwnProperty.call(current, token)) {
      current = current[token];
    } else {
      throw new PatchError(`path segment "${token}" does not exist`);
    }
  }
  return current;
}

function read(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const container = parent(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(container)) return container[arrayIndex(container, last, false)];
  if (isRecord(container) && Object.prototype.hasOwnProperty.call(container, last)) return container[last];
  throw new PatchError(`path "${pointer}" does not exist`);
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError('cannot remove the document root');
  const container = parent(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(container)) {
    return container.splice(arrayIndex(container, last, false), 1)[0];
  }
  if (isRecord(container) && Object.prototype.hasOwnProperty.call(container, last)) {
    const removed = container[last];
    delete container[last];
    return removed;
  }
  throw new PatchError(`path "${pointer}" does not exist`);
}

function add(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const container = parent(doc, tokens);
  const last = tokens[tokens.length - 1] ?? '';
  if (Array.isArray(container)) {
    const index = arrayIndex(container, last, !replace);
    container.splice(index, replace ? 1 : 0, value);
  } else if (isRecord(container)) {
    if (replace && !Object.prototype.hasOwnProperty.call(container, last)) {
      throw new PatchError(`path "${pointer}" does not exist`);
    }
    container[last] = value;
  } else {
    throw new PatchError(`path "${pointer}" has no parent object`);
  }
  return doc;
}

function toOperation(raw: unknown): Operation {
  if (!isRecord(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
    throw new PatchError('each JSON patch operation needs string "op" and "path"');
  }
  return {
    op: raw.op,
    path: raw.path,
    from: typeof raw.from === 'string' ? raw.from : undefined,
    value: raw.value,
    hasValue: Object.prototype.hasOwnProperty.call(raw, 'value'),
  };
}

function requireFrom(op: Operation): string {
  if (op.from === undefined) throw new PatchError(`"${op.op}" operation needs "from"`);
  return op.from;
}

/** RFC 6902 JSON patch (`add`, `remove`, `replace`, `move`, `copy`, `test`); the input is not mutated. */
export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch must be an array of operations');
  let doc = cloneJson(document);
  for (const op of operations.map(toOperation)) {
    switch (op.op) {
      case 'add':
      case 'replace':
        if (!op.hasValue) throw new PatchError(`"${op.op}" operation needs "value"`);
        doc = add(doc, op.path, cloneJson(op.value), op.op === 'replace');
        break;
      case 'remove':
        remove(doc, op.path);
        break;
      case 'move': {
        const value = remove(doc, requireFrom(op));
        doc = add(doc, op.path, value, false);
        break;
      }
      case 'copy':
        doc = add(doc, op.path, cloneJson(read(doc, requireFrom(op))), false);
        break;
      case 'test':
        if (!jsonEqual(read(doc, op.path), op.value)) {
          throw new PatchError(`testing value ${op.path} failed`);
        }
        break;
      default:
        throw new PatchError(`unknown JSON patch operation "${op.op}"`);
    }
  }
  return doc;
}

/**
 * Applies a PATCH body according to its content type. Strategic merge patches are applied as
 * plain merge patches: lists are replaced, not merged by key, and `$patch` directives are not honoured.
 */
export function applyPatch(contentType: string, document: unknown, patch: unknown): unknown {
  switch (contentType) {
    case PATCH_CONTENT_TYPES.json:
      return applyJsonPatch(document, patch);
    case PATCH_CONTENT_TYPES.merge:
    case PATCH_CONTENT_TYPES.strategicMerge:
      if (!isRecord(patch)) throw new PatchError('a merge patch must be a JSON object');
      return applyMergePatch(document, patch);
    default:
      throw new PatchError(`unsupported patch content type ${contentType}`);
  }
}
