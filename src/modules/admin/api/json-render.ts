import { type AgentConfigMap, type ComponentHealth } from '../../../generated/opamp/v1/opamp.js';
import { type Json, renderAttributes, renderAnyValue, renderInt } from '../../protocol/index.js';

export { type Json, renderAttributes, renderAnyValue, renderInt };

/** Bytes as JSON: UTF-8 text when the bytes are printable text, base64 otherwise. */
export interface RenderedBytes {
  readonly encoding: 'utf8' | 'base64';
  readonly body: string;
}

/** Printable text: no control characters other than tab, newline and carriage return. */
function isPrintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return false;
  }
  return true;
}

export function renderBytes(bytes: Uint8Array): RenderedBytes {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = buffer.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(buffer) && isPrintable(text)) return { encoding: 'utf8', body: text };
  return { encoding: 'base64', body: buffer.toString('base64') };
}

/** Unix nanoseconds as an ISO 8601 time; null for 0 (unset). */
export function renderUnixNano(nanos: bigint): string | null {
  return nanos === 0n ? null : new Date(Number(nanos / 1_000_000n)).toISOString();
}

/** A health tree with times as ISO text. */
export function renderHealth(health: ComponentHealth): Json {
  return {
    healthy: health.healthy,
    status: health.status,
    lastError: health.lastError,
    startTime: renderUnixNano(health.startTimeUnixNano),
    statusTime: renderUnixNano(health.statusTimeUnixNano),
    attributes: renderAttributes(health.attributes),
    components: Object.fromEntries(
      Object.entries(health.componentHealthMap).map(([name, component]) => [name, renderHealth(component)]),
    ),
  };
}

/** Config files as `{ name: { contentType, encoding, body } }`. */
export function renderConfigFiles(
  files: Readonly<Record<string, { body: Uint8Array; contentType: string }>> | undefined,
): Record<string, Json> {
  const rendered: Record<string, Json> = {};
  for (const [name, file] of Object.entries(files ?? {})) {
    rendered[name] = { contentType: file.contentType, ...renderBytes(file.body) };
  }
  return rendered;
}

/** An AgentConfigMap's files. */
export const renderConfigMap = (map: AgentConfigMap | undefined): Record<string, Json> =>
  renderConfigFiles(map?.configMap);

/** A hash as lower-case hex; null when empty. */
export const renderHash = (hash: Uint8Array | undefined): string | null =>
  hash && hash.length > 0 ? Buffer.from(hash).toString('hex') : null;
