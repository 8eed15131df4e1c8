import { describe, expect, it } from '@jest/globals';
import { type OpenAPIObject } from '@nestjs/swagger';
import {
  HUB_ONLY,
  HubContractMismatchError,
  mergeHubDocument,
  withoutHubOnly,
} from '../../../src/modules/hub/index.js';

const ok = (schema: string) => ({
  description: 'ok',
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
});
const documentOf = (paths: Record<string, unknown>): OpenAPIObject =>
  ({
    openapi: '3.0.0',
    info: { title: 't', version: 'v1' },
    paths,
    components: { schemas: {} },
  }) as unknown as OpenAPIObject;

describe('the one contract of node servers and the hub', () => {
  const node = documentOf({
    '/api/v1/agents': { get: { responses: { '200': ok('AgentList'), '400': ok('ApiError') } } },
    '/api/v1/events': { get: { responses: { '200': ok('LiveEvent') } } },
  });
  const hub = documentOf({
    '/api/v1/agents': { get: { responses: { '200': ok('AgentList'), '503': ok('ApiError') } } },
    '/api/v1/nodes': { get: { responses: { '200': ok('NodeServerList') } } },
  });

  it("adds the hub's own operations and answers, marked hub-only, and keeps the node's", () => {
    const merged = mergeHubDocument(node, hub);
    const paths = merged.paths as Record<string, Record<string, Record<string, unknown>>>;
    expect(paths['/api/v1/nodes']!.get![HUB_ONLY]).toBe(true);
    const agents = paths['/api/v1/agents']!.get!.responses as Record<string, Record<string, unknown>>;
    expect(Object.keys(agents).sort()).toEqual(['200', '400', '503']);
    expect(agents['503']![HUB_ONLY]).toBe(true);
    expect(agents['200']![HUB_ONLY]).toBeUndefined();
    expect(paths['/api/v1/events']).toEqual(node.paths['/api/v1/events']);
  });

  it('gives back the node document without the hub-only parts', () => {
    expect(withoutHubOnly(mergeHubDocument(node, hub))).toEqual(node);
  });

  it('refuses an operation whose answers differ between the two', () => {
    const odd = documentOf({ '/api/v1/agents': { get: { responses: { '200': ok('AgentDetail') } } } });
    expect(() => mergeHubDocument(node, odd)).toThrow(HubContractMismatchError);
  });
});
