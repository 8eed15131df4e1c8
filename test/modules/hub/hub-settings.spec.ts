import { describe, expect, it } from '@jest/globals';
import { AppModule } from '../../../src/app.module.js';
import { ConfigValidationError, parseServerConfig } from '../../../src/modules/config/index.js';

describe('hub settings', () => {
  it('runs as a node server unless MODE says hub, with the documented hub defaults', () => {
    const config = parseServerConfig({});
    expect(config.mode).toBe('node');
    expect(config.hub).toEqual({
      nodeService: 'opamp-nest-nodes',
      nodeNamespace: undefined,
      nodeAdminPort: 'admin',
      nodeHealthPort: 'health',
      nodeScheme: 'http',
      nodeTimeoutMs: 2000,
      nodeToken: undefined,
      maxConcurrentCalls: 16,
    });
  });

  it('presents ADMIN_TOKEN to the nodes unless HUB_NODE_TOKEN is set, and reads ports as names or numbers', () => {
    const shared = parseServerConfig({
      MODE: 'hub',
      ADMIN_TOKEN: 'shared-token-0123456789',
      POD_NAMESPACE: 'obs',
    });
    expect(shared.hub).toEqual(
      expect.objectContaining({ nodeToken: 'shared-token-0123456789', nodeNamespace: 'obs' }),
    );
    const own = parseServerConfig({
      MODE: 'hub',
      ADMIN_TOKEN: 'shared-token-0123456789',
      HUB_NODE_TOKEN: 'node-token-0123456789',
      HUB_NODE_ADMIN_PORT: '9443',
      HUB_NODE_TIMEOUT_S: '0.5',
    });
    expect(own.hub).toEqual(
      expect.objectContaining({
        nodeToken: 'node-token-0123456789',
        nodeAdminPort: 9443,
        nodeTimeoutMs: 500,
      }),
    );
  });

  it('refuses bad hub settings, naming each', () => {
    expect(() =>
      parseServerConfig({ MODE: 'cluster', HUB_NODE_ADMIN_PORT: 'Admin Port', HUB_NODE_TOKEN: 'short' }),
    ).toThrow(/MODE[\s\S]*HUB_NODE_ADMIN_PORT[\s\S]*HUB_NODE_TOKEN/);
  });

  it('refuses to start a hub with no cluster to find the node servers in', () => {
    expect(() => AppModule.forRoot({ env: { MODE: 'hub' }, kubeConfig: null })).toThrow(
      ConfigValidationError,
    );
    expect(() => AppModule.forRoot({ env: { MODE: 'hub' }, kubeConfig: null })).toThrow(/MODE: is hub/);
  });
});
