/**
 * The query every node is asked: the caller's filters, sort, order and cursor passed through unchanged
 * (a cursor is a position in the order, the same on every node), and `limit`.
 */
export function nodeListQuery(raw: Record<string, unknown>, limit: number): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'limit') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  params.set('limit', String(limit));
  return params;
}
