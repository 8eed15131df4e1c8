import { type OpenAPIObject } from '@nestjs/swagger';

/** Marks an operation or a response that only the hub (`MODE=hub`) serves. */
export const HUB_ONLY = 'x-hub-only';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Responses = Record<string, Record<string, unknown>>;
type Operation = { responses: Responses; [key: string]: unknown };
type Paths = Record<string, Record<string, unknown>>;

const refOf = (response: Record<string, unknown> | undefined): string | undefined =>
  (response?.content as Record<string, { schema?: { $ref?: string } }> | undefined)?.['application/json']
    ?.schema?.$ref;

/** A contract the hub and the node servers disagree on. */
export class HubContractMismatchError extends Error {
  override readonly name = 'HubContractMismatchError';
}

/**
 * The admin API's one contract (`openapi.json`): the node server's document with what the hub serves added,
 * marked `x-hub-only` — the operations only it has (`GET /api/v1/nodes`) and its answers a node never gives
 * (503 before the node servers are listed, 502/504 when the node holding an agent failed). An operation both
 * serve must answer the same schema for the same status.
 * @throws HubContractMismatchError where they disagree.
 */
export function mergeHubDocument(node: OpenAPIObject, hub: OpenAPIObject): OpenAPIObject {
  const paths = structuredClone(node.paths) as Paths;
  for (const [path, hubMethods] of Object.entries(hub.paths as Paths)) {
    for (const method of HTTP_METHODS) {
      const hubOperation = hubMethods[method] as Operation | undefined;
      if (!hubOperation) continue;
      const nodeOperation = paths[path]?.[method] as Operation | undefined;
      if (!nodeOperation) {
        paths[path] = { ...paths[path], [method]: { ...hubOperation, [HUB_ONLY]: true } };
        continue;
      }
      for (const [status, response] of Object.entries(hubOperation.responses)) {
        const nodeResponse = nodeOperation.responses[status];
        if (!nodeResponse) {
          nodeOperation.responses[status] = { ...response, [HUB_ONLY]: true };
        } else if (refOf(nodeResponse) !== refOf(response)) {
          throw new HubContractMismatchError(
            `${method.toUpperCase()} ${path} ${status}: the node answers ${refOf(nodeResponse)}, the hub ` +
              `${refOf(response)}`,
          );
        }
      }
    }
  }
  return {
    ...node,
    paths: paths as OpenAPIObject['paths'],
    components: {
      ...node.components,
      schemas: { ...hub.components?.schemas, ...node.components?.schemas },
    },
  };
}

/** The contract without what only the hub serves: what a node server's own document holds. */
export function withoutHubOnly(document: OpenAPIObject): OpenAPIObject {
  const paths: Paths = {};
  for (const [path, methods] of Object.entries(structuredClone(document.paths) as Paths)) {
    const kept: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(methods)) {
      const operation = value as Operation;
      if (!HTTP_METHODS.includes(method as (typeof HTTP_METHODS)[number])) {
        kept[method] = value;
        continue;
      }
      if (operation[HUB_ONLY]) continue;
      operation.responses = Object.fromEntries(
        Object.entries(operation.responses).filter(([, response]) => !response[HUB_ONLY]),
      );
      kept[method] = operation;
    }
    if (Object.keys(kept).length > 0) paths[path] = kept;
  }
  return { ...document, paths: paths as OpenAPIObject['paths'] };
}
