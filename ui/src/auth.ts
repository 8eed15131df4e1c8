import { signal } from '@preact/signals';

const STORAGE_KEY = 'opamp-nest.admin-token';

function stored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The admin token the API calls send; kept for this browser tab only (sessionStorage). */
export const adminToken = signal<string | null>(stored());

/** True when the API answered 401: the shell then shows the sign-in form instead of the page. */
export const signInRequired = signal(false);

/** Why the last sign-in did not work, if it did not. */
export const signInError = signal<string | null>(null);

export function signIn(token: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // Private modes may refuse storage: the token then lasts until the page reloads.
  }
  adminToken.value = token;
  signInRequired.value = false;
  signInError.value = null;
}

export function signOut(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
  adminToken.value = null;
}
