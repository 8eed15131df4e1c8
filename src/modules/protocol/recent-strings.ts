/**
 * A memo of strings seen lately, bounded by the characters it holds rather than by entries, so that what it
 * keeps alive is small whatever the strings (a fleet that churns pod names, a fuzzer's random text): it is
 * emptied when the next string would take it over its budget.
 */
export class RecentStrings {
  private readonly known = new Map<string, string>();
  private heldChars = 0;

  /**
   * @param maxChars characters held at most, summed over the strings
   * @param maxLength longer strings are never remembered
   */
  constructor(
    private readonly maxChars: number,
    private readonly maxLength: number,
  ) {}

  /** Distinct strings held now. */
  get size(): number {
    return this.known.size;
  }

  /** Characters held now. */
  get chars(): number {
    return this.heldChars;
  }

  get(value: string): string | undefined {
    return this.known.get(value);
  }

  /** Remembers `value` unless it is too long; empties the memo first when `value` would not fit. */
  remember(value: string): void {
    if (value.length > this.maxLength || this.known.has(value)) return;
    if (this.heldChars + value.length > this.maxChars) {
      this.known.clear();
      this.heldChars = 0;
    }
    this.known.set(value, value);
    this.heldChars += value.length;
  }
}
