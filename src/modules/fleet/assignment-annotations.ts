import { z } from 'zod';
import { ASSIGNMENTS_ANNOTATION, SELECTOR_ANNOTATION, SELECTOR_ASSIGNMENT_NAME } from './fleet.constants.js';
import { assignmentNameSchema, assignmentTargetSchema } from './fleet.schemas.js';
import { type AssignmentTarget } from './fleet.types.js';

/** An assignment as a ConfigMap's annotations hold it: a name and an agent or a selector. */
export type NamedAssignment = { readonly name: string } & AssignmentTarget;

const storedAssignmentsSchema = z.array(z.looseObject({ name: assignmentNameSchema }));

/** Parses `key=value,key2=value2` (the selector annotation). */
export function parseSelectorShorthand(text: string): Record<string, string> | undefined {
  const selector: Record<string, string> = {};
  for (const term of text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '')) {
    const at = term.indexOf('=');
    if (at <= 0) return undefined;
    selector[term.slice(0, at).trim()] = term.slice(at + 1).trim();
  }
  return selector;
}

/** Parses JSON; a marker symbol when it is not JSON, so the schema reports it. */
export function readJsonAnnotation(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return Symbol.for('invalid');
  }
}

/**
 * Reads the assignments of a ConfigMap's annotations: the selector shorthand (`opamp-nest.io/selector`)
 * and the JSON list (`opamp-nest.io/assignments`). Malformed parts are skipped and described in `problems`.
 */
export function decodeAssignmentAnnotations(
  annotations: Readonly<Record<string, string>>,
  problems: string[],
): NamedAssignment[] {
  const assignments: NamedAssignment[] = [];
  const shorthand = annotations[SELECTOR_ANNOTATION];
  if (shorthand !== undefined) {
    const selector = parseSelectorShorthand(shorthand);
    if (selector) assignments.push({ name: SELECTOR_ASSIGNMENT_NAME, selector });
    else problems.push(`${SELECTOR_ANNOTATION} is not of the form key=value,key2=value2`);
  }
  const listed = storedAssignmentsSchema.safeParse(
    readJsonAnnotation(annotations[ASSIGNMENTS_ANNOTATION]) ?? [],
  );
  if (!listed.success) problems.push(`${ASSIGNMENTS_ANNOTATION} is not a JSON array of named assignments`);
  for (const entry of listed.success ? listed.data : []) {
    const { name, ...rest } = entry;
    const target = assignmentTargetSchema.safeParse(rest);
    if (!target.success) {
      problems.push(`assignment "${name}": ${target.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    if (assignments.some((a) => a.name === name)) continue;
    assignments.push({ name, ...target.data });
  }
  return assignments;
}

const SHORTHAND_SAFE = /^[^,=]*$/;

/**
 * Writes assignments into annotations (a copy of `base` without the old ones): the selector assignment goes
 * into the shorthand annotation when it can be written there, every other one into the JSON annotation.
 */
export function encodeAssignmentAnnotations(
  base: Readonly<Record<string, string>> | undefined,
  assignments: readonly NamedAssignment[],
): Record<string, string> {
  const annotations: Record<string, string> = { ...base };
  delete annotations[SELECTOR_ANNOTATION];
  delete annotations[ASSIGNMENTS_ANNOTATION];
  const listed: NamedAssignment[] = [];
  for (const assignment of assignments) {
    if (
      assignment.name === SELECTOR_ASSIGNMENT_NAME &&
      'selector' in assignment &&
      Object.entries(assignment.selector).every(([k, v]) => SHORTHAND_SAFE.test(k) && SHORTHAND_SAFE.test(v))
    ) {
      annotations[SELECTOR_ANNOTATION] = Object.entries(assignment.selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      continue;
    }
    listed.push(assignment);
  }
  if (listed.length > 0) annotations[ASSIGNMENTS_ANNOTATION] = JSON.stringify(listed);
  return annotations;
}
