/**
 * Which optional routes this server has, read once from its OpenAPI document (`/api/docs-json`, public):
 * a node server may predate the event stream, only a hub lists nodes. Asking the document, not the route,
 * keeps the console free of 404s for routes the server does not have.
 */
let document: Promise<ReadonlySet<string>> | undefined;

function loadPaths(): Promise<ReadonlySet<string>> {
  document ??= fetch(new URL('/api/docs-json', window.location.origin))
    .then(async (response) => {
      if (!response.ok) return new Set<string>();
      const body = (await response.json()) as { paths?: Record<string, unknown> };
      return new Set(Object.keys(body.paths ?? {}));
    })
    .catch(() => new Set<string>());
  return document;
}

/** True when the server documents `path` (e.g. `/api/v1/events`). */
export async function serverHas(path: string): Promise<boolean> {
  return (await loadPaths()).has(path);
}
