import { z } from 'zod';

/**
 * The named response schemas of the admin API. Each becomes `#/components/schemas/<id>` in the OpenAPI
 * document, so a client generated from it gets a named type per schema.
 */
export const adminSchemaRegistry = z.registry<{ id: string }>();

const byId = new Map<string, z.ZodType>();

/** Registers `schema` as the component `id` and returns it. */
export function named<S extends z.ZodType>(id: string, schema: S): S {
  adminSchemaRegistry.add(schema, { id });
  byId.set(id, schema);
  return schema;
}

/** The schema registered as component `id`, if any (the contract tests parse answers with it). */
export const namedSchema = (id: string): z.ZodType | undefined => byId.get(id);

/** `{ $ref }` to a registered schema, for `@ApiOkResponse({ schema })`. */
export function schemaRef(schema: z.ZodType): { $ref: string } {
  const id = adminSchemaRegistry.get(schema)?.id;
  if (id === undefined) throw new Error('schemaRef: the schema is not registered with named()');
  return { $ref: `#/components/schemas/${id}` };
}

/** Every registered schema as OpenAPI 3.0 components, referring to each other by `$ref`. */
export function adminComponentSchemas(): Record<string, Record<string, unknown>> {
  const { schemas } = z.toJSONSchema(adminSchemaRegistry, {
    target: 'openapi-3.0',
    io: 'output',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // `$id` is not an OpenAPI 3.0 keyword.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _, ...schema }]) => [id, schema as Record<string, unknown>]),
  );
}
