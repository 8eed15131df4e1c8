import { ownBytes } from './own-bytes.js';
import { RecentStrings } from './recent-strings.js';

/**
 * Strings interned lately: a lookup here is cheaper than interning again (an object and an array per
 * string), and the status fields agents report alike repeat. Bounded in characters (16 Ki, about 100 KiB
 * with the map), since what it holds stays alive until it is emptied: a count bound let churning pod names
 * or random text keep megabytes.
 */
const recentlyInterned = new RecentStrings(16 * 1024, 128);

/**
 * The one copy of a string that V8 keeps in its string table (an object's property names live there).
 * A string decoded from a message is a copy of its own, so the `service.name`, `linux` and `StatusOK` of
 * thousands of agents' statuses would be thousands of copies; interned, they are one. V8's string table
 * holds its strings weakly: a string no agent reports any more is collected as before.
 */
export function internString(value: string): string {
  const known = recentlyInterned.get(value);
  if (known !== undefined) return known;
  // A string that is an array index ("42") becomes an element, not a name: kept as it is.
  const interned = Object.keys({ [value]: 0 })[0] ?? value;
  recentlyInterned.remember(interned);
  return interned;
}

/** Byte arrays up to this size are shared by content; a larger one gets a copy of its own. */
export const MAX_SHARED_BYTES = 64 * 1024;

/**
 * One copy of each distinct byte content stored for long (an effective config's body, a config hash):
 * agents that report the same config share one Buffer. Entries are held weakly, so a content no status
 * holds any more is collected, and its entry with it. The Buffers handed out are shared: never written to.
 */
export class SharedBytes {
  private readonly copies = new Map<string, WeakRef<Buffer>>();
  private readonly collected = new FinalizationRegistry<string>((key) => {
    if (this.copies.get(key)?.deref() === undefined) this.copies.delete(key);
  });

  /** Distinct contents held now (collected ones may linger until the finalizer runs). */
  get size(): number {
    return this.copies.size;
  }

  /** The shared copy of `bytes`' content: an existing one, or a new copy in memory of its own. */
  share(bytes: Uint8Array): Buffer {
    if (bytes.byteLength > MAX_SHARED_BYTES) return ownBytes(bytes);
    const key = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const existing = this.copies.get(key)?.deref();
    if (existing) return existing;
    const copy = ownBytes(bytes);
    this.copies.set(key, new WeakRef(copy));
    this.collected.register(copy, key);
    return copy;
  }
}

// Process-wide, as V8's string table is: statuses of every module share it, and it holds nothing strongly.
const sharedBytes = new SharedBytes();

/**
 * Readies a decoded message tree to be stored for long (an agent's status), in place, and returns it:
 * every string is interned ({@link internString}) unless `internStrings` is false, and every byte array
 * shared by content ({@link SharedBytes}), so that what thousands of agents report alike is kept once. The
 * tree must not be written to afterwards. Not for a message handled and dropped.
 */
export function compactForStorage<T>(value: T, internStrings = true, bytes: SharedBytes = sharedBytes): T {
  if (typeof value === 'string') return (internStrings ? internString(value) : value) as T;
  if (value instanceof Uint8Array) return bytes.share(value) as T;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = compactForStorage(value[i], internStrings, bytes);
    return value;
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const field = record[key];
      if (typeof field === 'object' && field !== null) {
        record[key] = compactForStorage(field, internStrings, bytes);
      } else if (internStrings && typeof field === 'string') record[key] = internString(field);
    }
  }
  return value;
}
