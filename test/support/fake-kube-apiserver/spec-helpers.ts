import { ApiException } from '@kubernetes/client-node';
import { isRecord, type KubeObject } from './kube-object.js';
import { type KubeStatus } from './status.js';

/** Awaits `promise`, expecting the client to reject it with an `ApiException`. */
export async function apiError(promise: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) return error as ApiException<unknown>;
    throw error;
  }
  throw new Error('expected the API call to fail');
}

/** Awaits `promise`, expecting it to reject with anything; returns the rejection. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** The `Status` object carried by an `ApiException` (client-node keeps the body as text). */
export function statusOf(error: ApiException<unknown>): KubeStatus {
  const parsed: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
  if (!isRecord(parsed) || parsed.kind !== 'Status')
    throw new Error(`not a Status body: ${String(error.body)}`);
  return parsed as unknown as KubeStatus;
}

/** Polls `condition` every few milliseconds until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Narrows a client-node `any` result to a `KubeObject`. */
export function asObject(value: unknown): KubeObject {
  if (!isRecord(value)) throw new Error('expected an object');
  return value;
}

/** Reads `object.a.b.c`. */
export function field(object: unknown, path: string): unknown {
  let current = object;
  for (const key of path.split('.')) current = isRecord(current) ? current[key] : undefined;
  return current;
}
