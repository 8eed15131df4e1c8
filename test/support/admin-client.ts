/** A JSON object from the admin API. */
export type JsonObject = Record<string, unknown>;

/** One answer of the admin API. */
export interface AdminResponse<T = JsonObject> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON. */
  body: T;
}

/** Calls the admin API: `adminCall(server.adminUrl, 'PUT', '/api/v1/configs/x', { files }, token)`. */
export async function adminCall<T = JsonObject>(
  adminUrl: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<AdminResponse<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${adminUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

/** A config body of one text file. */
export const oneFileConfig = (body: string, file = 'config.yaml', contentType = 'text/yaml'): JsonObject => ({
  files: { [file]: { body, contentType } },
});
