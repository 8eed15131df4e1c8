/**
 * Whether an `Accept-Encoding` header allows a gzip reply (RFC 9110 §12.5.3): `gzip` or `*` with a
 * non-zero quality, unless gzip itself is listed with q=0.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  let gzipQ: number | undefined;
  let wildcardQ: number | undefined;
  for (const part of value.split(',')) {
    const [rawCoding, ...params] = part.split(';');
    const coding = rawCoding!.trim().toLowerCase();
    if (coding !== 'gzip' && coding !== 'x-gzip' && coding !== '*') continue;
    let q = 1;
    for (const param of params) {
      const [name, raw] = param.split('=');
      if (name?.trim().toLowerCase() === 'q' && raw !== undefined) {
        const parsed = Number(raw.trim());
        q = Number.isFinite(parsed) ? parsed : 0;
      }
    }
    if (coding === '*') wildcardQ = q;
    else gzipQ = Math.max(gzipQ ?? 0, q);
  }
  return (gzipQ ?? wildcardQ ?? 0) > 0;
}
