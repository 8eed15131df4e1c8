/** One segment of a {@link CountsBar}. */
export interface Segment {
  label: string;
  count: number;
  kind: string;
}

/** Counts as a stacked bar with a legend that lists every number (the bar alone is decoration). */
export function CountsBar({ title, segments }: { title: string; segments: readonly Segment[] }) {
  const total = segments.reduce((sum, segment) => sum + segment.count, 0);
  return (
    <figure class="counts">
      <figcaption>{title}</figcaption>
      <div class="bar" aria-hidden="true">
        {segments
          .filter((segment) => segment.count > 0)
          .map((segment) => (
            <span
              key={segment.label}
              class={`fill-${segment.kind}`}
              style={{ width: `${(100 * segment.count) / Math.max(total, 1)}%` }}
            />
          ))}
      </div>
      <ul class="legend">
        {segments.map((segment) => (
          <li key={segment.label}>
            <span class={`dot fill-${segment.kind}`} aria-hidden="true" />
            {segment.label}: <strong>{segment.count}</strong>
          </li>
        ))}
      </ul>
    </figure>
  );
}
