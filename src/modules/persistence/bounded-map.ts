/**
 * A Map that forgets its least recently written entries past `limit`. Used for caches whose loss only costs
 * an extra read: records kept after their agent left (and later removed by the pod's garbage collection)
 * would otherwise accumulate for the life of the process.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.limit) {
      const oldest = this.keys().next();
      if (!oldest.done) super.delete(oldest.value);
    }
    return this;
  }
}
