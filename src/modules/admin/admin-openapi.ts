import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

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

/**
 * Serves the admin API's OpenAPI document at `/api/docs-json` and its UI at `/api/docs`. Call it on the
 * admin application before `listen` (`npm start` and the test server do; embedders call it themselves).
 */
export function setupAdminOpenApi(app: INestApplication, options: AdminOpenApiOptions = {}): void {
  const config = new DocumentBuilder()
    .setTitle('opamp-nest admin API')
    .setDescription(
      'Fleet management for the agents connected to this OpAMP server: agents, remote configs and their ' +
        'assignments, commands. When ADMIN_TOKEN is set, every call needs `Authorization: Bearer ' +
        '<ADMIN_TOKEN>`, reads included. Probes and metrics are served on a port of their own (HEALTH_PORT).',
    )
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    ui: options.ui ?? true,
    raw: ['json'],
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
  });
}
