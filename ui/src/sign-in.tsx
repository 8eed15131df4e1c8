import { useState } from 'preact/hooks';
import { signIn, signInError } from './auth.js';

/** Shown when the API answers 401: asks for ADMIN_TOKEN, kept for this tab only. */
export function SignIn() {
  const [token, setToken] = useState('');
  return (
    <section class="sign-in card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p>This server's admin API needs its token (the server's ADMIN_TOKEN setting).</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (token) signIn(token);
        }}
      >
        <div class="field">
          <label for="admin-token">Admin token</label>
          <input
            id="admin-token"
            type="password"
            autocomplete="current-password"
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
            required
          />
        </div>
        {signInError.value && (
          <p class="error" role="alert">
            {signInError.value}
          </p>
        )}
        <button type="submit">Sign in</button>
      </form>
      <p class="muted">The token is kept in this tab's session storage and sent only to this server.</p>
    </section>
  );
}
