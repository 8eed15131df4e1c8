import { describe, expect, it } from '@jest/globals';
import { stringifyAnyValue as fromModule } from '../../../../src/plugins/odigos/instrumentation-instance/attribute-value.js';
import {
  componentFromHealth,
  formatGoValue,
} from '../../../../src/plugins/odigos/instrumentation-instance/component-status.js';
import {
  formatGoFloatFixed,
  formatGoFloatV,
} from '../../../../src/plugins/odigos/instrumentation-instance/go-number-format.js';
import { instanceName } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.mapping.js';
import { InstrumentationInstanceMapping } from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record-mapping.js';
import {
  instanceRecordKey,
  instanceRecordOf,
  type InstrumentationInstanceRecord,
} from '../../../../src/plugins/odigos/instrumentation-instance/instrumentation-instance.record.js';
import { truncateMessage } from '../../../../src/plugins/odigos/instrumentation-instance/truncate-message.js';
import { AgentSession } from '../../../../src/modules/session/index.js';
import { FakeConnection } from '../../../support/fake-connection.js';
import { bool, double, health, int, kv, locationOf, makeSession, str } from './support/agents.js';

/** The record of `session` where {@link makeSession} placed it. */
function recordFromSession(session: AgentSession, now: number): InstrumentationInstanceRecord | undefined {
  const location = locationOf(session);
  return location ? instanceRecordOf(session, location, now) : undefined;
}

describe('attribute stringification (odiglet ConvertAnyValueToString)', () => {
  it('writes strings as-is, ints in decimal and bools as true/false', () => {
    expect(fromModule(str('frontend'))).toBe('frontend');
    expect(fromModule(int(-9_007_199_254_740_993n))).toBe('-9007199254740993');
    expect(fromModule(bool(true))).toBe('true');
    expect(fromModule(bool(false))).toBe('false');
  });

  it("writes doubles in Go's shortest fixed form, never with an exponent", () => {
    const cases: [number, string][] = [
      [1.5, '1.5'],
      [3, '3'],
      [0.1, '0.1'],
      [1e21, '1000000000000000000000'],
      [1.5e-7, '0.00000015'],
      [-2.5e-10, '-0.00000000025'],
      [123456789.125, '123456789.125'],
      [0, '0'],
      [-0, '-0'],
      [Number.NaN, 'NaN'],
      [Number.POSITIVE_INFINITY, '+Inf'],
      [Number.NEGATIVE_INFINITY, '-Inf'],
    ];
    for (const [value, text] of cases) expect([value, formatGoFloatFixed(value)]).toEqual([value, text]);
    expect(fromModule(double(2.75))).toBe('2.75');
  });

  it('writes arrays, key-value lists, bytes and empty values as ""', () => {
    expect(fromModule({ value: { $case: 'arrayValue', value: { values: [str('a')] } } })).toBe('');
    expect(fromModule({ value: { $case: 'kvlistValue', value: { values: [kv('a', str('b'))] } } })).toBe('');
    expect(fromModule({ value: { $case: 'bytesValue', value: Buffer.from('x') } })).toBe('');
    expect(fromModule({})).toBe('');
    expect(fromModule(undefined)).toBe('');
  });
});

describe("Go's %v of JSON values (component status attributes)", () => {
  it('formats floats as %g with the shortest digits', () => {
    const cases: [number, string][] = [
      [1, '1'],
      [123456, '123456'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e300, '1.5e+300'],
      [-2.5, '-2.5'],
    ];
    for (const [value, text] of cases) expect([value, formatGoFloatV(value)]).toEqual([value, text]);
  });

  it('formats null, arrays and maps as fmt does', () => {
    expect(formatGoValue(null)).toBe('<nil>');
    expect(formatGoValue([1, 'a', true])).toBe('[1 a true]');
    expect(formatGoValue({ z: 1, a: { b: [2] } })).toBe('map[a:map[b:[2]] z:1]');
  });
});

describe('component status (Odigos JSON-status rule)', () => {
  it('turns a JSON object status into nonIdentifyingAttributes, keys sorted, values in %v form', () => {
    const component = componentFromHealth(
      'flask',
      health({ healthy: true, status: '{"is_standard_lib": false, "version": 2, "big": 1e6, "": "x"}' }),
    );
    expect(component).toEqual({
      name: 'flask',
      type: 'instrumentation',
      healthy: true,
      nonIdentifyingAttributes: [
        { key: 'big', value: '1e+06' },
        { key: 'is_standard_lib', value: 'false' },
        { key: 'version', value: '2' },
      ],
    });
  });

  it('keeps any other status as message with reason instrumentation.details', () => {
    for (const status of ['not json', '[1,2]', '"text"', '42', '{"n": 1e400}']) {
      expect(componentFromHealth('redis', health({ healthy: false, status }))).toEqual({
        name: 'redis',
        type: 'instrumentation',
        healthy: false,
        reason: 'instrumentation.details',
        message: status,
      });
    }
  });

  it('writes nothing more for an empty status, and no attributes for a JSON null', () => {
    expect(componentFromHealth('pg', health({ status: '' }))).toEqual({
      name: 'pg',
      type: 'instrumentation',
      healthy: true,
    });
    expect(componentFromHealth('pg', health({ status: 'null' }))).toEqual({
      name: 'pg',
      type: 'instrumentation',
      healthy: true,
      nonIdentifyingAttributes: [],
    });
  });
});

