/** Hand-written protobuf wire bytes, for inputs an encoder would never produce. */

/** A varint. */
export function varint(value: number | bigint): Buffer {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

/** The key of a field: `(number << 3) | wireType`. */
export const key = (field: number, wireType: number): Buffer => varint((field << 3) | wireType);

/** A length-delimited field. */
export const lengthDelimited = (field: number, payload: Buffer): Buffer =>
  Buffer.concat([key(field, 2), varint(payload.length), payload]);

/** A varint field. */
export const varintField = (field: number, value: number | bigint): Buffer =>
  Buffer.concat([key(field, 0), varint(value)]);

const nested = new Map<string, Buffer>();
const cached = (name: string, make: () => Buffer): Buffer => {
  let bytes = nested.get(name);
  if (!bytes) nested.set(name, (bytes = make()));
  return bytes;
};

/**
 * `leaf` wrapped `depth` times by `wrap(innerLength)`, which returns the bytes that precede a nested
 * message of that length. Built in one pass (wrapping by concatenation would copy O(depth²) bytes).
 */
function nest(leaf: Buffer, depth: number, wrap: (innerLength: number) => Buffer): Buffer {
  const prefixes: Buffer[] = [];
  let length = leaf.length;
  for (let i = 0; i < depth; i++) {
    const prefix = wrap(length);
    prefixes.push(prefix);
    length += prefix.length;
  }
  return Buffer.concat([...prefixes.reverse(), leaf]);
}

/**
 * An `AnyValue` nested `depth` times (array_value → values → AnyValue ...), as the value of a
 * `KeyValue` in `agent_description.identifying_attributes`, inside an AgentToServer with `uid`.
 */
export function anyValueDepthBomb(uid: Buffer, depth: number): Buffer {
  // AnyValue.array_value = 5 (ArrayValue); ArrayValue.values = 1 (AnyValue).
  const value = cached(`any:${depth}`, () =>
    nest(lengthDelimited(1, Buffer.from('leaf')), depth, (inner) => {
      const values = Buffer.concat([key(1, 2), varint(inner)]);
      return Buffer.concat([key(5, 2), varint(inner + values.length), values]);
    }),
  );
  const keyValue = Buffer.concat([lengthDelimited(1, Buffer.from('deep')), lengthDelimited(2, value)]);
  const description = lengthDelimited(1, keyValue);
  return Buffer.concat([lengthDelimited(1, uid), lengthDelimited(3, description)]);
}

/** A `ComponentHealth` whose `component_health_map` nests `depth` levels, inside an AgentToServer. */
export function healthDepthBomb(uid: Buffer, depth: number): Buffer {
  // ComponentHealth.component_health_map = 6 (map<string, ComponentHealth>: entry key 1, value 2).
  const mapKey = lengthDelimited(1, Buffer.from('c'));
  const health = cached(`health:${depth}`, () =>
    nest(varintField(1, 1), depth, (inner) => {
      const value = Buffer.concat([key(2, 2), varint(inner)]);
      const entryLength = mapKey.length + value.length + inner;
      return Buffer.concat([key(6, 2), varint(entryLength), mapKey, value]);
    }),
  );
  return Buffer.concat([lengthDelimited(1, uid), lengthDelimited(5, health)]);
}

/** Field `field` of an AgentToServer written with a wire type its schema does not use. */
export function wrongWireType(uid: Buffer, field: number, wireType: number, payload: Buffer): Buffer {
  let body: Buffer;
  switch (wireType) {
    case 0:
      body = Buffer.concat([key(field, 0), varint(payload.length * 1000 + 7)]);
      break;
    case 1:
      body = Buffer.concat([key(field, 1), Buffer.alloc(8, payload[0] ?? 1)]);
      break;
    case 5:
      body = Buffer.concat([key(field, 5), Buffer.alloc(4, payload[0] ?? 1)]);
      break;
    case 3:
    case 4:
      // Deprecated groups: a start group without an end, or an end without a start.
      body = Buffer.concat([key(field, wireType), payload]);
      break;
    default:
      body = lengthDelimited(field, payload);
  }
  return Buffer.concat([lengthDelimited(1, uid), body]);
}
