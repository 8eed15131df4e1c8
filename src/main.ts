import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { setupAdminOpenApi } from './modules/admin/index.js';
import { ConfigValidationError, parseServerConfig } from './modules/config/index.js';

async function bootstrap(): Promise<void> {
  let admin;
  try {
    admin = parseServerConfig(process.env).admin;
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`opamp-nest: ${error.message}\n`);
    process.exit(1);
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(), new FastifyAdapter(), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  setupAdminOpenApi(app);
  await app.listen(admin.port, admin.host);
  app.get(Logger).log(`admin listener ready on http://${admin.host}:${admin.port}`, 'Bootstrap');
}

await bootstrap();
