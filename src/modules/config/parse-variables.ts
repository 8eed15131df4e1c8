import { type z } from 'zod';
import { ConfigValidationError } from './config-validation.error.js';

/**
 * Validates variables against a zod object schema whose fields describe what they accept (`.describe()`).
 * @throws ConfigValidationError naming every bad variable and what it accepts.
 */
export function parseVariables<S extends z.ZodObject>(schema: S, env: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigValidationError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '(environment)');
      const field = schema.shape[name] as z.ZodType | undefined;
      return { name, problem: issue.message, accepts: field?.description ?? 'see docs/configuration.md' };
    }),
  );
}
