/**
 * The query to ask every node for the page after `after`: the caller's filters passed through unchanged
 * (`attr.*`, `health`, ...), `limit`, and the node cursor resuming after that agent.
 */
export function nodeListQuery(
  raw: Record<string, unknown>,
  limit: number,
  nodeCursor: string | undefined,
): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'cursor' || name === 'limit') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, String(one));
  }
  params.set('limit', String(limit));
  if (nodeCursor !== undefined) params.set('cursor', nodeCursor);
  return params;
}
