import { z } from 'zod';
import {
  assignmentTargetSchema,
  configNameSchema,
  fileNameSchema,
  selectorSchema,
} from '../../fleet/index.js';

const MAX_FILES = 64;

/** One file of `PUT /api/v1/configs/{name}`. */
const configFileSchema = z.strictObject({
  body: z.string().describe('the file content: text, or base64 when encoding is base64'),
  contentType: z.string().max(255).default('').describe('MIME type, e.g. text/yaml; default empty'),
  encoding: z.enum(['utf8', 'base64']).default('utf8').describe('how body is written; default utf8'),
});

/** Body of `PUT /api/v1/configs/{name}`: the config's files. */
export const putConfigBodySchema = z.strictObject({
  files: z
    .record(fileNameSchema, configFileSchema)
    .refine((files) => Object.keys(files).length > 0, 'must hold at least one file')
    .refine((files) => Object.keys(files).length <= MAX_FILES, `must hold at most ${MAX_FILES} files`)
    .describe('file name ("" for the single file of one-file agents) to file'),
});
export type PutConfigBody = z.output<typeof putConfigBodySchema>;

/** Body of `PUT /api/v1/configs/{name}/assignments/{assignment}`. */
export const putAssignmentBodySchema = assignmentTargetSchema;

/** Body of `PUT /api/v1/agents/{id}/config`. */
export const putAgentConfigBodySchema = z.strictObject({
  config: configNameSchema.describe('name of the config to give this agent'),
});

/** Body of `POST /api/v1/configs/preview`. */
export const selectorPreviewBodySchema = z.strictObject({
  selector: selectorSchema.describe('attribute key to value, as in an assignment; {} matches every agent'),
  limit: z.number().int().min(1).max(1000).default(100).describe('agents listed, 1-1000; default 100'),
});
export type SelectorPreviewBody = z.output<typeof selectorPreviewBodySchema>;

/** Path parameter: a config name. */
export const configNameParamSchema = configNameSchema;

const oneValue = z.union([z.string(), z.array(z.string()).transform((values) => values.at(-1) ?? '')]);

/** The orders `GET /api/v1/agents` can list in. */
export const AGENT_SORT_KEYS = [
  'id',
  'lastSeen',
  'health',
  'node',
  'namespace',
  'workload',
  'configState',
] as const;
export type AgentSortKey = (typeof AGENT_SORT_KEYS)[number];

/** Query of `GET /api/v1/agents` (besides the `attr.<key>` filters). */
export const listAgentsQuerySchema = z
  .object({
    q: oneValue.pipe(z.string().max(256)).optional().describe('free text'),
    node: oneValue.optional(),
    namespace: oneValue.optional(),
    workload: oneValue.optional(),
    sort: oneValue.pipe(z.enum(AGENT_SORT_KEYS)).optional(),
    order: oneValue.pipe(z.enum(['asc', 'desc'])).optional(),
    health: oneValue.pipe(z.enum(['healthy', 'unhealthy', 'unknown'])).optional(),
    transport: oneValue.pipe(z.enum(['http', 'websocket'])).optional(),
    config: oneValue.optional().describe('only agents whose config comes from this config'),
    state: oneValue
      .pipe(z.enum(['none', 'unsupported', 'pending', 'applying', 'applied', 'failed']))
      .optional(),
    limit: oneValue
      .transform(Number)
      .pipe(z.number().int().min(1).max(1000))
      .optional()
      .describe('agents per page, 1-1000; default 100'),
    cursor: oneValue.pipe(z.string().min(1)).optional(),
  })
  .loose();
export type ListAgentsQuery = z.output<typeof listAgentsQuerySchema>;

/** The JSON schema of a body, for the OpenAPI document. */
export function openApiSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<string, unknown>;
}
