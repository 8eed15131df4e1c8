import { z } from 'zod';
import { configNameSchema } from '../fleet/index.js';

/** A package's catalog name: a Kubernetes object name, like a config's. */
export const packageNameSchema = configNameSchema;

/** Body of `PUT /api/v1/packages/{name}`. */
export const putPackageBodySchema = z.strictObject({
  type: z
    .enum(['top-level', 'addon'])
    .default('top-level')
    .describe('top-level (the agent itself) or addon; default top-level'),
  version: z.string().min(1).max(256).describe('the version agents are offered'),
  downloadUrl: z
    .url({ error: 'must be a URL' })
    .max(2048)
    .optional()
    .describe(
      'where agents download the file; default this server (/package-files/<contentHash> on the admin listener, the file uploaded with PUT /api/v1/packages/{name}/file)',
    ),
  contentHash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the SHA-256 of the file as 64 hex digits')
    .describe('SHA-256 of the file, hex'),
  signature: z
    .base64()
    .max(65536)
    .optional()
    .describe('detached signature of the file, base64; default none'),
  headers: z
    .record(z.string().min(1).max(256), z.string().max(4096))
    .refine((headers) => Object.keys(headers).length <= 32, 'has more than 32 headers')
    .default({})
    .describe('HTTP headers agents send when downloading; default none'),
  offeredAs: z
    .string()
    .min(1)
    .max(253)
    .optional()
    .describe(
      'name in packages_available (packages sharing it compete: the most specific assignment wins); default the catalog name',
    ),
});
export type PutPackageBody = z.output<typeof putPackageBodySchema>;

/** A package as a ConfigMap's `data` holds it (`headers` parsed from JSON): the body's fields, with a URL. */
export const storedPackageSchema = putPackageBodySchema.extend({
  downloadUrl: z.url({ error: 'must be a URL' }).max(2048),
});

/** Answer of `PUT /api/v1/packages/{name}/file`. */
export const packageFileResponseSchema = z.object({
  package: z.string(),
  contentHash: z.string().describe('SHA-256 of the stored file, hex'),
  size: z.number().describe('bytes'),
  store: z.enum(['memory', 'directory']),
  downloadUrl: z.string().describe('where this server serves the file'),
});

const stateCounts = z.object({
  unsupported: z.number(),
  pending: z.number(),
  installing: z.number(),
  installed: z.number(),
  failed: z.number(),
});

/** A package's rollout as the API shows it. */
export const packageRolloutResponseSchema = z.object({
  agents: z.number(),
  ...stateCounts.shape,
  failedAgents: z.array(z.object({ agent: z.string(), errorMessage: z.string() })),
});

/** An assignment as the API shows it. */
export const packageAssignmentResponseSchema = z.object({
  package: z.string(),
  name: z.string(),
  agent: z.string().optional(),
  selector: z.record(z.string(), z.string()).optional(),
});

/** A package as the API shows it. */
export const packageResponseSchema = z.object({
  name: z.string(),
  offeredAs: z.string(),
  type: z.enum(['top-level', 'addon']),
  version: z.string(),
  downloadUrl: z.string(),
  contentHash: z.string().describe('hex'),
  signature: z.string().nullable().describe('base64'),
  headers: z.record(z.string(), z.string()),
  hash: z.string().describe('PackageAvailable.hash, hex'),
  updatedAt: z.string(),
  assignments: z.array(packageAssignmentResponseSchema),
  rollout: packageRolloutResponseSchema,
});

/** `GET /api/v1/packages`. */
export const packageListResponseSchema = z.object({
  catalog: z.string(),
  items: z.array(packageResponseSchema),
});
