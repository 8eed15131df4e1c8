/** Thrown for a `fieldSelector` the real server would reject (answered 400). */
export class FieldSelectorError extends Error {
  override readonly name = 'FieldSelectorError';
}

/** One parsed term of a field selector. */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** A compiled field selector. */
export type FieldMatcher = (object: unknown) => boolean;

/** Fields every resource supports. */
export const COMMON_SELECTABLE_FIELDS: readonly string[] = ['metadata.name', 'metadata.namespace'];

function splitUnescaped(input: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] ?? '';
    if (ch === '\\' && i + 1 < input.length) {
      current += ch + (input[i + 1] ?? '');
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

/** Parses `a=b,c!=d` (also `==`); backslash escapes `,`, `=` and `\`. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.trim() === '') return [];
  return splitUnescaped(selector, ',').map((term) => {
    const match = /^(.*?)(==|!=|=)(.*)$/s.exec(term);
    if (!match || match[1] === undefined || match[2] === undefined || match[3] === undefined) {
      throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    }
    return {
      field: match[1].trim(),
      operator: match[2] === '!=' ? '!=' : '=',
      value: unescape(match[3].trim()),
    };
  });
}

function fieldValue(object: unknown, path: string): string {
  let current: unknown = object;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return '';
    current = (current as Record<string, unknown>)[segment];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return '';
}

/**
 * Compiles a field selector. A missing field compares as `''`, so `spec.nodeName=` matches
 * unscheduled pods, as on the real server.
 */
export function compileFieldSelector(selector: string | undefined, allowed: readonly string[]): FieldMatcher {
  const requirements = parseFieldSelector(selector ?? '');
  for (const r of requirements) {
    if (!allowed.includes(r.field)) {
      throw new FieldSelectorError(`field label not supported: ${r.field}`);
    }
  }
  return (object) =>
    requirements.every((r) => (fieldValue(object, r.field) === r.value) === (r.operator === '='));
}
