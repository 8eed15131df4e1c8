import { DiscoveryService } from '@nestjs/core';
import { type OpampPluginOptions } from '../../plugin-api/index.js';

/**
 * Marks a provider as an OpAMP plugin. The class implements any of the `OpampPluginHooks`; the
 * `PluginHost` finds it through Nest's discovery, whatever module provides it.
 *
 * @example
 * ```ts
 * @OpampPlugin({ name: 'static-attributes', order: 50 })
 * @Injectable()
 * export class StaticAttributesPlugin implements OpampPluginHooks { ... }
 * ```
 */
export const OpampPlugin = DiscoveryService.createDecorator<OpampPluginOptions>();