describe('truncateMessage', () => {
  it('cuts at 32768 code points, never inside a surrogate pair', () => {
    expect(truncateMessage('short')).toBe('short');
    expect(truncateMessage('x'.repeat(40_000))).toHaveLength(32_768);
    const emoji = '😀'.repeat(40_000);
    const cut = truncateMessage(emoji);
    expect([...cut]).toHaveLength(32_768);
    expect(cut).toBe('😀'.repeat(32_768));
  });
});

describe('instanceRecordOf', () => {
  it('maps location, stringified identifying attributes, health and components', () => {
    const session = makeSession({ podName: 'web-1', processId: 42, podUid: 'pod-uid' });
    session.status.description = {
      identifyingAttributes: [
        kv('service.name', str('web')),
        kv('process.vpid', int(42)),
        kv('', str('dropped')),
      ],
      nonIdentifyingAttributes: [kv('host.name', str('ignored'))],
    };
    session.status.health = health({
      healthy: false,
      status: 'AgentFailure',
      lastError: 'e'.repeat(33_000),
      componentHealthMap: { b: health({ status: 'plain' }), a: health({ status: '{"k":"v"}' }) },
    });
    const record = recordFromSession(session, 1_700_000_000_000);
    expect(record).toEqual({
      agentId: session.displayId,
      location: {
        namespace: 'shop',
        podName: 'web-1',
        podUid: 'pod-uid',
        containerName: 'app',
        processId: 42,
        workload: { kind: 'Deployment', name: 'frontend' },
      },
      identifyingAttributes: [
        { key: 'service.name', value: 'web' },
        { key: 'process.vpid', value: '42' },
      ],
      health: { healthy: false, reason: 'AgentFailure', message: 'e'.repeat(32_768) },
      components: [
        {
          name: 'a',
          type: 'instrumentation',
          healthy: true,
          nonIdentifyingAttributes: [{ key: 'k', value: 'v' }],
        },
        {
          name: 'b',
          type: 'instrumentation',
          healthy: true,
          reason: 'instrumentation.details',
          message: 'plain',
        },
      ],
      observedAt: 1_700_000_000_000,
    });
  });

  it('leaves out what the agent never reported, and components when the map is empty', () => {
    const session = makeSession();
    expect(recordFromSession(session, 1)).toEqual(
      expect.not.objectContaining({ identifyingAttributes: expect.anything(), health: expect.anything() }),
    );
    session.status.health = health({ status: 'Healthy' });
    expect(recordFromSession(session, 1)?.components).toBeUndefined();
  });

  it('keeps the location of an agent without a process id, without a processId', () => {
    const session = makeSession({ podName: 'web-1', containerName: 'worker', processId: undefined });
    expect(recordFromSession(session, 1)?.location).toEqual({
      namespace: 'shop',
      podName: 'web-1',
      containerName: 'worker',
      workload: { kind: 'Deployment', name: 'frontend' },
    });
  });
});

describe('record keys and names', () => {
  it('keys a record by pod and process, or by pod and container while the process id is unknown', () => {
    const where = { namespace: 'shop', podName: 'web-1', containerName: 'app' };
    expect(instanceRecordKey({ ...where, processId: 42 })).toBe('shop/web-1/42');
    expect(instanceRecordKey(where)).toBe('shop/web-1/container:app');
    // A container named like a pid never shares a key with that pid.
    expect(instanceRecordKey({ ...where, containerName: '42' })).not.toBe(
      instanceRecordKey({ ...where, processId: 42 }),
    );
  });

  it('names the object <pod>-<pid> as Odigos does, <pod>-<container> when the pid is unknown', () => {
    expect(instanceName({ podName: 'web-1', containerName: 'app', processId: 42 })).toBe('web-1-42');
    expect(instanceName({ podName: 'web-1', containerName: 'app' })).toBe('web-1-app');
  });
});

describe('InstrumentationInstanceMapping.recordOf', () => {
  it('is undefined for an agent the plugin did not place', () => {
    const mapping = new InstrumentationInstanceMapping(locationOf);
    const placed = makeSession({ processId: 5 });
    const unplaced = new AgentSession(Buffer.from('unplaced'), new FakeConnection('http'), 0);
    expect(mapping.recordOf(unplaced, 1)).toBeUndefined();
    expect(mapping.recordOf(placed, 1)?.location.processId).toBe(5);
  });
});
