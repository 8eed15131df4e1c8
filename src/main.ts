import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { setupAdminOpenApi } from './modules/admin/index.js';
import { ConfigValidationError, parseServerConfig, type ServerConfig } from './modules/config/index.js';
import {
  loadTlsKeyPair,
  tlsContextOptions,
  TlsReloader,
  TlsSetupError,
  type SecureContextTarget,
  type TlsKeyPair,
} from './modules/tls/index.js';
import { armShutdownDeadline, SHUTDOWN_SIGNALS } from './shutdown-deadline.js';

/** Start-up stops with a message, not a stack trace, for bad settings and unusable TLS files. */
function exitOnStartupError(error: unknown): never {
  if (!(error instanceof ConfigValidationError || error instanceof TlsSetupError)) throw error;
  process.stderr.write(`opamp-nest: ${error.message}\n`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  let config: ServerConfig;
  let appModule;
  let adminTls: TlsKeyPair | undefined;
  try {
    config = parseServerConfig(process.env);
    appModule = AppModule.forRoot({ config, env: process.env });
    adminTls = config.admin.tls && (await loadTlsKeyPair(config.admin.tls));
  } catch (error) {
    exitOnStartupError(error);
  }
  const { admin } = config;
  const adapter = new FastifyAdapter(adminTls ? { https: tlsContextOptions(adminTls) } : undefined);
  const app = await NestFactory.create<NestFastifyApplication>(appModule, adapter, { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // Drain on SIGTERM/SIGINT, then exit 0 (not re-raising the signal), within SHUTDOWN_TIMEOUT_S.
  app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
  armShutdownDeadline(config.shutdownTimeoutMs, logger);
  setupAdminOpenApi(app);
  await app.listen(admin.port, admin.host).catch(exitOnStartupError);
  if (adminTls && admin.tls) {
    const target = app.getHttpServer() as unknown as SecureContextTarget;
    const files = admin.tls;
    const reloader = new TlsReloader({
      files,
      current: adminTls,
      target,
      intervalMs: files.reloadIntervalMs,
      listener: 'admin listener',
    });
    reloader.start();
  }
  const scheme = adminTls ? 'https' : 'http';
  const role = config.mode === 'hub' ? 'hub (admin API for every node server)' : 'admin listener';
  logger.log(`${role} ready on ${scheme}://${admin.host}:${admin.port}`, 'Bootstrap');
}

await bootstrap();
