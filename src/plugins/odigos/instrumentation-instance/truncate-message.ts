import { MESSAGE_MAX_LENGTH } from './instrumentation-instance.constants.js';

/** `text` cut to the CRD's `maxLength` of 32768 characters (counted as Kubernetes does, in code points). */
export function truncateMessage(text: string): string {
  if (text.length <= MESSAGE_MAX_LENGTH) return text;
  let count = 0;
  let end = 0;
  for (const char of text) {
    if (count === MESSAGE_MAX_LENGTH) break;
    end += char.length;
    count++;
  }
  return text.slice(0, end);
}
