import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { adminComponentSchemas, schemaRef } from './api/admin-schema.registry.js';
import { apiErrorSchema } from './api/response.schemas.js';

/** Where the OpenAPI UI is served on the admin listener; the document is at `<path>-json`. */
export const OPENAPI_PATH = 'api/docs';

/** Options of {@link setupAdminOpenApi}. */
export interface AdminOpenApiOptions {
  /**
   * Serve the Swagger UI at `/api/docs` (through `@fastify/static`). Default true. The tests turn it off:
   * `@fastify/static` requires an ESM-only package, which Jest cannot load on Node 20.
   */
  ui?: boolean;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * The admin API's OpenAPI document: the routes' decorators, the named response schemas as components, and
 * the error body (`ApiError`) on every 4xx and 5xx answer. Needs no listener: the app need only be created.
 */
export function createAdminOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('opamp-nest admin API')
    .setDescription(
      'Fleet management for the agents connected to this OpAMP server: agents, remote configs and their ' +
        'assignments, packages, connection offers, commands. When ADMIN_TOKEN is set, every call needs ' +
        '`Authorization: Bearer <ADMIN_TOKEN>`, reads included. Probes and metrics are served on a port of ' +
        'their own (HEALTH_PORT).',
    )
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...adminComponentSchemas() },
  };
  const errorBody = { 'application/json': { schema: schemaRef(apiErrorSchema) } };
  for (const path of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = path[method];
      if (!operation) continue;
      operation.responses['401'] ??= { description: 'ADMIN_TOKEN is set and was not sent' };
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && response && 'description' in response) response.content ??= errorBody;
      }
    }
  }
  return document;
}

/**
 * Serves the admin API's OpenAPI document at `/api/docs-json` and its UI at `/api/docs`. Call it on the
 * admin application before `listen` (`npm start` and the test server do; embedders call it themselves).
 */
export function setupAdminOpenApi(app: INestApplication, options: AdminOpenApiOptions = {}): void {
  SwaggerModule.setup(OPENAPI_PATH, app, createAdminOpenApiDocument(app), {
    ui: options.ui ?? true,
    raw: ['json'],
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
  });
}
