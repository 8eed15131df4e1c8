import { describe, expect, it } from '@jest/globals';
import { AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import {
  compactForStorage,
  internString,
  MAX_SHARED_BYTES,
  SharedBytes,
} from '../../../src/modules/protocol/index.js';
import { encodeAgentToServer } from '../../support/opamp-messages.js';

const ownsItsMemory = (bytes: Uint8Array): boolean => bytes.byteLength === bytes.buffer.byteLength;

/** A decoded status message of one agent (its own host name), as the pipeline stores its parts. */
const statusOf = (host: string): AgentToServer =>
  AgentToServer.decode(
    encodeAgentToServer({
      instanceUid: Buffer.alloc(16, 1),
      agentDescription: {
        identifyingAttributes: [
          { key: 'service.name', value: { value: { $case: 'stringValue', value: 'otelcol' } } },
          { key: 'host.name', value: { value: { $case: 'stringValue', value: host } } },
        ],
        nonIdentifyingAttributes: [],
      },
      remoteConfigStatus: { lastRemoteConfigHash: Buffer.alloc(32, 2), status: 1, errorMessage: '' },
      effectiveConfig: {
        configMap: {
          configMap: { 'a.yaml': { body: Buffer.from('receivers: {}'), contentType: 'text/yaml' } },
        },
      },
    }),
  );

describe('compactForStorage', () => {
  it('keeps every value as decoded', () => {
    const message = statusOf('node-1');
    const before = AgentToServer.toJSON(message);

    compactForStorage(message, true, new SharedBytes());

    expect(AgentToServer.toJSON(message)).toEqual(before);
  });

  it('shares one copy of equal byte contents across agents, in memory of its own, and not different ones', () => {
    const bytes = new SharedBytes();
    const [a, b] = [
      compactForStorage(statusOf('node-1'), true, bytes),
      compactForStorage(statusOf('node-2'), false, bytes),
    ];

    const bodyOf = (m: AgentToServer): Buffer => m.effectiveConfig!.configMap!.configMap['a.yaml']!.body;
    expect(bodyOf(a)).toBe(bodyOf(b));
    expect(a.remoteConfigStatus!.lastRemoteConfigHash).toBe(b.remoteConfigStatus!.lastRemoteConfigHash);
    expect(ownsItsMemory(bodyOf(a))).toBe(true);
    expect(ownsItsMemory(a.remoteConfigStatus!.lastRemoteConfigHash)).toBe(true);
    expect(bytes.size).toBe(3); // body, hash, instance uid

    const other = bytes.share(Buffer.from('receivers: {otlp: {}}'));
    expect(other).not.toBe(bodyOf(a));
  });

  it('gives a byte array over the sharing limit a copy of its own, not an entry', () => {
    const bytes = new SharedBytes();
    const large = Buffer.alloc(MAX_SHARED_BYTES + 1, 7);

    const stored = bytes.share(large);

    expect(stored).not.toBe(large);
    expect(stored.equals(large)).toBe(true);
    expect(ownsItsMemory(stored)).toBe(true);
    expect(bytes.size).toBe(0);
  });

  it('interns strings without changing them, array-index strings included', () => {
    const decoded = Buffer.from('service.name').toString('utf8');
    expect(internString(decoded)).toBe('service.name');
    expect(internString('42')).toBe('42');
    expect(internString('')).toBe('');
  });
});
