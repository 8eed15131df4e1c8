import { signal } from '@preact/signals';
import { authorizedFetch } from './api/admin-client.js';
import { serverHas } from './api/server-features.js';

/** How the UI hears of changes: the server's event stream, or polling when the server has none. */
export const liveMode = signal<'events' | 'polling' | 'connecting'>('connecting');

/** Bumped on every change the server announces (or every poll): pages reload what they show. */
export const changes = signal(0);

const POLL_MS = 3000;
const RETRY_MS = 5000;

/**
 * Follows `GET /api/v1/events` (Server-Sent Events, read with fetch so the bearer token is sent); when the
 * server does not document it, ticks every few seconds instead.
 */
export function startLiveUpdates(): void {
  void follow();
}

async function follow(): Promise<void> {
  if (!(await serverHas('/api/v1/events'))) {
    liveMode.value = 'polling';
    setInterval(() => changes.value++, POLL_MS);
    return;
  }
  for (;;) {
    let response: Response | undefined;
    try {
      response = await authorizedFetch('/api/v1/events', { headers: { accept: 'text/event-stream' } });
    } catch {
      response = undefined;
    }
    if (response?.ok && response.body) {
      liveMode.value = 'events';
      await readEvents(response.body);
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
}

async function readEvents(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  let pending: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      const events = buffered.split('\n\n');
      buffered = events.pop() ?? '';
      // Coalesce bursts (a rollout to thousands of agents) into one reload per 250 ms.
      if (events.some((event) => event.split('\n').some((line) => line.startsWith('data:'))) && !pending) {
        pending = setTimeout(() => {
          pending = undefined;
          changes.value++;
        }, 250);
      }
    }
  } catch {
    // The stream broke: reconnect.
  }
}
