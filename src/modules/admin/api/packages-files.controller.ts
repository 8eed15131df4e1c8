import { Controller, Get, Headers, Param, Res, UseFilters } from '@nestjs/common';
import {
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { isSha256Hex, PackageFileNotFoundError, PackageFiles } from '../../packages/index.js';
import { PackagesErrorsFilter } from './packages-errors.filter.js';

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` of a file of `size` bytes; undefined when not satisfiable. */
function byteRange(header: string, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const [first, last] = [match[1]!, match[2]!];
  if (first === '') {
    const suffix = Number(last);
    return suffix > 0 && size > 0 ? { start: Math.max(0, size - suffix), end: size - 1 } : undefined;
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return start <= end && start < size ? { start, end } : undefined;
}

/**
 * `GET /package-files/{sha256}` on the admin listener: the package files uploaded to this server, for
 * agents. Not behind the admin token: with one configured, each file needs its own download token, which
 * the package offers agents in `DownloadableFile.headers`. ETag is the content hash; one byte range is
 * answered with 206.
 */
@ApiTags('packages')
@Controller('package-files')
@UseFilters(PackagesErrorsFilter)
export class PackagesFilesController {
  constructor(private readonly files: PackageFiles) {}

  @Get(':sha256')
  @ApiOperation({ summary: 'Download an uploaded package file (what agents are offered)' })
  @ApiParam({ name: 'sha256', description: "the file's SHA-256, 64 hex digits" })
  @ApiHeader({
    name: 'Authorization',
    required: false,
    description: 'Bearer <download token>, as offered in the package headers (when ADMIN_TOKEN is set)',
  })
  @ApiOkResponse({
    description: 'the file',
    content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiNotFoundResponse({ description: 'no such file on this server, or a wrong download token' })
  async download(
    @Param('sha256') sha256: string,
    @Headers('authorization') authorization: string | undefined,
    @Headers('range') range: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const hash = sha256.toLowerCase();
    if (!isSha256Hex(hash)) throw new PackageFileNotFoundError(sha256);
    const file = await this.files.open(hash, authorization);
    const etag = `"${hash}"`;
    void reply
      .header('etag', etag)
      .header('accept-ranges', 'bytes')
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('content-type', 'application/octet-stream');
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((t) => t.trim() === etag)) {
      await reply.code(304).send();
      return;
    }
    if (range !== undefined) {
      const wanted = byteRange(range, file.size);
      if (!wanted) {
        await reply.code(416).header('content-range', `bytes */${file.size}`).send();
        return;
      }
      await reply
        .code(206)
        .header('content-range', `bytes ${wanted.start}-${wanted.end}/${file.size}`)
        .header('content-length', wanted.end - wanted.start + 1)
        .send(file.read(wanted.start, wanted.end));
      return;
    }
    await reply.code(200).header('content-length', file.size).send(file.read());
  }
}
