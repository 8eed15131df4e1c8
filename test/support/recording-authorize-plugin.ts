import { Injectable } from '@nestjs/common';
import { OpampPlugin } from '../../src/modules/plugins/index.js';
import {
  type AuthorizeDecision,
  type ConnectionRequest,
  type OpampPluginHooks,
} from '../../src/plugin-api/index.js';

/** Every `ConnectionRequest` the {@link RecordingAuthorizePlugin} was asked about, oldest first. */
export const authorizeRequests: ConnectionRequest[] = [];

/** A plugin whose `authorize` accepts everyone and records what it was given. */
@OpampPlugin({ name: 'recording-authorize' })
@Injectable()
export class RecordingAuthorizePlugin implements OpampPluginHooks {
  authorize(request: ConnectionRequest): AuthorizeDecision {
    authorizeRequests.push(request);
    return { accept: true };
  }
}
