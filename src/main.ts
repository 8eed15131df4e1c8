import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { setupAdminOpenApi } from './modules/admin/index.js';
import { ConfigValidationError, parseServerConfig, type ServerConfig } from './modules/config/index.js';
import { armShutdownDeadline, SHUTDOWN_SIGNALS } from './shutdown-deadline.js';

async function bootstrap(): Promise<void> {
  let config: ServerConfig;
  let appModule;
  try {
    config = parseServerConfig(process.env);
    appModule = AppModule.forRoot({ config, env: process.env });
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`opamp-nest: ${error.message}\n`);
    process.exit(1);
  }
  const { admin } = config;
  const app = await NestFactory.create<NestFastifyApplication>(appModule, new FastifyAdapter(), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // Drain on SIGTERM/SIGINT, then exit 0 (not re-raising the signal), within SHUTDOWN_TIMEOUT_S.
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
  armShutdownDeadline(config.shutdownTimeoutMs, logger);
  setupAdminOpenApi(app);
  await app.listen(admin.port, admin.host);
  logger.log(`admin listener ready on http://${admin.host}:${admin.port}`, 'Bootstrap');
}

await bootstrap();
