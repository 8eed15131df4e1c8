import { z } from 'zod';

/** A config name: a Kubernetes object name, so a config can always be a ConfigMap. */
export const configNameSchema = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
    'must be lower-case letters, digits, "-" and "." and start and end with a letter or digit',
  );

/** An assignment name: printable ASCII without spaces or "/". */
export const assignmentNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .regex(/^[\x21-\x2e\x30-\x7e]+$/, 'must be printable ASCII without spaces or "/"');

/** A config file name: what a ConfigMap key allows, or `""` for the single file of one-file agents. */
export const fileNameSchema = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(/^[-._a-zA-Z0-9]*$/, 'must be letters, digits, "-", "_" and "."');

/** A selector: attribute or label key to the value it must have. `{}` selects every agent. */
export const selectorSchema = z
  .record(z.string().min(1, 'keys must not be empty').max(317), z.string().max(1024))
  .refine((selector) => Object.keys(selector).length <= 32, 'has more than 32 terms');

/** The target of an assignment: exactly one of `agent` (a display id) or `selector`. */
export const assignmentTargetSchema = z
  .strictObject({
    agent: z.string().min(1, 'must not be empty').max(256).optional(),
    selector: selectorSchema.optional(),
  })
  .refine((target) => (target.agent === undefined) !== (target.selector === undefined), {
    message: 'give exactly one of "agent" (an agent id) or "selector" (attribute key to value)',
  })
  .transform((target) =>
    target.agent !== undefined ? { agent: target.agent } : { selector: target.selector ?? {} },
  );
