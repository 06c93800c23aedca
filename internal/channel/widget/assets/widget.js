/* Switchboard website chat widget. Embed with
 *   <script src="https://switchboard.example.com/widget.js?channel=ID" async></script>
 * Hand-written, no dependency; drawn in a shadow root so the site's styles
 * and ours never meet. Contact and agent content is text, never HTML. */
(() => {
  "use strict";
  const me = document.currentScript;
  if (!me || !me.src) return;
  const src = new URL(me.src);
  const channel = src.searchParams.get("channel");
  if (!channel || !/^\d+$/.test(channel) || window["__switchboardWidget" + channel]) return;
  window["__switchboardWidget" + channel] = true;
  const base = src.origin;
  const api = base + "/widget/" + channel;
  const storeKey = "switchboard-widget-" + channel;

  const fr = (navigator.language || "").toLowerCase().startsWith("fr");
  const T = fr ? {
    open: "Ouvrir le chat", close: "Fermer le chat", placeholder: "Écrivez un message…", send: "Envoyer",
    typing: "L’équipe écrit…", typingName: (n) => n + " écrit…", seen: "Vu", name: "Votre nom", email: "Votre e-mail", start: "Commencer", unread: "non lus",
    tooLong: (n) => "Votre message est trop long : " + n + " caractères au plus.",
    offline: "Connexion perdue, reconnexion…", failed: "Le message n’a pas pu être envoyé : ",
    rate: "Vous envoyez des messages trop vite ; patientez un instant.", badEmail: "Cet e-mail n’est pas valide.",
    closed: "Conversation terminée", messages: "Messages", online: "En ligne", away: "Nous vous répondrons dès que possible",
    backToday: (t) => "De retour aujourd’hui à " + t, backTomorrow: (t) => "De retour demain à " + t, backOn: (d, t) => "De retour " + d + " à " + t,
    title: "Discutons", prechat: "Présentez-vous avant de commencer.", attach: "Joindre un fichier",
    tooBig: (mb) => "Ce fichier est trop lourd : " + mb + " Mo au plus.",
  } : {
    open: "Open chat", close: "Close chat", placeholder: "Write a message…", send: "Send",
    typing: "The team is typing…", typingName: (n) => n + " is typing…", seen: "Seen", name: "Your name", email: "Your email", start: "Start chatting", unread: "unread",
    tooLong: (n) => "Your message is too long: at most " + n + " characters.",
    offline: "Connection lost, reconnecting…", failed: "The message could not be sent: ",
    rate: "You are sending messages too fast; wait a moment.", badEmail: "This email address is not valid.",
    closed: "Conversation closed", messages: "Messages", online: "Online", away: "We'll reply as soon as we can",
    backToday: (t) => "Back today at " + t, backTomorrow: (t) => "Back tomorrow at " + t, backOn: (d, t) => "Back " + d + " at " + t,
    title: "Chat with us", prechat: "Tell us who you are before we start.", attach: "Attach a file",
    tooBig: (mb) => "This file is too large: at most " + mb + " MB.",
  };

  // Dates and times in the visitor's own form when it is the language of
  // the words around them.
  const nav = navigator.language || "";
  const locale = nav.toLowerCase().startsWith(fr ? "fr" : "en") ? nav : fr ? "fr" : "en";

  // backAt says when the team is back, in the visitor's time: today,
  // tomorrow, a weekday within the week, else a date.
  const backAt = (at) => {
    const day = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    const days = Math.round((day(at) - day(new Date())) / 86400000);
    const time = at.toLocaleTimeString(locale, { hour: "numeric", minute: "2-digit" });
    if (days <= 0) return T.backToday(time);
    if (days === 1) return T.backTomorrow(time);
    return T.backOn(at.toLocaleDateString(locale, days < 7 ? { weekday: "long" } : { weekday: "long", day: "numeric", month: "long" }), time);
  };

  const load = () => { try { return JSON.parse(localStorage.getItem(storeKey) || "{}") || {}; } catch { return {}; } };
  let saved = load();
  const save = () => { try { localStorage.setItem(storeKey, JSON.stringify(saved)); } catch { /* private mode */ } };
  // forget signs the visitor out (their secret no longer holds: the
  // channel's token was rotated) but keeps what they told the pre-chat
  // form, sent again with the new visitor's first message: the form is
  // not asked again, and the new contact would otherwise have no name.
  const forget = () => { saved = saved.profile ? { profile: saved.profile } : {}; save(); };

  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "on") for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
      else if (v !== false && v != null) el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid != null) el.append(kid);
    return el;
  };

  // The widget's styles (assets/widget.css), put here as a string by the
  // server when it loads the script (script.go).
  const css = /*widget.css*/"";

  const host = h("div", { id: "switchboard-widget-" + channel });
  const shadow = host.attachShadow({ mode: "open" });
  if ("adoptedStyleSheets" in shadow && typeof CSSStyleSheet === "function") {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    shadow.append(h("style", null, css));
  }

  let cfg = null, ws = null, wsReady = false, retry = 0, open = false, quiet = false;
  let wsVisitor = ""; // the visitor the socket authenticated as
  const messages = new Map(); // id → message
  // client_id → {el, frame}: sent and not yet acknowledged; sent again
  // (the same client_id, stored once) when the socket is ready again.
  const pending = new Map();
  let unread = 0, typingTimer = 0, myTypingAt = 0, myTypingStop = 0;
  // Up to when (ms, the server's clock) a person of the team read the
  // visitor's messages: 0 until the history or a read frame says.
  let seenAt = 0;
  let readSent = 0; // the newest reply the server was told the visitor read
  let deliveredSent = 0; // the newest reply the server was told this widget has
  const closedShown = new Set(); // conversations drawn as closed

  const badge = h("span", { class: "badge", "data-testid": "sb-unread", hidden: true });
  const launcher = h("button", { class: "launcher", type: "button", "aria-label": T.open, "aria-expanded": "false",
    "data-testid": "sb-launcher", on: { click: () => toggle() } });
  launcher.innerHTML = '<svg class="i-chat" viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>' +
    '<svg class="i-close" viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"/></svg>';
  launcher.append(badge);
  const title = h("b");
  // Whether someone of the team is online, as the socket says.
  const status = h("span", { class: "status", "data-testid": "sb-status", hidden: true });
  const closeBtn = h("button", { type: "button", "aria-label": T.close, on: { click: () => toggle(false) } }, "×");
  const greet = h("div", { class: "greet", "data-testid": "sb-greeting", hidden: true });
  // Focusable, so that a keyboard scrolls a conversation taller than the panel.
  const list = h("div", { class: "list", role: "log", "aria-live": "polite", "aria-label": T.messages, tabindex: "0", "data-testid": "sb-messages" });
  const typing = h("div", { class: "typing", "data-testid": "sb-typing", hidden: true }, T.typing);
  const err = h("div", { class: "err", role: "alert", "data-testid": "sb-error", hidden: true });
  const input = h("textarea", { rows: "1", "aria-label": T.placeholder, placeholder: T.placeholder, "data-testid": "sb-input" });
  const sendBtn = h("button", { class: "send", type: "button", "data-testid": "sb-send" }, T.send);
  const file = h("input", { type: "file", hidden: true, "data-testid": "sb-file", accept: "image/*,application/pdf,text/plain" });
  const clip = h("button", { class: "clip", type: "button", "aria-label": T.attach, title: T.attach, hidden: true,
    "data-testid": "sb-attach", on: { click: () => file.click() } });
  clip.innerHTML = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"><path d="M21 11l-8.5 8.5a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L15 7"/></svg>';
  const composer = h("div", { class: "composer" }, clip, file, input, sendBtn);
  const nameIn = h("input", { name: "name", autocomplete: "name", required: true, "data-testid": "sb-name" });
  const emailIn = h("input", { name: "email", type: "email", autocomplete: "email", required: true, "data-testid": "sb-email" });
  const pre = h("form", { class: "pre", "data-testid": "sb-prechat" }, h("div", null, T.prechat),
    h("label", null, T.name, nameIn), h("label", null, T.email, emailIn),
    h("button", { class: "send", type: "submit" }, T.start));
  const panel = h("div", { class: "panel", role: "dialog", "aria-label": T.title, "data-testid": "sb-panel", hidden: true },
    h("div", { class: "head" }, h("div", { class: "who-we" }, title, status), closeBtn), greet, list, typing, err, composer);
  const root = h("div", { class: "root" }, panel, launcher);
  panel.addEventListener("keydown", (e) => { if (e.key === "Escape") { toggle(false); launcher.focus(); } });
  shadow.append(root);

  const showError = (text) => { err.textContent = text; err.hidden = !text; };

  function toggle(want) {
    open = want === undefined ? !open : want;
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.setAttribute("aria-label", open ? T.close : T.open);
    if (open) {
      markRead();
      (pre.isConnected ? nameIn : input).focus();
      list.scrollTop = list.scrollHeight;
    }
  }

  // markRead runs while the panel is open: what it shows is read. The
  // badge forgets it, and the team is told of the newest reply (the
  // server marks it and those before it read), once per reply, while the
  // page is in view; a socket not ready yet is told on its ready.
  function markRead() {
    let last = saved.seen || 0;
    for (const m of messages.values()) last = Math.max(last, m.id);
    saved.seen = last;
    save();
    unread = 0;
    drawBadge();
    const reply = newestReply();
    if (reply > readSent && document.visibilityState === "visible" && put({ type: "read", message_id: reply })) readSent = reply;
  }
  // markDelivered tells the team of the newest reply this widget has, from
  // its history or its socket, panel open or not (the server marks it and
  // those before it delivered), once per reply; a reply told read already
  // is past delivered.
  function markDelivered() {
    const reply = newestReply();
    if (reply > Math.max(deliveredSent, readSent) && put({ type: "delivered", message_id: reply })) deliveredSent = reply;
  }
  function newestReply() {
    let reply = 0;
    for (const m of messages.values()) if (m.direction === "out") reply = Math.max(reply, m.id);
    return reply;
  }
  // A reply that came while the page was in the background is read when
  // the visitor comes back to it.
  document.addEventListener("visibilitychange", () => { if (open && document.visibilityState === "visible") markRead(); });

  function drawBadge() {
    badge.hidden = unread === 0;
    badge.textContent = unread > 9 ? "9+" : String(unread);
    badge.setAttribute("aria-label", unread + " " + T.unread);
  }

  // trimURL leaves out the punctuation that ends a sentence, not the URL
  // (as the inbox's linkify does): "…/track/42." links to …/track/42.
  function trimURL(url) {
    for (;;) {
      const last = url.charAt(url.length - 1);
      const count = (c) => url.split(c).length - 1;
      if (".,;:!?'\"".includes(last) && last) url = url.slice(0, -1);
      else if (last === ")" && count("(") < count(")")) url = url.slice(0, -1);
      else if (last === "]" && !url.includes("[")) url = url.slice(0, -1);
      else return url;
    }
  }

  // Links become clickable only as http(s) anchors; everything else is text.
  function textNodes(text) {
    const out = [];
    const re = /https?:\/\/[^\s<>"]+/g;
    let at = 0, m;
    while ((m = re.exec(text))) {
      const url = trimURL(m[0]);
      if (!/^https?:\/\/./.test(url)) continue; // punctuation alone: text
      if (m.index > at) out.push(document.createTextNode(text.slice(at, m.index)));
      out.push(h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url));
      at = m.index + url.length;
      re.lastIndex = at;
    }
    if (at < text.length) out.push(document.createTextNode(text.slice(at)));
    return out;
  }

  function bubble(dir, text, attrs) {
    const el = h("div", Object.assign({ class: "msg " + dir, "data-testid": "sb-message", "data-direction": dir }, attrs || {}));
    el.append(...textNodes(text));
    return el;
  }

  function drawReplies() {
    for (const old of list.querySelectorAll(".replies")) old.remove();
    const last = [...messages.values()].pop();
    if (!last || last.direction !== "out" || !last.replies || !last.replies.length || closedShown.has(last.conversation_id)) return;
    const box = h("div", { class: "replies", "data-testid": "sb-replies" });
    for (const r of last.replies) {
      box.append(h("button", { type: "button", "data-testid": "sb-reply", on: { click: () => send(r) } }, r));
    }
    list.append(box);
  }

  // drawSeen says "Seen" under the visitor's newest message once the team
  // read it, while nothing came after it (a reply says more than that, and
  // a message being sent was not seen yet).
  function drawSeen() {
    for (const old of list.querySelectorAll(".seen")) old.remove();
    const last = [...messages.values()].pop();
    if (!last || pending.size > 0 || last.direction !== "in" || !(Date.parse(last.created_at) <= seenAt)) return;
    const el = list.querySelector('[data-message-id="' + last.id + '"]');
    if (el) el.after(h("div", { class: "seen", "data-testid": "sb-seen" }, T.seen));
  }

  // drawAvailability says "Online", or the away message and, outside the
  // business hours, when the team is back — a phrase dropped once that
  // time has come (the server says again on the next change).
  let backTimer;
  function drawAvailability(online, opensAt) {
    clearTimeout(backTimer);
    const at = opensAt ? new Date(opensAt) : null;
    const away = (cfg && cfg.away_message) || T.away;
    status.hidden = false;
    status.classList.toggle("on", online);
    status.dataset.online = String(online);
    status.dataset.opensAt = (!online && at && opensAt) || "";
    if (online || !at || at <= new Date()) status.textContent = online ? T.online : away;
    else status.replaceChildren(away, h("span", { class: "back", "data-testid": "sb-back" }, backAt(at)));
    // setTimeout waits at most about 24 days: past that, the phrase stays until the next news.
    if (!online && at && at - Date.now() > 0 && at - Date.now() < 2 ** 31 - 1)
      backTimer = setTimeout(() => drawAvailability(false, null), at - Date.now());
  }

  // drawClosed draws "Conversation closed" under the last message of a
  // conversation that ended (the next message starts another); once each.
  function drawClosed(conv) {
    if (!conv || closedShown.has(conv)) return;
    closedShown.add(conv);
    for (const old of list.querySelectorAll(".replies")) old.remove();
    list.append(h("div", { class: "closed", role: "separator", "data-testid": "sb-closed", "data-conversation-id": String(conv) }, T.closed));
    list.scrollTop = list.scrollHeight;
  }

  function addMessage(m) {
    if (messages.has(m.id)) return;
    const prev = [...messages.values()].pop();
    // A message of another conversation: the one before had ended.
    if (prev && prev.conversation_id && m.conversation_id && prev.conversation_id !== m.conversation_id) drawClosed(prev.conversation_id);
    messages.set(m.id, m);
    let text = m.text || "";
    if (m.replies && m.replies.length) {
      // A question's text lists its choices as "1. …" lines: the buttons say
      // them. Only those: other numbered lines are the author's message.
      const choices = new Set(m.replies.map((r, i) => i + 1 + ". " + r));
      text = text.split("\n").filter((l) => !choices.has(l.trim())).join("\n");
    }
    const el = bubble(m.direction, text, { "data-message-id": String(m.id) });
    for (const a of m.attachments || []) {
      let href = "";
      try { href = new URL(a.url, base).href; } catch { /* not a URL */ }
      if (/^https?:\/\//.test(href)) {
        el.append(document.createElement("br"), h("a", { href, target: "_blank", rel: "noopener noreferrer" }, a.name || a.type));
      }
    }
    // The person who wrote a reply is named above it, once for their
    // replies in a row.
    if (m.direction === "out" && m.sender_name && !(prev && prev.direction === "out" && prev.sender_name === m.sender_name)) {
      list.append(h("div", { class: "who", "data-testid": "sb-sender" }, m.sender_name));
    }
    list.append(el);
    const survey = m.direction === "out" && surveyToken(m.text);
    if (survey) drawSurvey(el, survey);
    if (m.direction === "out") {
      typing.hidden = true;
      if (!open && m.id > (saved.seen || 0)) {
        unread++;
        drawBadge();
      }
    }
    drawReplies();
    drawSeen();
    list.scrollTop = list.scrollHeight;
    if (open) markRead();
    markDelivered();
  }

  /*survey.js*/

  async function call(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    if (saved.visitor_id) headers.Authorization = "Visitor " + saved.visitor_id + ":" + saved.secret;
    const res = await fetch(api + path, { method, headers, body: body ? JSON.stringify(body) : undefined, credentials: "omit" });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error((data.error && data.error.message) || res.statusText), { status: res.status });
    return data;
  }

  async function ensureVisitor() {
    if (saved.visitor_id && saved.secret) return;
    const v = await call("POST", "/visitors");
    // Another tab (opened at the same time) may have stored its visitor
    // meanwhile: the browser is that one visitor. Ours, overwriting it,
    // left that tab writing as a visitor no reload would find again.
    const now = load();
    if (now.visitor_id && now.secret) { saved = now; return; }
    saved = { visitor_id: v.visitor_id, secret: v.secret, profile: saved.profile };
    save();
  }

  // put sends a frame on the socket only while it is open: one the server
  // is closing (the visitor signed out, the channel's token rotated) takes
  // no more, and the browser reports each as an error. A message stays
  // pending and goes again on the next socket's ready; a typing notice is
  // dropped, as a hint may be.
  function put(frame) {
    if (!ws || !wsReady || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }

  function connect() {
    const url = api.replace(/^http/, "ws") + "/socket";
    ws = new WebSocket(url);
    ws.onopen = () => {
      wsVisitor = saved.visitor_id;
      ws.send(JSON.stringify({ type: "auth", visitor_id: saved.visitor_id, secret: saved.secret }));
    };
    ws.onmessage = (ev) => {
      let f;
      try { f = JSON.parse(ev.data); } catch { return; }
      switch (f.type) {
        case "ready":
          wsReady = true;
          retry = 0;
          if (open) markRead();
          markDelivered();
          if (err.dataset.kind === "offline") { showError(""); delete err.dataset.kind; }
          // A message whose ack was lost with the last socket may or may
          // not be stored: sent again, it is stored once.
          for (const p of pending.values()) {
            if (saved.profile && !saved.profileSent) Object.assign(p.frame, saved.profile);
            put(p.frame);
          }
          break;
        case "message":
          if (f.message) addMessage(f.message);
          break;
        case "ack": {
          const p = pending.get(f.client_id);
          // The stored message follows on this socket, and draws "Seen".
          if (p) { p.el.remove(); pending.delete(f.client_id); }
          if (saved.profile && !saved.profileSent) { saved.profileSent = true; save(); }
          // Tells this visitor's other tabs (the storage event) that they now
          // have a conversation to follow.
          if (!saved.wrote) { saved.wrote = true; save(); }
          break;
        }
        case "error": {
          const p = pending.get(f.client_id);
          if (p) { p.el.remove(); pending.delete(f.client_id); drawSeen(); }
          const cut = f.client_id && p ? p.frame.text : "";
          if (cut && !input.value) input.value = cut;
          // The pre-chat name or email refused by the server, whose checks
          // are stricter than the form's (wendy.@example.com): asked again,
          // or every message would carry it and be refused.
          if (p && p.frame.email !== undefined && f.code === "invalid" && /^(name|email) /.test(f.error || "") && saved.profile) {
            nameIn.value = saved.profile.name;
            emailIn.value = saved.profile.email;
            delete saved.profile;
            save();
            if (composer.isConnected) composer.replaceWith(pre);
            showError(/^email/.test(f.error) ? T.badEmail : T.failed + f.error);
            (/^email/.test(f.error) ? emailIn : nameIn).focus();
            break;
          }
          showError(f.code === "too_long" && cfg ? T.tooLong(cfg.max_text_length) : f.code === "rate_limited" ? T.rate : T.failed + f.error);
          break;
        }
        case "availability":
          drawAvailability(f.online === true, f.opens_at);
          break;
        case "closed":
          drawClosed(f.conversation_id);
          break;
        case "read":
          seenAt = Math.max(seenAt, Date.parse(f.seen_at) || 0);
          drawSeen();
          break;
        case "typing":
          typing.hidden = f.state !== "start";
          typing.textContent = f.name ? T.typingName(f.name) : T.typing;
          clearTimeout(typingTimer);
          if (f.state === "start") typingTimer = setTimeout(() => { typing.hidden = true; }, 8000);
          break;
      }
    };
    ws.onclose = (ev) => {
      wsReady = false;
      if (quiet) { quiet = false; start().catch(() => setTimeout(function again() { start().catch(() => setTimeout(again, 5000)); }, 1000)); return; }
      // Pending messages wait for the next socket, but for a frame too big
      // (1009), which would be refused again.
      if (ev.code === 1009) {
        for (const [id, p] of pending) { p.el.remove(); pending.delete(id); }
        showError(cfg ? T.tooLong(cfg.max_text_length) : T.failed);
      }
      // Signed out: unless another tab has already stored the next visitor,
      // which forgetting would erase from under it.
      if (ev.code === 4401) {
        const now = load();
        if (now.visitor_id && now.visitor_id !== wsVisitor) saved = now;
        else forget();
      }
      if (ev.code !== 1009) { showError(T.offline); err.dataset.kind = "offline"; }
      const wait = Math.min(30000, 500 * 2 ** retry++);
      setTimeout(function again() { start().catch(() => setTimeout(again, 5000)); }, wait);
    };
  }

  // Another tab of this visitor wrote the first message. This tab's socket
  // was opened before the visitor had a conversation, so the server could
  // not know whose messages to push to it: it reconnects, quietly, and is
  // then followed like the tab that wrote. The same when another tab
  // stored another visitor (signed out, it started again): this socket
  // would otherwise go on writing as one no reload finds again.
  window.addEventListener("storage", (e) => {
    if (e.key !== storeKey) return;
    const next = load();
    const first = next.wrote && !saved.wrote;
    saved = next;
    const moved = next.visitor_id && next.visitor_id !== wsVisitor;
    if ((first || moved) && ws && wsReady) { quiet = true; ws.close(); }
  });

  async function start() {
    await ensureVisitor();
    connect();
  }

  // send reports whether it took the message: one it refuses stays in the
  // composer, for the visitor to shorten or send again.
  function send(text, mediaID, label) {
    text = text.trim();
    if (!text && !mediaID) return false;
    if (cfg && [...text].length > cfg.max_text_length) { showError(T.tooLong(cfg.max_text_length)); return false; }
    if (!wsReady && !ws) { showError(T.offline); return false; }
    if (err.dataset.kind !== "offline") showError("");
    const clientID = Math.random().toString(36).slice(2) + Date.now().toString(36);
    const frame = { type: "message", text, client_id: clientID };
    if (mediaID) frame.media_ids = [mediaID];
    if (saved.profile && !saved.profileSent) Object.assign(frame, saved.profile);
    const el = bubble("in", [text, label].filter(Boolean).join("\n"), { class: "msg in pending" });
    pending.set(clientID, { el, frame });
    list.append(el);
    drawSeen();
    list.scrollTop = list.scrollHeight;
    // While reconnecting it waits, pending, for the next ready.
    put(frame);
    myTypingAt = 0;
    return true;
  }

  sendBtn.addEventListener("click", () => { if (send(input.value)) input.value = ""; });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); sendBtn.click(); }
  });
  input.addEventListener("input", () => {
    if (!wsReady) return;
    clearTimeout(myTypingStop);
    if (!input.value) {
      // Emptied: the visitor stopped writing, which the team sees now
      // rather than when the notice would have run out.
      if (myTypingAt) { myTypingAt = 0; put({ type: "typing", state: "stop" }); }
      return;
    }
    const now = Date.now();
    if (now - myTypingAt > 3000) { myTypingAt = now; put({ type: "typing", state: "start" }); }
    myTypingStop = setTimeout(() => { myTypingAt = 0; put({ type: "typing", state: "stop" }); }, 4000);
  });
  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    file.value = "";
    if (!f || !cfg) return;
    if (f.size > cfg.max_upload_bytes) { showError(T.tooBig(Math.floor(cfg.max_upload_bytes / 1048576))); return; }
    showError("");
    const body = new FormData();
    body.append("file", f, f.name);
    try {
      const res = await fetch(api + "/uploads", { method: "POST", body, credentials: "omit",
        headers: { Authorization: "Visitor " + saved.visitor_id + ":" + saved.secret } });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) {
        showError(res.status === 413 ? T.tooBig(Math.floor(cfg.max_upload_bytes / 1048576)) : T.failed + ((data.error && data.error.message) || res.statusText));
        return;
      }
      if (send(input.value, data.media_id, data.file_name)) input.value = "";
    } catch (e) {
      showError(T.failed + e.message);
    }
  });
  pre.addEventListener("submit", (e) => {
    e.preventDefault();
    const name = nameIn.value.trim(), email = emailIn.value.trim();
    if (!name || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) { showError(T.badEmail); return; }
    showError("");
    saved.profile = { name, email };
    save();
    pre.replaceWith(composer);
    input.focus();
  });

  async function boot() {
    try {
      cfg = await (await fetch(api + "/settings", { credentials: "omit" })).json();
    } catch { return; }
    if (!cfg || !cfg.color) return;
    root.style.setProperty("--c", cfg.color);
    root.classList.add(cfg.position === "left" ? "left" : "right");
    title.textContent = cfg.name || T.title;
    clip.hidden = !(cfg.max_upload_bytes > 0);
    if (cfg.greeting) { greet.textContent = cfg.greeting; greet.hidden = false; }
    if (cfg.pre_chat_form && !saved.profile) composer.replaceWith(pre);
    document.body.append(host);
    try {
      await ensureVisitor();
      const hist = await call("GET", "/messages");
      seenAt = Date.parse(hist.seen_at) || 0;
      for (const m of hist.messages || []) addMessage(m);
      if (hist.closed) drawClosed([...messages.values()].pop().conversation_id);
    } catch (e) {
      if (e.status === 401) forget();
    }
    const go = () => start().catch(() => setTimeout(go, 5000));
    go();
  }

  if (document.body) boot(); else document.addEventListener("DOMContentLoaded", boot);
})();
