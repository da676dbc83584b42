// Sign-in: paste an API key. The key is checked against the API before it is kept.
import { useState } from "preact/hooks";

export function SignIn(props: { error: string | null; busy: boolean; onSubmit: (key: string) => void }) {
  const [key, setKey] = useState("");
  return (
    <form class="card signin" aria-labelledby="signin-title" onSubmit={(e) => { e.preventDefault(); props.onSubmit(key.trim()); }}>
      <h2 id="signin-title">Sign in</h2>
      <p>Paste an API key (<code>sk_…</code>). It stays in this browser's storage; <code>npm start</code> prints a link that signs you in.</p>
      <label for="api-key">API key</label>
      <input id="api-key" type="password" autoComplete="off" spellcheck={false} value={key} onInput={(e) => setKey(e.currentTarget.value)} required />
      <button type="submit" disabled={props.busy || key.trim() === ""}>{props.busy ? "Checking…" : "Sign in"}</button>
      {props.error && <p role="alert" class="error">{props.error}</p>}
    </form>
  );
}
