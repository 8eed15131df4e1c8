import { z } from 'zod';
import { assignmentNameSchema, assignmentTargetSchema, type AssignmentTarget } from '../fleet/index.js';
import { type EndpointSettings } from './connection-settings.offer.js';

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name');
const headerValue = z
  .string()
  .max(8192)
  .regex(/^[^\r\n]*$/, 'must not contain line breaks');

/** An endpoint URL and its headers, as the admin API takes them. */
export const endpointSettingsSchema = z.strictObject({
  endpoint: z.url({ error: 'must be a URL' }).describe('the URL the agent connects to'),
  headers: z
    .record(headerName, headerValue)
    .default({})
    .describe('HTTP headers sent with every request, e.g. Authorization; default none'),
});

/** Body of `PUT /api/v1/connection-offers/{name}`. */
export const putConnectionOfferBodySchema = z
  .strictObject({
    target: assignmentTargetSchema.describe('{ "agent": "<id>" } or { "selector": { "<key>": "<value>" } }'),
    opamp: endpointSettingsSchema
      .refine((s) => /^(wss?|https?):\/\//.test(s.endpoint), 'endpoint must be a ws(s):// or http(s):// URL')
      .optional()
      .describe('a new OpAMP endpoint and headers (agents with AcceptsOpAMPConnectionSettings)'),
    otherConnections: z
      .record(z.string().min(1).max(253), endpointSettingsSchema)
      .optional()
      .describe('named other connections (agents with AcceptsOtherConnectionSettings)'),
  })
  .refine((body) => body.opamp !== undefined || body.otherConnections !== undefined, {
    message: 'give "opamp", "otherConnections" or both',
  });
export type PutConnectionOfferBody = z.output<typeof putConnectionOfferBodySchema>;

/** Path parameter: an offer name. */
export const connectionOfferNameSchema = assignmentNameSchema;

/** A named offer of connection settings, to one agent or to the agents a selector matches. */
export interface ConnectionOffer {
  readonly name: string;
  readonly target: AssignmentTarget;
  readonly opamp?: EndpointSettings;
  readonly otherConnections?: Readonly<Record<string, EndpointSettings>>;
  /** ISO time of the last change. */
  readonly updatedAt: string;
}
