/* Primer — browser code for every page (loaded with `defer`).
   Theme toggle, sidebar drawer, chat panel with streamed answers, "Ask about this" on a
   text selection, chapter personalisation and live password rules.
   No libraries, no eval, no inline styles from HTML. Every feature checks that its elements
   exist, so pages without them (e.g. signed out, no chapter) just skip it. */
(function () {
  "use strict";

  const THEME_KEY = "primer-theme";
  const CHAT_KEY = "primer-chat";
  const CHAT_OPEN_KEY = "primer-chat-open";
  const MAX_STORED_MESSAGES = 20;
  const SELECTION_MIN = 3;
  const SELECTION_MAX = 8000;

  const $ = (selector, root) => (root || document).querySelector(selector);

  // ---------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------

  /** Creates an element with optional class name and text content. */
  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  /** Web storage can throw (disabled, quota, sandboxed frames): it must never break the page.
      `area` is "localStorage" or "sessionStorage". */
  function readStorage(area, key) {
    try { return window[area].getItem(key); } catch (_) { return null; }
  }
  function readJSON(area, key) {
    try { return JSON.parse(readStorage(area, key) || "null"); } catch (_) { return null; }
  }
  function writeStorage(area, key, value) {
    try {
      if (value == null) window[area].removeItem(key);
      else window[area].setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    } catch (_) { /* ignore */ }
  }

  /** POSTs JSON same-origin (the session cookie authenticates). */
  function postJSON(url, body, signal) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "text/event-stream, application/json" },
      body: JSON.stringify(body),
      signal: signal
    });
  }

  /** The `detail` of a non-2xx JSON error response, or a generic message. */
  async function errorDetail(response) {
    try {
      const data = await response.json();
      if (data && typeof data.detail === "string" && data.detail) return data.detail;
    } catch (_) { /* not JSON */ }
    if (response.status === 429) return "Too many requests. Please wait a moment and try again.";
    return "Something went wrong (HTTP " + response.status + "). Please try again.";
  }

  // ---------------------------------------------------------------------------
  // Server-sent events over fetch
  // ---------------------------------------------------------------------------

  /**
   * Reads a text/event-stream response body and calls onEvent(name, data) per frame,
   * `data` being the parsed JSON (or the raw string when it isn't JSON).
   * Frames may be split anywhere across network chunks, so text is buffered until a
   * blank line ends a frame. Resolves when the stream ends.
   */
  async function readEventStream(response, onEvent) {
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
    if (buffer.trim()) dispatchFrame(buffer, onEvent); // last frame without the closing blank line
  }

  /** Parses one SSE frame ("event: x\ndata: …") and hands it to onEvent. */
  function dispatchFrame(frame, onEvent) {
    let name = "message";
    const data = [];
    for (const line of frame.split("\n")) {
      if (!line || line.startsWith(":")) continue; // comment / keep-alive
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    }
    if (!data.length) return;
    const raw = data.join("\n");
    let parsed;
    try { parsed = JSON.parse(raw); } catch (_) { parsed = raw; }
    onEvent(name, parsed);
  }

  // ---------------------------------------------------------------------------
  // Theme
  // ---------------------------------------------------------------------------

  const root = document.documentElement;
  const darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function applyStoredTheme() {
    const stored = readStorage("localStorage", THEME_KEY);
    root.setAttribute("data-theme", stored === "light" || stored === "dark" ? stored : "");
  }

  function effectiveTheme() {
    const forced = root.getAttribute("data-theme");
    if (forced === "light" || forced === "dark") return forced;
    return darkQuery && darkQuery.matches ? "dark" : "light";
  }

  function initThemeToggle() {
    const button = $("#theme-toggle");
    if (!button) return;
    // The server's aria-label stays; the tooltip says what a click will do.
    const label = () => { button.title = effectiveTheme() === "dark" ? "Switch to light mode" : "Switch to dark mode"; };
    label();
    button.addEventListener("click", function () {
      const next = effectiveTheme() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      writeStorage("localStorage", THEME_KEY, next);
      label();
    });
    if (darkQuery && darkQuery.addEventListener) darkQuery.addEventListener("change", label);
  }

  // ---------------------------------------------------------------------------
  // Sidebar drawer (narrow screens) and top-bar height
  // ---------------------------------------------------------------------------

  function initSidebar() {
    const toggle = $("#sidebar-toggle");
    const sidebar = $("#sidebar");
    if (!toggle || !sidebar) return;

    function setOpen(open) {
      sidebar.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      setOpen(!sidebar.classList.contains("open"));
    });
    // Close the drawer when following a link, pressing Escape or clicking outside it.
    sidebar.addEventListener("click", function (event) {
      if (event.target.closest("a")) setOpen(false);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && sidebar.classList.contains("open")) { setOpen(false); toggle.focus(); }
    });
    document.addEventListener("click", function (event) {
      if (sidebar.classList.contains("open") && !sidebar.contains(event.target) && !toggle.contains(event.target)) {
        setOpen(false);
      }
    });
  }

  /** Keeps --topbar-h equal to the real top-bar height (it wraps to two rows on phones). */
  function trackTopbarHeight() {
    const topbar = $(".topbar");
    if (!topbar) return;
    const update = () => root.style.setProperty("--topbar-h", topbar.offsetHeight + "px");
    update();
    if (window.ResizeObserver) new ResizeObserver(update).observe(topbar);
    else window.addEventListener("resize", update);
  }

  // ---------------------------------------------------------------------------
  // Answer text → DOM (never innerHTML)
  // ---------------------------------------------------------------------------

  /**
   * Appends `text` to `container`: blank-line separated paragraphs, ``` / ~~~ fenced code
   * blocks as <pre><code>, `$$…$$` blocks as div.math, "- " lines as lists.
   */
  function renderAnswerText(container, text, sources) {
    container.replaceChildren();
    const lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
    let i = 0;
    while (i < lines.length) {
      const line = lines[i];
      const fence = /^\s*(```+|~~~+)/.exec(line);
      if (fence) {
        const body = [];
        i++;
        while (i < lines.length && !lines[i].trim().startsWith(fence[1])) body.push(lines[i++]);
        i++; // closing fence (absent while the block is still streaming)
        const pre = el("pre");
        pre.appendChild(el("code", null, body.join("\n")));
        container.appendChild(pre);
        continue;
      }
      if (!line.trim()) { i++; continue; }
      // Collect one paragraph: consecutive non-blank lines up to a fence.
      const para = [];
      while (i < lines.length && lines[i].trim() && !/^\s*(```|~~~)/.test(lines[i])) para.push(lines[i++]);
      renderParagraph(container, para, sources);
    }
  }

  function renderParagraph(container, lines, sources) {
    const first = lines[0].trim();
    if (first.startsWith("$$")) {
      // Display formula, possibly followed by a citation marker: "$$ … $$ [2]".
      const joined = lines.join("\n").trim();
      const close = joined.indexOf("$$", 2);
      const tex = (close === -1 ? joined.slice(2) : joined.slice(2, close)).trim();
      container.appendChild(el("div", "math", tex));
      const rest = close === -1 ? "" : joined.slice(close + 2).trim();
      if (rest) container.appendChild(renderInline(el("p"), rest, sources));
      return;
    }
    if (lines.every((l) => /^\s*[-*•]\s+/.test(l))) {
      const list = el("ul");
      for (const l of lines) list.appendChild(renderInline(el("li"), l.replace(/^\s*[-*•]\s+/, ""), sources));
      container.appendChild(list);
      return;
    }
    if (lines.every((l) => /^\s*\d+[.)]\s+/.test(l))) {
      const list = el("ol");
      for (const l of lines) list.appendChild(renderInline(el("li"), l.replace(/^\s*\d+[.)]\s+/, ""), sources));
      container.appendChild(list);
      return;
    }
    const p = el("p");
    lines.forEach(function (l, index) {
      if (index) p.appendChild(document.createElement("br"));
      renderInline(p, l, sources);
    });
    container.appendChild(p);
  }

  // [n] citations, `code`, $math$ and **bold** inside a line.
  const INLINE = /(\[\d+\])|`([^`\n]+)`|\$([^\s$](?:[^$\n]*[^\s$])?)\$|\*\*([^*\n]+)\*\*/g;

  /** Appends `text` to `parent` with inline markup turned into elements; returns parent. */
  function renderInline(parent, text, sources) {
    let last = 0;
    INLINE.lastIndex = 0;
    let match;
    while ((match = INLINE.exec(text))) {
      if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[1]) parent.appendChild(citation(match[1], sources));
      else if (match[2] != null) parent.appendChild(el("code", null, match[2]));
      else if (match[3] != null) parent.appendChild(el("code", "math", match[3]));
      else parent.appendChild(el("strong", null, match[4]));
      last = INLINE.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  /** "[n]" → a.cite linking to sources[n-1].page_url, or plain text when there is no such source. */
  function citation(marker, sources) {
    const n = parseInt(marker.slice(1, -1), 10);
    const source = sources && sources[n - 1];
    const href = source && safeHref(source.page_url);
    if (!href) return document.createTextNode(marker);
    const link = el("a", "cite", marker);
    link.href = href;
    link.title = sourceLabel(source);
    return link;
  }

  /** Only site-relative or http(s) links from the server become hrefs. */
  function safeHref(url) {
    return typeof url === "string" && /^(\/(?!\/)|https?:\/\/)/i.test(url) ? url : "";
  }

  function sourceLabel(source) {
    const title = source.page_title || source.page_url || "Source";
    return source.section && source.section !== title ? title + " › " + source.section : title;
  }

  /** Fills ol.sources with one link per source. */
  function renderSources(list, sources) {
    list.replaceChildren();
    for (const source of sources || []) {
      const item = el("li");
      const href = safeHref(source.page_url);
      if (href) {
        const link = el("a", null, sourceLabel(source));
        link.href = href;
        item.appendChild(link);
      } else {
        item.textContent = sourceLabel(source);
      }
      list.appendChild(item);
    }
  }

  /**
   * "Personalised for a Beginner · interests: drones, humanoids" from the answer's
   * `personalized_for` ({level, interests}); older stored answers have none.
   */
  function personalisedLabel(who) {
    if (!who || typeof who.level !== "string") return "Personalised for your background";
    const level = { beginner: "a Beginner", intermediate: "an Intermediate reader", advanced: "an Advanced reader" }[who.level.toLowerCase()]
      || "your background";
    const interests = Array.isArray(who.interests) ? who.interests.filter((i) => typeof i === "string" && i) : [];
    return "Personalised for " + level + (interests.length ? " · interests: " + interests.join(", ") : "");
  }

  /** Only what re-rendering needs is stored (chunk texts would bloat localStorage). */
  function slimSources(sources) {
    return (Array.isArray(sources) ? sources : []).map((s) => ({
      page_url: s.page_url || "", page_title: s.page_title || "", section: s.section || "", role: s.role || "citation"
    }));
  }

  // ---------------------------------------------------------------------------
  // Chat
  // ---------------------------------------------------------------------------

  function initChat() {
    const panel = $("#chat-panel");
    const openButton = $("#chat-open");
    const log = $("#chat-log");
    const form = $("#chat-form");
    const input = $("#chat-input");
    if (!panel || !log || !form || !input) return null;
    const sendButton = $("#chat-send");
    const selectionBox = $("#chat-selection");
    const selectionText = $("#chat-selection-text");

    let chat = loadChat();
    let selectedText = "";
    let streamController = null; // AbortController of the answer being streamed

    // ----- persistence

    function loadChat() {
      const stored = readJSON("localStorage", CHAT_KEY);
      if (!stored || !Array.isArray(stored.messages)) return { conversation_id: null, messages: [] };
      return { conversation_id: stored.conversation_id || null, messages: stored.messages };
    }
    function saveChat() {
      chat.messages = chat.messages.slice(-MAX_STORED_MESSAGES);
      writeStorage("localStorage", CHAT_KEY, chat);
    }

    // ----- panel open / close

    function setPanelOpen(open, focus) {
      panel.hidden = !open;
      if (openButton) openButton.setAttribute("aria-expanded", open ? "true" : "false");
      writeStorage("sessionStorage", CHAT_OPEN_KEY, open ? "true" : "false");
      if (open) {
        scrollLogToEnd();
        if (focus) input.focus();
      } else if (focus && openButton) {
        openButton.focus();
      }
    }

    function scrollLogToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    // ----- message elements

    function appendUserMessage(text) {
      log.appendChild(el("li", "msg msg-user", text));
    }

    /** Builds an empty bot message; `fill` completes it once the answer is known. */
    function appendBotMessage() {
      const item = el("li", "msg msg-bot");
      item.appendChild(el("div", "answer"));
      log.appendChild(item);
      return item;
    }

    /** Completes a bot message: answer text, personalisation note, sources and feedback buttons. */
    function fillBotMessage(item, message) {
      const notCovered = message.answered === false;
      // A refusal's sources are the closest sections, not citations: no [n] links into them.
      renderAnswerText(item.querySelector(".answer"), message.text, notCovered ? [] : message.sources);
      if (message.query_id) item.dataset.queryId = message.query_id;
      if (notCovered) {
        item.classList.add("not-covered");
        item.insertBefore(el("p", "coverage-note", "Not in the book"), item.firstChild);
      } else {
        item.appendChild(message.personalised
          ? el("p", "personalised", personalisedLabel(message.personalized_for))
          : el("p", "personalised no", "General answer"));
      }
      const list = el("ol", notCovered ? "sources closest" : "sources");
      renderSources(list, message.sources);
      if (notCovered && list.childElementCount) {
        const label = el("p", "closest-label", "Closest sections in the book:");
        label.id = "closest-" + Math.random().toString(36).slice(2);
        list.setAttribute("aria-labelledby", label.id);
        item.appendChild(label);
      }
      item.appendChild(list);
      if (message.query_id) item.appendChild(feedbackButtons(item, message));
      item.classList.remove("streaming");
      item.classList.add("done");
    }

    function showError(item, detail) {
      const answer = item.querySelector(".answer");
      if (answer && !answer.textContent.trim()) answer.remove();
      item.appendChild(el("p", "error", detail || "Something went wrong. Please try again."));
      item.classList.remove("streaming");
      item.classList.add("done");
    }

    // ----- feedback

    function feedbackButtons(item, message) {
      const box = el("div", "feedback");
      const up = el("button", "thumb-up", "▲ Helpful");
      const down = el("button", "thumb-down", "▼ Not helpful");
      up.type = down.type = "button";
      up.setAttribute("aria-label", "Helpful");
      down.setAttribute("aria-label", "Not helpful");
      box.append(up, down);
      if (message.feedback === true || message.feedback === false) markFeedback(box, message.feedback);
      up.addEventListener("click", () => sendFeedback(box, message, true));
      down.addEventListener("click", () => sendFeedback(box, message, false));
      return box;
    }

    function markFeedback(box, helpful) {
      for (const button of box.querySelectorAll("button")) button.disabled = true;
      box.querySelector(helpful ? ".thumb-up" : ".thumb-down").classList.add("chosen");
    }

    async function sendFeedback(box, message, helpful) {
      const buttons = box.querySelectorAll("button");
      buttons.forEach((b) => { b.disabled = true; });
      try {
        const response = await postJSON("/api/v1/query/" + encodeURIComponent(message.query_id) + "/feedback",
          { helpful: helpful });
        if (!response.ok) throw new Error(await errorDetail(response));
        markFeedback(box, helpful);
        message.feedback = helpful; // same object as in chat.messages
        saveChat();
      } catch (error) {
        buttons.forEach((b) => { b.disabled = false; });
        box.title = error && error.message ? error.message : "Could not send feedback";
      }
    }

    // ----- asking

    async function ask(query) {
      const body = { query: query };
      if (chat.conversation_id) body.conversation_id = chat.conversation_id;
      if (selectedText) body.selected_text = selectedText;
      clearSelection();

      appendUserMessage(query);
      const item = appendBotMessage();
      item.classList.add("streaming");
      scrollLogToEnd();

      const controller = new AbortController();
      streamController = controller;
      if (sendButton) sendButton.disabled = true;
      try {
        const response = await postJSON("/api/v1/query/stream", body, controller.signal);
        if (!response.ok || !response.body) {
          showError(item, await errorDetail(response));
          return;
        }
        const result = await streamAnswer(response, item);
        if (result.error) showError(item, result.error);
        else if (!result.done) showError(item, "The answer was interrupted. Please try again.");
        else remember(query, result.done, item);
      } catch (error) {
        if (controller.signal.aborted) return; // "New conversation" dropped this answer
        showError(item, "Could not reach the server. Check your connection and try again.");
      } finally {
        if (streamController === controller) {
          streamController = null;
          if (sendButton) sendButton.disabled = false;
        }
        scrollLogToEnd();
      }
    }

    /** Renders events as they arrive; resolves to {done, error}. */
    async function streamAnswer(response, item) {
      const answer = item.querySelector(".answer");
      let text = "";
      let sources = [];
      let done = null;
      let error = null;
      let frame = 0;

      // Re-render at most once per animation frame however fast deltas arrive.
      function scheduleRender() {
        if (frame) return;
        frame = requestAnimationFrame(function () {
          frame = 0;
          if (done || error) return;
          const nearEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
          renderAnswerText(answer, text, sources);
          if (nearEnd) scrollLogToEnd();
        });
      }

      await readEventStream(response, function (name, data) {
        if (name === "sources" && Array.isArray(data)) {
          sources = data;
          scheduleRender();
        } else if (name === "delta" && data && typeof data.text === "string") {
          text += data.text;
          scheduleRender();
        } else if (name === "done" && data && typeof data === "object") {
          done = data;
          if (typeof done.answer !== "string") done.answer = text;
          if (!Array.isArray(done.sources)) done.sources = sources;
        } else if (name === "error") {
          error = (data && data.detail) || (typeof data === "string" && data) || "Something went wrong.";
        }
      });
      if (frame) cancelAnimationFrame(frame);
      return { done: done, error: error };
    }

    /** Shows the final answer and stores the exchange. */
    function remember(query, done, item) {
      const message = {
        role: "bot",
        text: done.answer,
        sources: slimSources(done.sources),
        personalised: done.personalization_applied === true,
        personalized_for: done.personalized_for || null,
        answered: done.answered !== false,
        query_id: done.query_id || null,
        feedback: null
      };
      fillBotMessage(item, message);
      if (done.conversation_id) chat.conversation_id = done.conversation_id;
      chat.messages.push({ role: "user", text: query }, message);
      saveChat();
    }

    function renderStoredChat() {
      for (const message of chat.messages) {
        if (!message || typeof message.text !== "string") continue;
        if (message.role === "user") appendUserMessage(message.text);
        else fillBotMessage(appendBotMessage(), message);
      }
    }

    function newConversation() {
      if (streamController) {
        streamController.abort();
        streamController = null;
        if (sendButton) sendButton.disabled = false;
      }
      chat = { conversation_id: null, messages: [] };
      writeStorage("localStorage", CHAT_KEY, null);
      log.replaceChildren();
      clearSelection();
      input.focus();
    }

    // ----- selection box ("Asking about: …")

    function setSelection(text) {
      selectedText = text;
      if (selectionText) selectionText.textContent = text;
      if (selectionBox) selectionBox.hidden = false;
    }
    function clearSelection() {
      selectedText = "";
      if (selectionText) selectionText.textContent = "";
      if (selectionBox) selectionBox.hidden = true;
    }

    // ----- wiring

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const query = input.value.trim();
      if (!query || streamController) return;
      input.value = "";
      ask(query);
    });
    // Enter sends, Shift+Enter makes a new line.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit();
        else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    if (openButton) {
      openButton.addEventListener("click", () => setPanelOpen(panel.hidden, true));
    }
    const closeButton = $("#chat-close");
    if (closeButton) closeButton.addEventListener("click", () => setPanelOpen(false, true));
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") setPanelOpen(false, true);
    });
    const newButton = $("#chat-new");
    if (newButton) newButton.addEventListener("click", newConversation);
    const clearButton = $("#chat-selection-clear");
    if (clearButton) clearButton.addEventListener("click", function () { clearSelection(); input.focus(); });

    renderStoredChat();
    if (readStorage("sessionStorage", CHAT_OPEN_KEY) === "true") setPanelOpen(true, false);

    // Used by the "Ask about this" button.
    return {
      askAbout: function (text) {
        setSelection(text);
        setPanelOpen(true, true);
      }
    };
  }

  // ---------------------------------------------------------------------------
  // "Ask about this" floating button on a text selection in the chapter
  // ---------------------------------------------------------------------------

  function initAskSelection(chatApi) {
    const button = $("#ask-selection");
    const article = $("#content article");
    if (!button || !article || !chatApi) return;
    let pending = "";

    function hide() {
      button.hidden = true;
      pending = "";
    }

    /** The selected text when the whole selection lies inside the article, else "". */
    function selectedArticleText() {
      const selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
      const range = selection.getRangeAt(0);
      if (!article.contains(range.commonAncestorContainer)) return "";
      return selection.toString().trim();
    }

    function showNearSelection() {
      const text = selectedArticleText();
      if (text.length < SELECTION_MIN || text.length > SELECTION_MAX) { hide(); return; }
      pending = text;
      const rects = window.getSelection().getRangeAt(0).getClientRects();
      const rect = rects.length ? rects[rects.length - 1] : window.getSelection().getRangeAt(0).getBoundingClientRect();
      button.hidden = false;
      // Page coordinates: below the end of the selection, kept inside the viewport.
      const width = button.offsetWidth;
      const maxLeft = document.documentElement.clientWidth - width - 8;
      const left = Math.max(8, Math.min(rect.right - width / 2, maxLeft));
      button.style.left = (left + window.scrollX) + "px";
      button.style.top = (rect.bottom + window.scrollY + 8) + "px";
    }

    // Let the browser settle the selection before reading it.
    const later = () => setTimeout(showNearSelection, 0);
    article.addEventListener("mouseup", later);
    article.addEventListener("keyup", later);
    article.addEventListener("touchend", later);
    document.addEventListener("selectionchange", function () {
      if (!button.hidden && !selectedArticleText()) hide();
    });
    // Keep the selection when the button is pressed.
    button.addEventListener("mousedown", (event) => event.preventDefault());
    button.addEventListener("click", function () {
      const text = pending || selectedArticleText();
      hide();
      if (text) chatApi.askAbout(text.slice(0, SELECTION_MAX));
    });
    window.addEventListener("resize", hide);
  }

  // ---------------------------------------------------------------------------
  // Chapter personalisation
  // ---------------------------------------------------------------------------

  function initPersonalisation() {
    const button = $("#personalise-button");
    const original = $("#original-button");
    const body = $("#chapter-body");
    const adapted = $("#chapter-personalised");
    const status = $("#personalise-status");
    if (!button || !body || !adapted) return;
    const article = button.closest("article") || $("#chapter");

    const setStatus = (text) => { if (status) status.textContent = text; };
    const readerLevel = (level) => level || document.body.dataset.level || "";

    function showOriginal() {
      body.hidden = false;
      adapted.hidden = true;
      if (original) original.hidden = true;
      if (article) article.classList.remove("personalised");
    }

    async function personalise() {
      const slug = button.dataset.slug || (article && article.dataset.slug) || document.body.dataset.pageSlug;
      if (!slug) return;
      const level = readerLevel();
      button.disabled = true;
      if (original) original.hidden = true;
      adapted.replaceChildren();
      body.hidden = true;
      adapted.hidden = false;
      setStatus(level ? "Adapting for " + level + "…" : "Adapting for you…");

      let done = null;
      let error = null;
      try {
        const response = await postJSON("/api/v1/book/pages/" + encodeURIComponent(slug) + "/personalize", {});
        if (!response.ok || !response.body) {
          error = await errorDetail(response);
        } else {
          await readEventStream(response, function (name, data) {
            if (name === "section" && data && typeof data.html === "string") {
              // The server sanitises this HTML; it is the only server string inserted as markup.
              adapted.insertAdjacentHTML("beforeend", data.html);
            } else if (name === "done") {
              done = data || {};
            } else if (name === "error") {
              error = (data && data.detail) || "Could not adapt this chapter.";
            }
          });
          if (!done && !error) error = "The adapted chapter was interrupted. Please try again.";
        }
      } catch (_) {
        error = "Could not reach the server. Check your connection and try again.";
      }
      button.disabled = false;

      if (error) {
        showOriginal();
        adapted.replaceChildren();
        setStatus(error);
        return;
      }
      const finalLevel = readerLevel(done.level);
      const indefinite = /^[aeiou]/i.test(finalLevel) ? "an " : "a ";
      setStatus((finalLevel ? "Adapted for " + indefinite + finalLevel + " reader" : "Adapted for you") +
        (done.cached ? " (cached)" : ""));
      if (original) original.hidden = false;
      if (article) article.classList.add("personalised");
    }

    button.addEventListener("click", personalise);
    if (original) {
      original.addEventListener("click", function () {
        showOriginal();
        setStatus("");
        button.focus();
      });
    }
  }

  // ---------------------------------------------------------------------------
  // Sign-up: tick password rules while typing (same rules as the server's PasswordPolicy)
  // ---------------------------------------------------------------------------

  const PASSWORD_RULES = {
    length: (p) => { const n = characterCount(p); return n >= 8 && n <= 128; },
    upper: (p) => /\p{Lu}/u.test(p),
    lower: (p) => /\p{Ll}/u.test(p),
    digit: (p) => /\p{N}/u.test(p),
    symbol: (p) => /[^\p{L}\p{N}]/u.test(p)
  };

  /** Counts user-perceived characters, like Swift's String.count. */
  function characterCount(text) {
    if (window.Intl && Intl.Segmenter) return Array.from(new Intl.Segmenter().segment(text)).length;
    return Array.from(text).length;
  }

  function initPasswordRules() {
    const rules = $("#password-rules");
    if (!rules) return;
    const form = rules.closest("form");
    const input = (form && form.querySelector('input[name="password"]')) || $('input[name="password"]');
    if (!input) return;
    function update() {
      for (const item of rules.querySelectorAll("li[data-rule]")) {
        const test = PASSWORD_RULES[item.dataset.rule];
        if (test) item.classList.toggle("ok", test(input.value));
      }
    }
    input.addEventListener("input", update);
    update();
  }

  // ---------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------

  applyStoredTheme(); // as early as a deferred script can

  function start() {
    initThemeToggle();
    initSidebar();
    trackTopbarHeight();
    const chatApi = initChat();
    initAskSelection(chatApi);
    initPersonalisation();
    initPasswordRules();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
