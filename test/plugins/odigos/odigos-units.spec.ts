import { describe, expect, it } from '@jest/globals';
import {
  missingOdigosAttributes,
  readOdigosAttributes,
} from '../../../src/plugins/odigos/odigos-agent-attributes.js';
import { odigosHealthStatus } from '../../../src/plugins/odigos/odigos-health.js';
import {
  buildOdigosRemoteConfig,
  odigosConfigHash,
} from '../../../src/plugins/odigos/odigos-remote-config.js';
import { attr } from '../../support/opamp-messages.js';

const int = (key: string, value: bigint) => ({
  key,
  value: { value: { $case: 'intValue' as const, value } },
});

describe('Odigos health statuses', () => {
  it.each([
    'Healthy',
    'Starting',
    'UnsupportedRuntimeVersion',
    'ProcessTerminated',
    'AgentFailure',
    'NoConnectionToOpAMPServer',
  ])('knows %s', (status) => expect(odigosHealthStatus(status)).toBe(status));

  it('shows any other string as Unknown', () => {
    expect(odigosHealthStatus('instrumentation libraries report')).toBe('Unknown');
    expect(odigosHealthStatus(undefined)).toBe('Unknown');
  });
});

describe('Odigos agent attributes', () => {
  it('reads the location and prefers process.vpid over process.pid', () => {
    const attributes = readOdigosAttributes({
      identifyingAttributes: [
        attr('k8s.namespace.name', 'shop'),
        attr('k8s.pod.name', 'p'),
        attr('k8s.container.name', 'c'),
        attr('telemetry.sdk.language', 'python'),
        int('process.pid', 900n),
        int('process.vpid', 7n),
      ],
      nonIdentifyingAttributes: [],
    });
    expect(attributes).toEqual({
      namespace: 'shop',
      podName: 'p',
      containerName: 'c',
      language: 'python',
      processId: 7,
    });
    expect(missingOdigosAttributes(attributes)).toEqual([]);
  });

  it('names what is missing; a zero pid counts as missing', () => {
    const attributes = readOdigosAttributes({
      identifyingAttributes: [int('process.vpid', 0n)],
      nonIdentifyingAttributes: [],
    });
    expect(missingOdigosAttributes(attributes)).toEqual([
      'k8s.namespace.name',
      'k8s.pod.name',
      'k8s.container.name',
      'process.vpid or process.pid',
    ]);
  });
});

describe('Odigos remote config', () => {
  const container = { containerName: 'app', agentEnabled: true, traces: { idGenerator: 'random' } };

  it('carries container_config and InstrumentationLibraries as JSON', () => {
    const files = buildOdigosRemoteConfig({ containerConfig: container }).config!.configMap;
    expect(Object.keys(files).sort()).toEqual(['InstrumentationLibraries', 'container_config']);
    expect(JSON.parse(files.container_config!.body.toString())).toEqual(container);
    expect(files.InstrumentationLibraries!.body.toString()).toBe('[]');
    expect(files.container_config!.contentType).toBe('application/json');
  });

  it('adds the SDK section with resource attributes and signals for device-id agents', () => {
    const files = buildOdigosRemoteConfig({
      containerConfig: container,
      sdkResourceAttributes: [attr('k8s.pod.name', 'p'), int('k8s.pid', 3n)],
    }).config!.configMap;
    expect(JSON.parse(files.SDK!.body.toString())).toEqual({
      remoteResourceAttributes: [
        { key: 'k8s.pod.name', value: 'p' },
        { key: 'k8s.pid', value: '3' },
      ],
      traceSignal: { enabled: true, defaultEnabledValue: true },
      metricsSignal: { enabled: false, defaultEnabledValue: false },
      logsSignal: { enabled: false, defaultEnabledValue: false },
    });
  });

  it('hashes the bodies in key order: deterministic, and different when content changes', () => {
    const a = buildOdigosRemoteConfig({ containerConfig: container }).configHash;
    const b = buildOdigosRemoteConfig({ containerConfig: { ...container } }).configHash;
    const c = buildOdigosRemoteConfig({ containerConfig: { ...container, logs: {} } }).configHash;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const file = (body: string) => ({ body: Buffer.from(body), contentType: '' });
    expect(odigosConfigHash({ x: file('1'), y: file('2') })).toEqual(
      odigosConfigHash({ y: file('2'), x: file('1') }),
    );
  });
});
