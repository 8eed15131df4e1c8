import { gzipSync } from 'node:zlib';
import { AgentToServer } from '../../../src/generated/opamp/v1/opamp.js';
import { type AnyValue, type KeyValue } from '../../../src/generated/opamp/v1/anyvalue.js';
import { type Prng } from './prng.js';
import { anyValueDepthBomb, healthDepthBomb, wrongWireType } from './protobuf-bytes.js';

/** One HTTP request to throw at the server. */
export interface HttpFuzzInput {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** One WebSocket message to throw at the server. */
export interface WsFuzzInput {
  readonly kind: string;
  readonly data: Buffer | string;
  readonly binary: boolean;
}

const PROTOBUF = 'application/x-protobuf';
const bombs = new Map<number, Buffer>();

/** Gzip of `mib` MiB of zeros (~1 KiB per MiB); made once per size, it takes a while to compress. */
function gzipBomb(mib: number): Buffer {
  let bomb = bombs.get(mib);
  if (!bomb) bombs.set(mib, (bomb = gzipSync(Buffer.alloc(mib * 1024 * 1024))));
  return bomb;
}

function uid(rng: Prng): Buffer {
  switch (rng.int(4)) {
    case 0:
      return Buffer.from(`0192a0e4-7c1e-7b3a-9a55-${rng.bytes(6).toString('hex')}`);
    case 1:
      return rng.bytes(rng.between(1, 64));
    default:
      return rng.bytes(16);
  }
}

function anyValue(rng: Prng, depth: number): AnyValue {
  switch (depth > 2 ? rng.int(4) : rng.int(6)) {
    case 0:
      return { value: { $case: 'stringValue', value: rng.bytes(rng.int(40)).toString('latin1') } };
    case 1:
      return { value: { $case: 'intValue', value: BigInt(rng.int(1_000_000)) - 500_000n } };
    case 2:
      return { value: { $case: 'boolValue', value: rng.chance(0.5) } };
    case 3:
      return { value: { $case: 'doubleValue', value: rng.next() * 1e6 } };
    case 4:
      return {
        value: {
          $case: 'arrayValue',
          value: { values: Array.from({ length: rng.int(4) }, () => anyValue(rng, depth + 1)) },
        },
      };
    default:
      return {
        value: {
          $case: 'kvlistValue',
          value: { values: Array.from({ length: rng.int(3) }, () => keyValue(rng, depth + 1)) },
        },
      };
  }
}

const keyValue = (rng: Prng, depth = 0): KeyValue => ({
  key: rng.pick(['service.name', 'k8s.pod.name', 'host.name', 'process.vpid', rng.bytes(8).toString('hex')]),
  value: anyValue(rng, depth),
});

/** A valid AgentToServer with random content. */
export function validMessage(rng: Prng, instanceUid = uid(rng)): Buffer {
  const message = AgentToServer.fromPartial({
    instanceUid,
    sequenceNum: BigInt(rng.int(1000)),
    capabilities: BigInt(rng.int(1 << 16)),
    flags: rng.chance(0.1) ? 1n : 0n,
    ...(rng.chance(0.6)
      ? {
          agentDescription: {
            identifyingAttributes: Array.from({ length: rng.int(6) }, () => keyValue(rng)),
            nonIdentifyingAttributes: Array.from({ length: rng.int(4) }, () => keyValue(rng)),
          },
        }
      : {}),
    ...(rng.chance(0.4)
      ? {
          health: {
            healthy: rng.chance(0.5),
            status: rng.pick(['Healthy', 'Starting', 'StatusOK', '']),
            lastError: rng.chance(0.3) ? 'boom' : '',
            componentHealthMap: rng.chance(0.5) ? { a: { healthy: true, status: 'ok' } } : {},
          },
        }
      : {}),
    ...(rng.chance(0.2)
      ? {
          effectiveConfig: {
            configMap: {
              configMap: { 'c.yaml': { body: rng.bytes(rng.int(200)), contentType: 'text/yaml' } },
            },
          },
        }
      : {}),
    ...(rng.chance(0.2)
      ? { remoteConfigStatus: { lastRemoteConfigHash: rng.bytes(32), status: rng.int(5) } }
      : {}),
    ...(rng.chance(0.1) ? { customCapabilities: { capabilities: ['io.example.x'] } } : {}),
    ...(rng.chance(0.1)
      ? { customMessage: { capability: 'io.example.x', type: 't', data: rng.bytes(10) } }
      : {}),
    ...(rng.chance(0.05) ? { agentDisconnect: {} } : {}),
  });
  return Buffer.from(AgentToServer.encode(message).finish());
}

/** Truncates, flips bits, inserts, deletes or duplicates bytes. */
export function mutate(rng: Prng, bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  switch (rng.int(5)) {
    case 0:
      return out.subarray(0, rng.int(out.length + 1));
    case 1: {
      for (let flips = rng.between(1, 8); flips > 0 && out.length > 0; flips--)
        out[rng.int(out.length)]! ^= 1 << rng.int(8);
      return out;
    }
    case 2: {
      const at = rng.int(out.length + 1);
      return Buffer.concat([out.subarray(0, at), rng.bytes(rng.between(1, 16)), out.subarray(at)]);
    }
    case 3: {
      const at = rng.int(out.length + 1);
      return Buffer.concat([out.subarray(0, at), out.subarray(at + rng.between(1, 16))]);
    }
    default: {
      const at = rng.int(out.length + 1);
      return Buffer.concat([out, out.subarray(at)]);
    }
  }
}

function depthBomb(rng: Prng): Buffer {
  const depth = rng.pick([60, 99, 100, 101, 500, 3000, 20_000]);
  return rng.chance(0.5) ? anyValueDepthBomb(uid(rng), depth) : healthDepthBomb(uid(rng), depth);
}

function wrongTypes(rng: Prng): Buffer {
  const field = rng.between(1, 16);
  return wrongWireType(uid(rng), field, rng.pick([0, 1, 2, 3, 4, 5, 6, 7]), rng.bytes(rng.int(20)));
}

/** An HTTP request: mostly protobuf bodies (valid, mutated, malformed, bombs), some odd requests. */
export function httpInput(rng: Prng, limitBytes: number, path = '/v1/opamp'): HttpFuzzInput {
  const post = (
    kind: string,
    body: Buffer,
    headers: Record<string, string> = { 'content-type': PROTOBUF },
  ) => ({
    kind,
    method: 'POST',
    path,
    headers,
    body,
  });
  const roll = rng.int(100);
  if (roll < 17) return post('valid', validMessage(rng));
  if (roll < 47) return post('mutated', mutate(rng, validMessage(rng)));
  if (roll < 55) return post('random-bytes', rng.bytes(rng.int(300)));
  if (roll < 63) return post('wrong-wire-type', wrongTypes(rng));
  if (roll < 68) return post('depth-bomb', depthBomb(rng));
  if (roll < 72)
    return post('oversized', Buffer.alloc(limitBytes + rng.between(1, limitBytes), rng.int(256)));
  if (roll < 79) {
    const gz = { 'content-type': PROTOBUF, 'content-encoding': rng.pick(['gzip', 'x-gzip', ' GZIP ']) };
    switch (rng.int(4)) {
      case 0:
        return post('gzip-bomb', gzipBomb(rng.pick([2, 8, 32])), gz);
      case 1:
        return post('gzip-invalid', mutate(rng, gzipSync(validMessage(rng))), gz);
      case 2:
        return post('gzip-random', rng.bytes(rng.int(100)), gz);
      default:
        return post('gzip-valid', gzipSync(validMessage(rng)), gz);
    }
  }
  if (roll < 89) {
    const headers: Record<string, string> = {};
    const type = rng.pick([
      'application/json',
      '',
      'text/plain',
      ' application/x-protobuf ; charset=x',
      'APPLICATION/X-PROTOBUF',
      'application/x-protobuf, application/json',
      '\t',
    ]);
    if (type !== '') headers['content-type'] = type;
    if (rng.chance(0.5))
      headers['content-encoding'] = rng.pick([
        'br',
        'deflate',
        'gzip, gzip',
        'identity',
        '*',
        'x'.repeat(200),
      ]);
    if (rng.chance(0.3)) headers['accept-encoding'] = rng.pick(['gzip;q=0', '*', 'gzip;q=abc', ',,,', 'br']);
    if (rng.chance(0.2)) headers[`x-${rng.bytes(4).toString('hex')}`] = rng.bytes(20).toString('hex');
    return post('bad-headers', rng.chance(0.5) ? validMessage(rng) : mutate(rng, validMessage(rng)), headers);
  }
  if (roll < 95) {
    return {
      kind: 'other-method',
      method: rng.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO', 'TRACE']),
      path,
      headers: { 'content-type': PROTOBUF },
      body: rng.chance(0.5) ? validMessage(rng) : Buffer.alloc(0),
    };
  }
  return {
    kind: 'other-path',
    method: 'POST',
    path: rng.pick([
      `${path}/`,
      `${path}?x=1`,
      `${path}?`,
      '/v1/opamp2',
      '/',
      `${path}%00`,
      `${path}/../opamp`,
    ]),
    headers: { 'content-type': PROTOBUF },
    body: validMessage(rng),
  };
}

/** A WebSocket message: framed protobuf (valid, mutated, malformed, bombs), bad headers, text, oversized. */
export function wsInput(rng: Prng, limitBytes: number): WsFuzzInput {
  const framed = (kind: string, payload: Buffer, header: Buffer = Buffer.from([0])): WsFuzzInput => ({
    kind,
    data: Buffer.concat([header, payload]),
    binary: true,
  });
  const roll = rng.int(100);
  if (roll < 20) return framed('valid', validMessage(rng));
  if (roll < 50) return framed('mutated', mutate(rng, validMessage(rng)));
  if (roll < 58) return framed('wrong-wire-type', wrongTypes(rng));
  if (roll < 63) return framed('depth-bomb', depthBomb(rng));
  if (roll < 73) {
    const header = rng.pick([
      Buffer.from([1]),
      Buffer.from([0x80, 0x00]),
      Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      Buffer.from([0x80]),
      Buffer.alloc(0),
      Buffer.from([0x0a]),
    ]);
    return framed('bad-ws-header', validMessage(rng), header);
  }
  if (roll < 80) return { kind: 'text-frame', data: rng.bytes(rng.int(100)).toString('hex'), binary: false };
  if (roll < 84) return { kind: 'empty-frame', data: Buffer.alloc(0), binary: true };
  if (roll < 87) return framed('oversized', Buffer.alloc(limitBytes + rng.between(1, 1024), rng.int(256)));
  return { kind: 'random-bytes', data: rng.bytes(rng.int(200)), binary: true };
}
