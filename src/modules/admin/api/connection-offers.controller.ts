import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Put,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import {
  type ConnectionOffer,
  ConnectionOffers,
  connectionOfferNameSchema,
  putConnectionOfferBodySchema,
  type PutConnectionOfferBody,
} from '../../connection-settings/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { openApiSchema } from './api.schemas.js';
import { type Json } from './json-render.js';
import { MutatingRoute } from './mutating-route.decorator.js';
import { schemaRef } from './admin-schema.registry.js';
import { connectionOfferListSchema, connectionOfferSchema } from './response.schemas.js';
import { ZodPipe } from './zod-body.pipe.js';

const namePipe = new ZodPipe(connectionOfferNameSchema, 'offer name');

const OFFER = schemaRef(connectionOfferSchema);

const render = (offer: ConnectionOffer): Json => JSON.parse(JSON.stringify(offer)) as Json;

/** `/api/v1/connection-offers`: OpAMP endpoints, headers and other connections offered to agents. */
@ApiTags('connection-offers')
@ApiBearerAuth()
@Controller('api/v1/connection-offers')
@UseGuards(AdminTokenGuard)
export class ConnectionOffersController {
  constructor(private readonly offers: ConnectionOffers) {}

  @Get()
  @ApiOperation({ summary: 'List connection offers' })
  @ApiOkResponse({ description: 'the offers', schema: schemaRef(connectionOfferListSchema) })
  list(): Json {
    return { items: this.offers.list().map(render) };
  }

  @Get(':name')
  @ApiOperation({ summary: 'One connection offer' })
  @ApiParam({ name: 'name', description: 'offer name' })
  @ApiOkResponse({ schema: OFFER })
  @ApiNotFoundResponse({ description: 'no such offer' })
  get(@Param('name') name: string): Json {
    return render(this.found(name));
  }

  @Put(':name')
  @MutatingRoute()
  @ApiOperation({
    summary: 'Create or replace a connection offer',
    description:
      'Offers a new OpAMP endpoint and headers (agents with AcceptsOpAMPConnectionSettings) and/or named ' +
      'other connections (AcceptsOtherConnectionSettings) to one agent (`target.agent`) or to the agents a ' +
      'selector matches. The most specific offer wins, separately for `opamp` and for each named connection. ' +
      'Sent at once over WebSocket, with the next poll over HTTP, until the agent reports the new hash.',
  })
  @ApiParam({ name: 'name', description: 'printable ASCII without spaces or "/"' })
  @ApiBody({ schema: openApiSchema(putConnectionOfferBodySchema) })
  @ApiCreatedResponse({ description: 'created', schema: OFFER })
  @ApiOkResponse({ description: 'replaced', schema: OFFER })
  @ApiBadRequestResponse({ description: 'invalid name or body' })
  async put(
    @Param('name', namePipe) name: string,
    @Body(new ZodPipe(putConnectionOfferBodySchema)) body: PutConnectionOfferBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json> {
    const { offer, created } = await this.offers.put(name, body);
    reply.code(created ? 201 : 200);
    return render(offer);
  }

  @Delete(':name')
  @HttpCode(204)
  @MutatingRoute()
  @ApiOperation({ summary: 'Delete a connection offer (agents are offered what remains)' })
  @ApiParam({ name: 'name', description: 'offer name' })
  @ApiNoContentResponse({ description: 'deleted' })
  @ApiNotFoundResponse({ description: 'no such offer' })
  async delete(@Param('name') name: string): Promise<void> {
    if (!(await this.offers.delete(name))) throw this.notFound(name);
  }

  private found(name: string): ConnectionOffer {
    const offer = this.offers.get(name);
    if (!offer) throw this.notFound(name);
    return offer;
  }

  private notFound(name: string): NotFoundException {
    return new NotFoundException(
      `no connection offer "${name}"; list them with GET /api/v1/connection-offers`,
    );
  }
}
