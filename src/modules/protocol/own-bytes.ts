/**
 * A copy of `bytes` in memory of its own. Small Buffers (a decoded uid or hash among them) are slices of
 * Node's shared 8 KiB pool, and a slice kept for an agent's lifetime keeps its whole slab alive.
 */
export function ownBytes(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
