export { HubModule, type HubModuleOptions } from './hub.module.js';
export { type HubOptions } from './hub.options.js';
export { type MissingNode } from './fan-out.js';
export { type NodeFailureReason } from './node-call.errors.js';
export { HUB_ONLY, HubContractMismatchError, mergeHubDocument, withoutHubOnly } from './hub-openapi.js';
