import { Inject } from '@nestjs/common';

/** Options of the {@link HubModule}, mapped from the `HUB_*` settings. */
export interface HubOptions {
  /** The headless Service selecting the node servers (`HUB_NODE_SERVICE`). */
  readonly nodeService: string;
  /** Its namespace (`HUB_NODE_NAMESPACE`, else `POD_NAMESPACE`, else the kubeconfig context's, else `default`). */
  readonly nodeNamespace: string;
  /** The nodes' admin port: an EndpointSlice port name, or a number (`HUB_NODE_ADMIN_PORT`, default `admin`). */
  readonly nodeAdminPort: string | number;
  /** The nodes' probes port, name or number (`HUB_NODE_HEALTH_PORT`, default `health`). */
  readonly nodeHealthPort: string | number;
  /** `http` or `https` (`HUB_NODE_SCHEME`, default `http`). */
  readonly nodeScheme: 'http' | 'https';
  /** Deadline of one call to one node, ms (`HUB_NODE_TIMEOUT_S`, default 2000). */
  readonly nodeTimeoutMs: number;
  /** Bearer token sent to the nodes (`HUB_NODE_TOKEN`, default `ADMIN_TOKEN`); none: no header. */
  readonly nodeToken?: string;
  /** Nodes called at once by one request (`HUB_MAX_CONCURRENT_CALLS`, default 16). */
  readonly maxConcurrentCalls: number;
  /** Waits between attempts to reopen a node server's event stream: 250 ms doubling up to 10 s. */
  readonly eventStreamBackoff: { readonly initialMs: number; readonly maxMs: number };
}

/** DI token of the {@link HubOptions}. */
export const HUB_OPTIONS = 'OPAMP:HUB_OPTIONS';

/** Injects the {@link HubOptions}. */
export const InjectHubOptions = (): ParameterDecorator => Inject(HUB_OPTIONS);
