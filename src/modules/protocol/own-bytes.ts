/**
 * A copy of `bytes` in memory of its own. Small Buffers (a decoded uid or hash among them) are slices of
 * Node's shared 8 KiB pool, and a slice kept for an agent's lifetime keeps its whole slab alive.
 */
export function ownBytes(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

/**
 * Gives every byte array in a decoded message tree memory of its own ({@link ownBytes}), in place, and
 * returns the tree: for values stored for long (an agent's status), not for a message handled and dropped.
 */
export function detachBytes<T>(value: T): T {
  if (value instanceof Uint8Array) {
    return (value.byteLength === value.buffer.byteLength ? value : ownBytes(value)) as T;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = detachBytes(value[i]);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const field = record[key];
      if (typeof field === 'object' && field !== null) record[key] = detachBytes(field);
    }
  }
  return value;
}
