/* Primer embeddable widget.
   <script src="https://primer.example/widget.js" data-primer-url="https://primer.example" defer></script>
   Adds one host element, <primer-widget id="primer-widget-host">, whose open shadow root holds all
   markup and styles: nothing else on the host page is touched. Talks to Primer with CORS and no
   cookies; a signed-in reader's tokens live in localStorage "primer-widget-auth".
   Optional: data-primer-container="ID" mounts the widget inside element ID instead of <body>
   (give that element `contain: layout paint` to keep the button and panel inside it), and
   data-primer-open="true" starts with the panel open (Primer's /widget page uses both).
   /widget.js is chat-core.js (window.PrimerChatCore: stream reader, answer renderer, source
   labels, error texts, shared with the site's chat) followed by this file. */
(function () {
  "use strict";

  if (document.getElementById("primer-widget-host")) return; // the script was included twice
  const Core = window.PrimerChatCore;
  if (!Core) return; // served without chat-core.js: nothing could work

  const AUTH_KEY = "primer-widget-auth";
  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const BASE = primerURL(script);
  /** How answers and sources link back to the book: absolute, in a new tab, with the widget's class names. */
  const RENDER = { base: BASE, newTab: true, citeClass: "pw-cite", mathClass: "pw-math", inlineMathClass: "pw-inline-math" };

  /** data-primer-url, else the origin the script was loaded from, without a trailing slash. */
  function primerURL(tag) {
    const configured = tag && tag.getAttribute("data-primer-url");
    if (configured) return configured.replace(/\/+$/, "");
    try {
      return new URL(tag.src, location.href).origin;
    } catch (_) {
      return location.origin;
    }
  }

  // ---------------------------------------------------------------------------
  // Markup and styles (inside the shadow root only)
  // ---------------------------------------------------------------------------

  const CSS = `
:host { all: initial; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.pw-root {
  --bg: #ffffff; --fg: #1f2328; --muted: #5b6470; --border: #d9dee4; --surface: #f5f7f9;
  --accent: #0b5cad; --accent-hover: #094b8e; --accent-fg: #ffffff; --accent-soft: #e5effa;
  --error: #b42318; --error-soft: #fdecea; --code-bg: #f2f4f6; --math-fg: #5a2d91;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--fg);
}
@media (prefers-color-scheme: dark) {
  .pw-root {
    --bg: #15181c; --fg: #e4e7eb; --muted: #9aa3ad; --border: #30363d; --surface: #1c2026;
    --accent: #71b3ff; --accent-hover: #9ccaff; --accent-fg: #0b1622; --accent-soft: #172a40;
    --error: #ff8a80; --error-soft: #3a1d1b; --code-bg: #1f242b; --math-fg: #d2a8ff;
  }
}
button, input, textarea { font: inherit; color: inherit; }
button {
  padding: 0.35em 0.75em; border: 1px solid var(--border); border-radius: 8px;
  background: var(--surface); color: var(--fg); cursor: pointer; line-height: 1.3;
}
button:disabled { opacity: 0.55; cursor: default; }
button[type="submit"], #pw-open { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
button[type="submit"]:hover, #pw-open:hover { background: var(--accent-hover); }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
input, textarea {
  width: 100%; padding: 0.45em 0.6em; border: 1px solid var(--border); border-radius: 8px;
  background: var(--bg); color: var(--fg);
}
#pw-open {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  padding: 0.7em 1.2em; border: 0; border-radius: 999px; font-weight: 600;
  box-shadow: 0 6px 24px rgba(15, 23, 42, 0.25);
}
#pw-panel {
  position: fixed; right: 20px; bottom: 76px; z-index: 2147483000;
  display: flex; flex-direction: column;
  /* Percentages of the containing block: the viewport, or a data-primer-container box. */
  width: 380px; max-width: calc(100% - 40px); height: min(600px, calc(100% - 100px));
  border: 1px solid var(--border); border-radius: 12px; overflow: hidden;
  background: var(--bg); box-shadow: 0 6px 24px rgba(15, 23, 42, 0.25);
}
.pw-header {
  display: flex; align-items: center; gap: 0.4rem; flex-wrap: wrap;
  padding: 0.55rem 0.7rem 0.55rem 1rem; border-bottom: 1px solid var(--border); background: var(--surface);
}
.pw-header strong { margin-right: auto; }
.pw-header button { padding: 0.2em 0.6em; font-size: 0.85em; }
#pw-close { border-color: transparent; background: transparent; font-size: 1.3em; line-height: 1; padding: 0.05em 0.45em; }
#pw-user { display: inline-flex; align-items: center; gap: 0.4rem; font-size: 0.85em; min-width: 0; }
#pw-user-email { max-width: 12em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--muted); }
#pw-signin { display: grid; gap: 0.5rem; padding: 0.8rem 1rem; border-bottom: 1px solid var(--border); }
#pw-signin label { display: grid; gap: 0.2rem; font-size: 0.85em; font-weight: 600; }
#pw-signin-error { margin: 0; color: var(--error); font-size: 0.85em; }
#pw-log { flex: 1 1 auto; min-height: 0; overflow-y: auto; margin: 0; padding: 1rem; list-style: none; }
#pw-log:empty::before {
  content: "Ask anything about the book. Answers cite the sections they come from.";
  display: block; padding: 2rem 1rem; color: var(--muted); text-align: center; font-size: 0.9em;
}
.pw-msg { margin: 0 0 0.8rem; overflow-wrap: anywhere; }
.pw-user {
  width: fit-content; max-width: 85%; margin-left: auto; padding: 0.45rem 0.75rem;
  border-radius: 12px 12px 2px 12px; background: var(--accent); color: var(--accent-fg); white-space: pre-wrap;
}
.pw-bot { padding: 0.6rem 0.8rem; border: 1px solid var(--border); border-radius: 12px 12px 12px 2px; background: var(--surface); }
.pw-answer p { margin: 0 0 0.55em; }
.pw-answer > :last-child { margin-bottom: 0; }
.pw-answer pre {
  overflow-x: auto; margin: 0 0 0.55em; padding: 0.55rem 0.7rem; border: 1px solid var(--border);
  border-radius: 8px; background: var(--code-bg); font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
.pw-answer ul, .pw-answer ol { margin: 0 0 0.55em; padding-left: 1.4em; }
.pw-answer ul { list-style: disc; }
.pw-answer ol { list-style: decimal; }
.pw-answer li + li { margin-top: 0.2em; }
.pw-answer :not(pre) > code {
  padding: 0.05em 0.3em; border-radius: 4px; background: var(--code-bg);
  font: 0.88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere;
}
.pw-answer pre code { font: inherit; white-space: pre; }
.pw-answer code.pw-inline-math { color: var(--math-fg); }
.pw-math {
  overflow-x: auto; margin: 0 0 0.55em; padding: 0.45rem 0.6rem; border-radius: 8px; background: var(--code-bg);
  color: var(--math-fg); font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; text-align: center; white-space: pre;
}
.pw-streaming .pw-answer:empty::before { content: "Thinking…"; color: var(--muted); }
a { color: var(--accent); }
a.pw-cite { font-size: 0.78em; font-weight: 600; vertical-align: 0.25em; line-height: 1; text-decoration: none; padding: 0 0.1em; }
.pw-personalised {
  display: inline-block; margin: 0.45rem 0 0; padding: 0.05rem 0.55rem; border-radius: 999px;
  background: var(--accent-soft); color: var(--accent); font-size: 0.75em; font-weight: 600;
}
.pw-personalised.pw-no { background: var(--border); color: var(--muted); }
.pw-sources { margin: 0.45rem 0 0; padding: 0.45rem 0 0 1.3rem; border-top: 1px solid var(--border); font-size: 0.8em; }
.pw-sources:empty { display: none; }
.pw-not-covered { border-style: dashed; }
.pw-coverage {
  display: inline-block; margin: 0 0 0.35rem; padding: 0.05rem 0.55rem; border-radius: 999px; border: 1px solid var(--border);
  color: var(--muted); font-size: 0.75em; font-weight: 600;
}
.pw-closest-label { margin: 0.45rem 0 0; color: var(--muted); font-size: 0.8em; }
.pw-closest-label + .pw-sources { border-top: 0; padding-top: 0.15rem; margin-top: 0.15rem; }
.pw-sources a { text-decoration: none; }
.pw-error { margin: 0.3rem 0 0; padding: 0.4rem 0.6rem; border-radius: 6px; background: var(--error-soft); color: var(--error); font-size: 0.88em; }
#pw-form { display: flex; align-items: flex-end; gap: 0.5rem; padding: 0.6rem 0.75rem 0.75rem; border-top: 1px solid var(--border); }
#pw-input { flex: 1 1 auto; resize: none; max-height: 9rem; }
#pw-send { flex: none; padding: 0.55em 1em; }
@media (max-width: 600px) {
  #pw-panel { inset: 0; width: 100%; max-width: none; height: 100%; border: 0; border-radius: 0; }
}
`;

  const HTML = `
<div class="pw-root">
  <button id="pw-open" type="button" aria-controls="pw-panel" aria-expanded="false">Ask the book</button>
  <section id="pw-panel" hidden aria-label="Ask the book">
    <div class="pw-header">
      <strong>Ask the book</strong>
      <button id="pw-signin-toggle" type="button" aria-controls="pw-signin" aria-expanded="false">Sign in</button>
      <span id="pw-user" hidden><span id="pw-user-email"></span><button id="pw-signout" type="button">Sign out</button></span>
      <button id="pw-close" type="button" aria-label="Close">×</button>
    </div>
    <form id="pw-signin" hidden>
      <label>Email <input id="pw-email" type="email" autocomplete="username" required></label>
      <label>Password <input id="pw-password" type="password" autocomplete="current-password" required></label>
      <button id="pw-signin-submit" type="submit">Sign in</button>
      <p id="pw-signin-error" role="alert" hidden></p>
    </form>
    <ol id="pw-log" aria-live="polite"></ol>
    <form id="pw-form">
      <textarea id="pw-input" rows="2" maxlength="2000" placeholder="Ask a question about the book" aria-label="Your question"></textarea>
      <button id="pw-send" type="submit">Ask</button>
    </form>
  </section>
</div>`;

  const host = document.createElement("primer-widget");
  host.id = "primer-widget-host";
  const shadow = host.attachShadow({ mode: "open" });
  addStyles(shadow);
  // Constant markup written by this file; server strings are only ever set as text.
  const template = document.createElement("template");
  template.innerHTML = HTML;
  shadow.appendChild(template.content);

  /** A constructable stylesheet survives host pages whose CSP blocks <style>; else a <style>. */
  function addStyles(rootNode) {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      rootNode.adoptedStyleSheets = [sheet];
    } catch (_) {
      const style = document.createElement("style");
      style.textContent = CSS;
      rootNode.appendChild(style);
    }
  }

  const $ = (id) => shadow.getElementById(id);
  const ui = {
    open: $("pw-open"), panel: $("pw-panel"), close: $("pw-close"), log: $("pw-log"),
    form: $("pw-form"), input: $("pw-input"), send: $("pw-send"),
    signinToggle: $("pw-signin-toggle"), signin: $("pw-signin"), email: $("pw-email"),
    password: $("pw-password"), signinSubmit: $("pw-signin-submit"), signinError: $("pw-signin-error"),
    user: $("pw-user"), userEmail: $("pw-user-email"), signout: $("pw-signout")
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // ---------------------------------------------------------------------------
  // Tokens
  // ---------------------------------------------------------------------------

  let auth = loadAuth();
  let conversationId = null;
  let refreshing = null; // the refresh request in flight, shared by concurrent callers

  function loadAuth() {
    try {
      const stored = JSON.parse(localStorage.getItem(AUTH_KEY) || "null");
      return stored && stored.access_token && stored.refresh_token ? stored : null;
    } catch (_) {
      return null;
    }
  }

  function saveAuth(value) {
    auth = value;
    try {
      if (value) localStorage.setItem(AUTH_KEY, JSON.stringify(value));
      else localStorage.removeItem(AUTH_KEY);
    } catch (_) { /* storage unavailable: tokens live for this page only */ }
    conversationId = null; // conversations belong to one reader
    renderAuth();
  }

  function request(path, body, token) {
    const headers = { "Content-Type": "application/json", "Accept": "text/event-stream, application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return fetch(BASE + path, {
      method: "POST", mode: "cors", credentials: "omit", headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body)
    });
  }

  /** Exchanges the refresh token once; resolves true when new tokens were stored. */
  function refreshTokens() {
    if (!refreshing) {
      const current = auth;
      refreshing = request("/api/v1/auth/refresh", { refresh_token: current.refresh_token })
        .then(async function (response) {
          if (!response.ok) return false;
          const data = await response.json();
          if (!data.access_token || !data.refresh_token) return false;
          saveAuthKeepingConversation({ access_token: data.access_token, refresh_token: data.refresh_token, email: current.email });
          return true;
        })
        .catch(() => false)
        .finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  function saveAuthKeepingConversation(value) {
    const keep = conversationId;
    saveAuth(value);
    conversationId = keep;
  }

  /**
   * POSTs with the bearer token when signed in. On a 401 the tokens are refreshed once and the
   * request retried; if the refresh fails the reader is signed out and, when `anonymousRetry`,
   * the request is sent once more without a token.
   */
  async function authedRequest(path, body, anonymousRetry) {
    if (!auth) return request(path, body);
    const response = await request(path, body, auth.access_token);
    if (response.status !== 401) return response;
    if (await refreshTokens()) return request(path, body, auth.access_token);
    saveAuth(null);
    return anonymousRetry ? request(path, body) : response;
  }

  // ---------------------------------------------------------------------------
  // Sign-in / sign-out
  // ---------------------------------------------------------------------------

  function renderAuth() {
    const signedIn = !!auth;
    ui.user.hidden = !signedIn;
    ui.userEmail.textContent = signedIn ? auth.email || "" : "";
    ui.signinToggle.hidden = signedIn;
    if (signedIn) setSigninOpen(false);
  }

  function setSigninOpen(open) {
    ui.signin.hidden = !open;
    ui.signinToggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) ui.email.focus();
  }

  async function signIn(event) {
    event.preventDefault();
    const email = ui.email.value.trim();
    ui.signinError.hidden = true;
    ui.signinSubmit.disabled = true;
    try {
      const response = await request("/api/v1/auth/signin", { email: email, password: ui.password.value });
      if (!response.ok) throw new Error(await Core.errorDetail(response));
      const data = await response.json();
      ui.password.value = "";
      saveAuth({
        access_token: data.access_token,
        refresh_token: data.refresh_token,
        email: (data.user && data.user.email) || email
      });
      ui.input.focus();
    } catch (error) {
      ui.signinError.textContent = error instanceof TypeError
        ? await Core.networkErrorText(BASE) : error.message || "Sign-in failed.";
      ui.signinError.hidden = false;
    } finally {
      ui.signinSubmit.disabled = false;
    }
  }

  async function signOut() {
    ui.signout.disabled = true;
    try {
      if (auth) await authedRequest("/api/v1/auth/signout", undefined, false);
    } catch (_) { /* forget the tokens anyway */ }
    ui.signout.disabled = false;
    saveAuth(null);
  }

  // ---------------------------------------------------------------------------
  // Answers (stream reading and rendering are PrimerChatCore's)
  // ---------------------------------------------------------------------------

  function finishAnswer(item, done) {
    const sources = Array.isArray(done.sources) ? done.sources : [];
    const notCovered = done.answered === false;
    // A refusal's sources are the closest sections, not citations.
    Core.renderAnswer(item.querySelector(".pw-answer"), done.answer, notCovered ? [] : sources, RENDER);
    if (notCovered) {
      item.classList.add("pw-not-covered");
      item.insertBefore(el("p", "pw-coverage", "Not in the book"), item.firstChild);
      if (sources.length) item.appendChild(el("p", "pw-closest-label", "Closest sections in the book:"));
    } else {
      item.appendChild(done.personalization_applied === true
        ? el("p", "pw-personalised", Core.personalisedLabel(done.personalized_for))
        : el("p", "pw-personalised pw-no", "General answer"));
    }
    const list = el("ol", notCovered ? "pw-sources pw-closest" : "pw-sources");
    Core.renderSources(list, sources, RENDER);
    item.appendChild(list);
    if (done.query_id) item.dataset.queryId = done.query_id;
    if (done.conversation_id) conversationId = done.conversation_id;
    item.classList.remove("pw-streaming");
    item.classList.add("done");
  }

  function failAnswer(item, detail) {
    const answer = item.querySelector(".pw-answer");
    if (answer && !answer.textContent.trim()) answer.remove();
    item.appendChild(el("p", "pw-error", detail || Core.errorText.generic));
    item.classList.remove("pw-streaming");
    item.classList.add("done");
  }

  async function ask(query) {
    ui.log.appendChild(el("li", "pw-msg pw-user", query));
    const item = el("li", "pw-msg pw-bot pw-streaming");
    const answer = el("div", "pw-answer");
    item.appendChild(answer);
    ui.log.appendChild(item);
    scrollToEnd();
    ui.send.disabled = true;

    const body = { query: query };
    if (conversationId) body.conversation_id = conversationId;
    let done = null;
    let error = null;
    try {
      const response = await authedRequest("/api/v1/query/stream", body, true);
      if (!response.ok || !response.body) {
        error = await Core.errorDetail(response);
      } else {
        const result = await Core.readAnswer(response, function (text, sources) {
          const nearEnd = isNearEnd();
          Core.renderAnswer(answer, text, sources, Object.assign({ streaming: true }, RENDER));
          if (nearEnd) scrollToEnd();
        });
        done = result.done;
        error = result.error;
      }
    } catch (failure) {
      // A refused CORS preflight looks like a network failure: ask the server which it was.
      error = failure instanceof TypeError ? await Core.networkErrorText(BASE) : Core.errorText.network;
    }
    if (error) failAnswer(item, error);
    else finishAnswer(item, done);
    ui.send.disabled = false;
    scrollToEnd();
  }

  /** Whether the log shows its end (then a growing answer keeps it there). */
  function isNearEnd() {
    return ui.log.scrollHeight - ui.log.scrollTop - ui.log.clientHeight < 40;
  }

  function scrollToEnd() {
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ---------------------------------------------------------------------------
  // Panel and wiring
  // ---------------------------------------------------------------------------

  function setOpen(open, focus) {
    ui.panel.hidden = !open;
    ui.open.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) scrollToEnd();
    if (focus !== false) (open ? ui.input : ui.open).focus();
  }

  ui.open.addEventListener("click", () => setOpen(ui.panel.hidden));
  ui.close.addEventListener("click", () => setOpen(false));
  ui.panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });
  ui.signinToggle.addEventListener("click", () => setSigninOpen(ui.signin.hidden));
  ui.signin.addEventListener("submit", signIn);
  ui.signout.addEventListener("click", signOut);
  ui.form.addEventListener("submit", function (event) {
    event.preventDefault();
    const query = ui.input.value.trim();
    if (!query || ui.send.disabled) return;
    ui.input.value = "";
    ask(query);
  });
  ui.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.form.requestSubmit ? ui.form.requestSubmit() : ui.form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  renderAuth();

  function mount() {
    const containerID = script && script.getAttribute("data-primer-container");
    const container = containerID ? document.getElementById(containerID) : null;
    (container || document.body).appendChild(host);
    if (script && script.getAttribute("data-primer-open") === "true") setOpen(true, false);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.PrimerWidget = {
    open: () => setOpen(true),
    close: () => setOpen(false)
  };
})();
