import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { type z } from 'zod';

/** `a.b[0]`-style path of a zod issue. */
const pathOf = (path: readonly PropertyKey[]): string =>
  path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i > 0 ? '.' : ''}${String(part)}`))
    .join('');

/**
 * Validates a request body (or query) with a zod schema and returns the parsed value; anything else gets
 * `400` with every problem as `path: reason` in `message`.
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    /** Where the value comes from, for the message: `body`, `query`, ... */
    private readonly what = 'body',
  ) {}

  transform(value: unknown): z.output<S> {
    const result = this.schema.safeParse(value ?? (this.what === 'body' ? undefined : {}));
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
      const path = pathOf(issue.path);
      // A bad record key carries the key's own problems one level down.
      const message =
        issue.code === 'invalid_key'
          ? `invalid key: ${issue.issues.map((i) => i.message).join('; ')}`
          : issue.message;
      return path ? `${path}: ${message}` : message;
    });
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `invalid ${this.what}: ${problems.join('; ')}`,
      problems,
    });
  }
}
