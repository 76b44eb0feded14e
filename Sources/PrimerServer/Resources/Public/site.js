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
  /** The chat client core shared with the widget (chat-core.js, loaded just before this file):
      stream reader, answer renderer, source labels, error texts. */
  const Core = window.PrimerChatCore || null;

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

  /** Only site-relative or http(s) links from the server become hrefs ("" otherwise). */
  function safeHref(url) {
    return Core ? Core.sourceHref(url) : "";
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
  // Chat answers (reading and rendering them is chat-core.js's job)
  // ---------------------------------------------------------------------------

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
    if (!panel || !log || !form || !input || !Core) return null;
    // A page whose content is a chat of its own (/widget's live preview) turns this one off.
    if ($('[data-site-chat="off"]')) return null;
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
      Core.renderAnswer(item.querySelector(".answer"), message.text, notCovered ? [] : message.sources);
      if (message.query_id) item.dataset.queryId = message.query_id;
      if (notCovered) {
        item.classList.add("not-covered");
        item.insertBefore(el("p", "coverage-note", "Not in the book"), item.firstChild);
      } else {
        item.appendChild(message.personalised
          ? el("p", "personalised", Core.personalisedLabel(message.personalized_for))
          : el("p", "personalised no", "General answer"));
      }
      const list = el("ol", notCovered ? "sources closest" : "sources");
      Core.renderSources(list, message.sources);
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
      item.appendChild(el("p", "error", detail || Core.errorText.generic));
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
        if (!response.ok) throw new Error(await Core.errorDetail(response));
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
          showError(item, await Core.errorDetail(response));
          return;
        }
        const answer = item.querySelector(".answer");
        const result = await Core.readAnswer(response, function (text, sources) {
          const nearEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
          Core.renderAnswer(answer, text, sources, { streaming: true });
          if (nearEnd) scrollLogToEnd();
        });
        if (result.error) showError(item, result.error);
        else remember(query, result.done, item);
      } catch (error) {
        if (controller.signal.aborted) return; // "New conversation" dropped this answer
        showError(item, Core.errorText.network);
      } finally {
        if (streamController === controller) {
          streamController = null;
          if (sendButton) sendButton.disabled = false;
        }
        scrollLogToEnd();
      }
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
    if (!button || !body || !adapted || !Core) return;
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
          error = await Core.errorDetail(response);
        } else {
          await Core.readStream(response, function (name, data) {
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
        error = Core.errorText.network;
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
  // ----- reading features: code copy buttons, tabs, "On this page" scroll-spy, search dialog
  // ---------------------------------------------------------------------------

  function initCodeCopy() {
    document.addEventListener("click", async function (event) {
      const button = event.target.closest && event.target.closest(".code-copy");
      if (!button) return;
      const code = button.closest(".code-block") && button.closest(".code-block").querySelector("pre code");
      if (!code) return;
      let ok = false;
      try {
        await navigator.clipboard.writeText(code.innerText.replace(/\n$/, ""));
        ok = true;
      } catch (_) {
        // Clipboard API refused (insecure context): select the code so Ctrl+C works.
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      button.textContent = ok ? "Copied" : "Press Ctrl+C";
      button.classList.toggle("copied", ok);
      setTimeout(function () { button.textContent = "Copy"; button.classList.remove("copied"); }, 2000);
    });
  }

  function initTabs() {
    for (const list of document.querySelectorAll(".tabs > .tab-list")) {
      const tabs = Array.from(list.querySelectorAll('[role="tab"]'));
      const select = function (tab, focus) {
        for (const other of tabs) {
          const on = other === tab;
          other.setAttribute("aria-selected", String(on));
          other.tabIndex = on ? 0 : -1;
          const panel = document.getElementById(other.getAttribute("aria-controls"));
          if (panel) panel.hidden = !on;
        }
        if (focus) tab.focus();
      };
      list.addEventListener("click", function (event) {
        const tab = event.target.closest('[role="tab"]');
        if (tab) select(tab, false);
      });
      list.addEventListener("keydown", function (event) {
        const index = tabs.indexOf(document.activeElement);
        if (index < 0) return;
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (step) { event.preventDefault(); select(tabs[(index + step + tabs.length) % tabs.length], true); }
        else if (event.key === "Home") { event.preventDefault(); select(tabs[0], true); }
        else if (event.key === "End") { event.preventDefault(); select(tabs[tabs.length - 1], true); }
      });
    }
  }

  /** Highlights the "On this page" entry of the section being read. */
  function initScrollSpy() {
    const links = Array.from(document.querySelectorAll(".page-toc a[href^='#']"));
    if (!links.length || !("IntersectionObserver" in window)) return;
    const byId = new Map();
    for (const link of links) {
      const target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (target) byId.set(target, link);
    }
    const headings = Array.from(byId.keys());
    function update() {
      // The section whose heading last crossed the upper third of the window is the one being read.
      const line = Math.max(window.innerHeight / 3, (parseFloat(getComputedStyle(document.documentElement).getPropertyValue("--topbar-h")) || 52) + 24);
      let current = headings[0];
      for (const heading of headings) {
        if (heading.getBoundingClientRect().top - line <= 0) current = heading; else break;
      }
      // At the very bottom the last section is the current one even if its heading is low on screen.
      if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) current = headings[headings.length - 1];
      for (const [heading, link] of byId) {
        const on = heading === current;
        link.classList.toggle("active", on);
        if (on) link.setAttribute("aria-current", "location"); else link.removeAttribute("aria-current");
      }
    }
    const observer = new IntersectionObserver(update, { rootMargin: "0px 0px -60% 0px" });
    headings.forEach((heading) => observer.observe(heading));
    window.addEventListener("scroll", update, { passive: true });
    update();
  }

  /** An empty chat offers questions about the page; a click asks one. */
  function initStarters() {
    const starters = $("#chat-starters");
    const log = $("#chat-log");
    const form = $("#chat-form");
    const input = $("#chat-input");
    if (!starters || !log || !form || !input) return;
    const update = () => { starters.hidden = log.children.length > 0; };
    new MutationObserver(update).observe(log, { childList: true });
    update();
    starters.addEventListener("click", function (event) {
      const button = event.target.closest("button.starter");
      if (!button) return;
      input.value = button.textContent;
      if (form.requestSubmit) form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    });
  }

  /** Ctrl+K or "/" opens a search dialog with results as you type (from /api/v1/search). */
  function initSearchDialog() {
    const dialog = $("#search-dialog");
    const input = $("#search-dialog-input");
    const list = $("#search-dialog-results");
    const status = $("#search-dialog-status");
    if (!dialog || !input || !list || typeof dialog.showModal !== "function") return;
    let timer = null, controller = null, active = -1, lastQuery = "";

    function open() {
      if (dialog.open) return;
      const header = $("#search-input");
      if (header && header.value && !input.value) input.value = header.value;
      dialog.showModal();
      if (input.value.trim()) { clearTimeout(timer); }
      input.focus();
      input.select();
      if (input.value.trim()) search(input.value.trim());
    }

    function items() { return Array.from(list.querySelectorAll("li > a")); }

    function setActive(index, announce) {
      const links = items();
      if (!links.length) { active = -1; return; }
      active = (index + links.length) % links.length;
      links.forEach((link, i) => link.parentElement.classList.toggle("active", i === active));
      if (announce) status.textContent = (active + 1) + " of " + links.length + ": " + (links[active].querySelector(".hit-title") || links[active]).textContent;
      links[active].scrollIntoView({ block: "nearest" });
    }

    /** Appends `text` with the query's words wrapped in <mark>. */
    function highlighted(parent, text, words) {
      if (!words.length) { parent.textContent = text; return parent; }
      const pattern = new RegExp("(" + words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")", "gi");
      let last = 0, match;
      while ((match = pattern.exec(text))) {
        if (match.index > last) parent.appendChild(document.createTextNode(text.slice(last, match.index)));
        parent.appendChild(el("mark", null, match[0]));
        last = pattern.lastIndex;
        if (match[0].length === 0) pattern.lastIndex++;
      }
      if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
      return parent;
    }

    async function search(query) {
      lastQuery = query;
      if (controller) controller.abort();
      if (!query) { list.replaceChildren(); status.textContent = "Type to search the book."; return; }
      controller = new AbortController();
      let results;
      try {
        const response = await fetch("/api/v1/search?limit=8&q=" + encodeURIComponent(query), { signal: controller.signal });
        if (!response.ok) throw new Error("status " + response.status);
        results = (await response.json()).results || [];
      } catch (error) {
        if (error && error.name === "AbortError") return;
        status.textContent = "Search is unavailable right now.";
        return;
      }
      if (query !== lastQuery) return;
      const words = query.split(/\s+/).filter((w) => w.length > 1);
      list.replaceChildren();
      results.forEach(function (result, index) {
        const item = el("li");
        const link = el("a");
        link.href = safeHref(result.page_url) || "#";
        link.tabIndex = -1;
        highlighted(link.appendChild(el("span", "hit-title")), result.section || result.page_title, words);
        if (result.section && result.section !== result.page_title) link.appendChild(el("span", "hit-path", result.page_title + " › " + result.section));
        else link.appendChild(el("span", "hit-path", result.page_title));
        highlighted(link.appendChild(el("span", "hit-snippet")), result.snippet || "", words);
        item.appendChild(link);
        list.appendChild(item);
      });
      const more = el("li", "search-dialog-more");
      const all = el("a", null, "See all results for “" + query + "”");
      all.href = "/search?q=" + encodeURIComponent(query);
      all.tabIndex = -1;
      more.appendChild(all);
      list.appendChild(more);
      status.textContent = results.length ? results.length + (results.length === 1 ? " result" : " results") : "Nothing in the book matches “" + query + "”.";
      setActive(0);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(() => search(input.value.trim()), 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); setActive(active + 1, true); }
      else if (event.key === "ArrowUp") { event.preventDefault(); setActive(active - 1, true); }
      else if (event.key === "Enter") {
        event.preventDefault();
        const links = items();
        if (active >= 0 && links[active]) window.location.href = links[active].href;
        else if (input.value.trim()) window.location.href = "/search?q=" + encodeURIComponent(input.value.trim());
      }
    });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    document.addEventListener("keydown", function (event) {
      const typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable='true']");
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") { event.preventDefault(); open(); }
      else if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) { event.preventDefault(); open(); }
    });
    const opener = $("#search-open");
    if (opener) opener.addEventListener("click", open);
    const header = $("#search-input");
    // Typing in the header's box continues in the dialog, with results as you type.
    if (header) header.addEventListener("input", function () {
      input.value = header.value;
      open();
    });
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
    initCodeCopy();
    initTabs();
    initScrollSpy();
    initSearchDialog();
    initStarters();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
