import { describe, expect, it } from '@jest/globals';
import {
  KubernetesConflictError,
  KubernetesNotFoundError,
  KubernetesRequestError,
  KubernetesStats,
  KubernetesUnavailableError,
  outcomeOfError,
  verbOfOperation,
} from '../../../src/modules/kubernetes/index.js';

describe('verbOfOperation', () => {
  it.each([
    ['read pod shop/checkout-1', 'get'],
    ['GET /version', 'get'],
    ['list instrumentationinstances in shop (ownerPodName=x)', 'list'],
    ['watch pods on node node-1', 'watch'],
    ['create configmap opamp-config-all', 'create'],
    ['replace configmap opamp-config-all', 'update'],
    ['update the status of InstrumentationInstance shop/x-1', 'update'],
    ['delete InstrumentationInstance shop/x-1', 'delete'],
    ['patch pod shop/x', 'patch'],
    ['toString', 'other'],
    ['', 'other'],
  ])('%s is %s', (operation, verb) => {
    expect(verbOfOperation(operation)).toBe(verb);
  });
});

describe('outcomeOfError', () => {
  it('follows the error taxonomy', () => {
    expect(outcomeOfError(new KubernetesNotFoundError('read pod a/b', 'gone'))).toBe('not-found');
    expect(outcomeOfError(new KubernetesConflictError('create pod a/b', 'exists'))).toBe('conflict');
    expect(outcomeOfError(new KubernetesRequestError('read pod a/b', 403, 'forbidden'))).toBe('client-error');
    expect(outcomeOfError(new KubernetesUnavailableError('read pod a/b', 'throttled', '429'))).toBe(
      'throttled',
    );
  });
});

describe('KubernetesStats', () => {
  it('counts per verb and outcome, and per resource and reason', () => {
    const stats = new KubernetesStats();
    stats.request('get', 'ok');
    stats.request('get', 'ok');
    stats.request('get', 'timeout');
    stats.watchRestart('pods', 'closed');

    expect(stats.requests()).toEqual([
      { verb: 'get', outcome: 'ok', count: 2 },
      { verb: 'get', outcome: 'timeout', count: 1 },
    ]);
    expect(stats.watchRestarts()).toEqual([{ resource: 'pods', reason: 'closed', count: 1 }]);
  });
});
