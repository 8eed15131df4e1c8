import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { PackageFiles } from '../../packages/index.js';

/**
 * Lets the admin listener take `application/octet-stream` bodies (package file uploads) as a Buffer, up to
 * PACKAGE_FILE_MAX_BYTES; larger ones get 413 before any handler runs.
 */
@Injectable()
export class PackageFileBodyParser implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly files: PackageFiles,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || fastify.hasContentTypeParser('application/octet-stream')) return;
    fastify.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: this.files.maxBytes },
      (_request, body, done) => done(null, body),
    );
  }
}
