/* Primer — the chat client core shared by the site's chat panel (site.js, loaded as
   /assets/chat-core.js before it) and the embeddable widget (served with widget.js as one
   /widget.js). It reads answer streams, turns answer text into DOM, labels sources and says
   what went wrong, and defines nothing but window.PrimerChatCore.
   Everything it builds is made with the container's own document (so it works in a page and
   in a shadow root) and server text is only ever set as text: never innerHTML. */
(function () {
  "use strict";

  // ---------------------------------------------------------------------------
  // Error texts
  // ---------------------------------------------------------------------------

  /** What the reader is told when something fails; one wording for the site and the widget. */
  const errorText = Object.freeze({
    network: "Could not reach Primer. Check your connection and try again.",
    interrupted: "The answer was interrupted. Please try again.",
    generic: "Something went wrong. Please try again.",
    tooManyRequests: "Too many requests. Please wait a moment and try again.",
    /** A non-2xx answer without a usable `detail`. */
    http: function (status) {
      return status === 429 ? errorText.tooManyRequests : "Something went wrong (HTTP " + status + "). Please try again.";
    },
    /** The page embedding the widget is on an origin this server does not allow. */
    originNotAllowed: function (origin) {
      return "This site isn't allowed to use this Primer server: add " + origin + " to CORS_ORIGINS";
    }
  });

  /** The `detail` of a non-2xx JSON error response, or a text for its status. */
  async function errorDetail(response) {
    try {
      const data = await response.json();
      if (data && typeof data.detail === "string" && data.detail) return data.detail;
    } catch (_) { /* not JSON */ }
    return errorText.http(response.status);
  }

  /**
   * Why a request to `base` failed at the network level (fetch threw a TypeError). Browsers
   * hide a refused CORS preflight from scripts, so this asks the server's
   * /api/v1/widget/origin, which any origin may read, whether this page's origin is allowed:
   * if not, the CORS_ORIGINS text; otherwise (or if that fails too) the connection text.
   */
  async function networkErrorText(base) {
    try {
      const response = await fetch((base || "") + "/api/v1/widget/origin",
        { method: "GET", mode: "cors", credentials: "omit", cache: "no-store" });
      if (response.ok) {
        const data = await response.json();
        if (data && data.allowed === false) {
          const origin = typeof data.origin === "string" && data.origin && data.origin !== "null" ? data.origin : location.origin;
          return errorText.originNotAllowed(origin);
        }
      }
    } catch (_) { /* the server is unreachable as well */ }
    return errorText.network;
  }

  // ---------------------------------------------------------------------------
  // Server-sent events over fetch
  // ---------------------------------------------------------------------------

  /**
   * Reads a text/event-stream response body and calls onEvent(name, data) per event, `data`
   * being the parsed JSON (or the raw string when it isn't JSON). Lines may end in "\r\n",
   * "\n" or "\r", and events may be split anywhere across network chunks (even between the
   * "\r" and "\n" of one line end), so text is buffered until a blank line ends an event.
   * Comments (": keep-alive"), `id:` and `retry:` are skipped. Resolves when the stream ends.
   */
  async function readStream(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let pendingCR = false; // a chunk ended in "\r" that may be the first half of "\r\n"

    function feed(text) {
      if (pendingCR) { text = "\r" + text; pendingCR = false; }
      if (text.endsWith("\r")) { pendingCR = true; text = text.slice(0, -1); }
      buffer += text.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatchFrame(frame, onEvent);
      }
    }

    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      feed(decoder.decode(value, { stream: true }));
    }
    feed(decoder.decode());
    if (pendingCR) { pendingCR = false; buffer += "\n"; }
    if (buffer.trim()) dispatchFrame(buffer, onEvent); // a last event without the closing blank line
  }

  /** Parses one event ("event: x\ndata: …") and hands it to onEvent. */
  function dispatchFrame(frame, onEvent) {
    let name = "message";
    const data = [];
    for (const line of frame.split("\n")) {
      if (!line || line.startsWith(":")) continue; // comment / keep-alive
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") name = value || "message";
      else if (field === "data") data.push(value);
    }
    if (!data.length) return;
    const raw = data.join("\n");
    let parsed;
    try { parsed = JSON.parse(raw); } catch (_) { parsed = raw; }
    onEvent(name, parsed);
  }

  /**
   * Reads a `POST /api/v1/query/stream` answer. `onUpdate(text, sources)` runs as `sources`
   * and `delta` events arrive, at most once per animation frame however fast they come.
   * Resolves to {text, sources, done, error}: `done` is the final answer (its `answer` and
   * `sources` filled from the stream when missing) or null; `error` a text for the reader
   * when the stream sent `error` or ended before `done`, else null.
   */
  async function readAnswer(response, onUpdate) {
    let text = "";
    let sources = [];
    let done = null;
    let error = null;
    let frame = 0;
    const schedule = typeof requestAnimationFrame === "function" ? requestAnimationFrame : (f) => setTimeout(f, 16);
    const cancel = typeof cancelAnimationFrame === "function" ? cancelAnimationFrame : clearTimeout;

    function update() {
      if (frame || !onUpdate) return;
      frame = schedule(function () {
        frame = 0;
        if (!done && !error) onUpdate(text, sources);
      });
    }

    try {
      await readStream(response, function (name, data) {
        if (done || error) return;
        if (name === "sources" && Array.isArray(data)) {
          sources = data;
          update();
        } else if (name === "delta" && data && typeof data.text === "string") {
          text += data.text;
          update();
        } else if (name === "done" && data && typeof data === "object") {
          done = data;
          if (typeof done.answer !== "string") done.answer = text;
          if (!Array.isArray(done.sources)) done.sources = sources;
        } else if (name === "error") {
          error = (data && typeof data.detail === "string" && data.detail) || (typeof data === "string" && data) || errorText.generic;
        }
      });
    } finally {
      if (frame) { cancel(frame); frame = 0; }
    }
    if (!done && !error) error = errorText.interrupted;
    return { text: text, sources: sources, done: error ? null : done, error: error };
  }

  // ---------------------------------------------------------------------------
  // Sources and labels
  // ---------------------------------------------------------------------------

  /**
   * The href for a source's page_url: an http(s) URL as is, a site path ("/book/…") as is or,
   * with `base` (the widget), made absolute on it; "" for anything else.
   */
  function sourceHref(url, base) {
    if (typeof url !== "string" || !url) return "";
    if (/^https?:\/\//i.test(url)) return url;
    if (!/^\/(?!\/)/.test(url)) return "";
    return (base || "") + url;
  }

  /** "Page › Section", or the page alone when the section is the page (or missing). */
  function sourceLabel(source) {
    const title = (source && (source.page_title || source.page_url)) || "Source";
    return source && source.section && source.section !== title ? title + " › " + source.section : title;
  }

  /**
   * "Personalised for a Beginner · interests: drones, humanoids" from an answer's
   * `personalized_for` ({level, interests}); answers stored before it existed have none.
   */
  function personalisedLabel(who) {
    if (!who || typeof who.level !== "string") return "Personalised for your background";
    const level = { beginner: "a Beginner", intermediate: "an Intermediate reader", advanced: "an Advanced reader" }[who.level.toLowerCase()]
      || "your background";
    const interests = Array.isArray(who.interests) ? who.interests.filter((i) => typeof i === "string" && i) : [];
    return "Personalised for " + level + (interests.length ? " · interests: " + interests.join(", ") : "");
  }

  /** Rendering options with their defaults (the site's class names, same-tab links). */
  function settings(options) {
    const o = options || {};
    return {
      base: o.base || "",
      newTab: !!o.newTab,
      citeClass: o.citeClass || "cite",
      mathClass: o.mathClass || "math",
      inlineMathClass: o.inlineMathClass || "math",
      streaming: !!o.streaming
    };
  }

  function make(doc, tag, className, text) {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function link(doc, className, text, href, o) {
    const a = make(doc, "a", className, text);
    a.href = href;
    if (o.newTab) { a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }

  /**
   * Fills `list` (an <ol>) with one item per source: a link to its section when it has a
   * usable page_url, else its label as text. Options: `base`, `newTab` (see renderAnswer).
   */
  function renderSources(list, sources, options) {
    const o = settings(options);
    const doc = list.ownerDocument;
    list.replaceChildren();
    for (const source of Array.isArray(sources) ? sources : []) {
      const item = make(doc, "li");
      const href = sourceHref(source && source.page_url, o.base);
      if (href) item.appendChild(link(doc, null, sourceLabel(source), href, o));
      else item.textContent = sourceLabel(source);
      list.appendChild(item);
    }
  }

  // ---------------------------------------------------------------------------
  // Answer text → DOM (never innerHTML)
  // ---------------------------------------------------------------------------

  const FENCE = /^\s*(`{3,}|~{3,})/;
  const BULLET = /^\s*[-*•]\s+/;
  const NUMBERED = /^\s*(\d{1,9})[.)]\s+/;

  /**
   * Replaces the content of `container` with `text` rendered: paragraphs on blank lines (line
   * breaks kept), ``` / ~~~ fenced code as <pre><code> (a fence still open while the answer
   * streams runs to the end), `$$…$$` blocks as div.math (a citation after the closing `$$`
   * follows as a paragraph), "- " lines as <ul>, "1." lines as <ol> (keeping its first
   * number), and inline `[n]` citations, `code`, `$math$` and **bold** (see renderInline).
   * Line ends may be "\r\n", "\n" or "\r".
   * Options: `base` (make site paths absolute, for the widget), `newTab` (links open a new
   * tab), `citeClass`/`mathClass`/`inlineMathClass` (class names; default cite/math/math),
   * `streaming` (the text is incomplete: hide a citation cut in half, "[1" waiting for "2]").
   */
  function renderAnswer(container, text, sources, options) {
    const o = settings(options);
    const doc = container.ownerDocument;
    container.replaceChildren();
    let source = String(text == null ? "" : text).replace(/\r\n?/g, "\n");
    if (o.streaming) source = source.replace(/\[\d*$/, "");
    const lines = source.split("\n");
    let i = 0;
    while (i < lines.length) {
      const fence = FENCE.exec(lines[i]);
      if (fence) {
        const marker = fence[1];
        const closing = new RegExp("^\\s*" + (marker[0] === "`" ? "`" : "~") + "{" + marker.length + ",}\\s*$");
        const body = [];
        i++;
        while (i < lines.length && !closing.test(lines[i])) body.push(lines[i++]);
        i++; // the closing fence (absent while the block is still streaming)
        const pre = make(doc, "pre");
        pre.appendChild(make(doc, "code", null, body.join("\n")));
        container.appendChild(pre);
        continue;
      }
      if (!lines[i].trim()) { i++; continue; }
      // One paragraph: consecutive non-blank lines up to a fence.
      const paragraph = [];
      while (i < lines.length && lines[i].trim() && !FENCE.test(lines[i])) paragraph.push(lines[i++]);
      renderParagraph(container, paragraph, sources, o);
    }
  }

  /** A display formula, or runs of list items and text lines (text right before a list needs no blank line). */
  function renderParagraph(container, lines, sources, o) {
    const doc = container.ownerDocument;
    const first = lines[0].trim();
    if (first.startsWith("$$")) {
      // Display formula, possibly followed by a citation marker: "$$ … $$ [2]".
      const joined = lines.join("\n").trim();
      const close = joined.indexOf("$$", 2);
      const tex = (close === -1 ? joined.slice(2) : joined.slice(2, close)).trim();
      container.appendChild(make(doc, "div", o.mathClass, tex));
      const rest = close === -1 ? "" : joined.slice(close + 2).trim();
      if (rest) container.appendChild(renderInline(make(doc, "p"), rest, sources, o));
      return;
    }
    let block = null; // the <p>, <ul> or <ol> being filled
    let item = null;  // the last <li>
    for (const line of lines) {
      const bullet = BULLET.exec(line);
      const numbered = bullet ? null : NUMBERED.exec(line);
      if (bullet || numbered) {
        const tag = bullet ? "ul" : "ol";
        if (!block || block.tagName.toLowerCase() !== tag) {
          block = container.appendChild(make(doc, tag));
          if (numbered && numbered[1] !== "1") block.start = parseInt(numbered[1], 10);
        }
        item = renderInline(block.appendChild(make(doc, "li")), line.slice((bullet || numbered)[0].length), sources, o);
      } else if (item && /^\s/.test(line)) {
        // An indented line continues the list item above it.
        item.appendChild(make(doc, "br"));
        renderInline(item, line.trim(), sources, o);
      } else {
        if (!block || block.tagName.toLowerCase() !== "p") {
          block = container.appendChild(make(doc, "p"));
        } else {
          block.appendChild(make(doc, "br"));
        }
        item = null;
        renderInline(block, line, sources, o);
      }
    }
  }

  // [n] citations, `code`, $math$ and **bold** inside a line.
  const INLINE = /(\[\d+\])|`([^`\n]+)`|\$([^\s$](?:[^$\n]*[^\s$])?)\$|\*\*([^*\n]+)\*\*/g;

  /** Appends `text` to `parent` with inline markup turned into elements; returns parent. */
  function renderInline(parent, text, sources, options) {
    const o = settings(options);
    const doc = parent.ownerDocument;
    const pattern = new RegExp(INLINE.source, "g");
    let last = 0;
    let match;
    while ((match = pattern.exec(text))) {
      if (match.index > last) parent.appendChild(doc.createTextNode(text.slice(last, match.index)));
      if (match[1]) parent.appendChild(citation(doc, match[1], sources, o));
      else if (match[2] != null) parent.appendChild(make(doc, "code", null, match[2]));
      else if (match[3] != null) parent.appendChild(make(doc, "code", o.inlineMathClass, match[3]));
      else parent.appendChild(make(doc, "strong", null, match[4]));
      last = pattern.lastIndex;
    }
    if (last < text.length) parent.appendChild(doc.createTextNode(text.slice(last)));
    return parent;
  }

  /** "[n]" → a link to sources[n-1]'s section titled with its label, or plain text when there is no such source. */
  function citation(doc, marker, sources, o) {
    const n = parseInt(marker.slice(1, -1), 10);
    const source = Array.isArray(sources) ? sources[n - 1] : null;
    const href = source ? sourceHref(source.page_url, o.base) : "";
    if (!href) return doc.createTextNode(marker);
    const a = link(doc, o.citeClass, marker, href, o);
    a.title = sourceLabel(source);
    return a;
  }

  window.PrimerChatCore = Object.freeze({
    readStream: readStream,
    readAnswer: readAnswer,
    renderAnswer: renderAnswer,
    renderSources: renderSources,
    sourceHref: sourceHref,
    sourceLabel: sourceLabel,
    personalisedLabel: personalisedLabel,
    errorText: errorText,
    errorDetail: errorDetail,
    networkErrorText: networkErrorText
  });
})();
