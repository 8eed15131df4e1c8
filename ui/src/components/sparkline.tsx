/** A series of counts over time as a small line, with its first and last value in words. */
export function Sparkline({ label, values }: { label: string; values: readonly number[] }) {
  const width = 160;
  const height = 32;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map(
    (value, i) => `${(i * step).toFixed(1)},${(height - (value / max) * height).toFixed(1)}`,
  );
  const first = values[0] ?? 0;
  const last = values.at(-1) ?? 0;
  return (
    <div class="spark">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`${label}: ${first} then ${last}`}
      >
        <polyline points={points.join(' ')} fill="none" stroke="currentColor" stroke-width="2" />
        {points.length > 0 && (
          <circle
            cx={points.at(-1)!.split(',')[0]}
            cy={points.at(-1)!.split(',')[1]}
            r="3"
            fill="currentColor"
          />
        )}
      </svg>
      <span>
        {label}: {first} → {last}
      </span>
    </div>
  );
}
