import { type AnyValue, type KeyValue } from '../../generated/opamp/v1/anyvalue.js';

/** A JSON value: what every API response is made of (no bigints, no buffers). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** An int64: a number when it is exactly representable, its decimal text otherwise. */
export function renderInt(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

/** An OTLP AnyValue as plain JSON (bytes as base64 text). */
export function renderAnyValue(value: AnyValue | undefined): Json {
  const v = value?.value;
  switch (v?.$case) {
    case undefined:
      return null;
    case 'stringValue':
    case 'boolValue':
    case 'doubleValue':
      return v.value;
    case 'intValue':
      return renderInt(v.value);
    case 'bytesValue':
      return Buffer.from(v.value).toString('base64');
    case 'arrayValue':
      return v.value.values.map(renderAnyValue);
    case 'kvlistValue':
      return renderAttributes(v.value.values);
  }
}

/** Attributes as a key → value object (a repeated key keeps its last value). */
export function renderAttributes(attributes: readonly KeyValue[] | undefined): Record<string, Json> {
  const rendered: Record<string, Json> = {};
  for (const { key, value } of attributes ?? []) rendered[key] = renderAnyValue(value);
  return rendered;
}
