  /* The satisfaction survey in the chat, put into widget.js's closure at
   * its mark by the server (it uses h, base, fr, list, trimURL and
   * showError). A survey's message links to <this server>/rate/<token>
   * (internal/satisfaction); under it the visitor rates with five faces,
   * then may add a comment, and may change the rating while the link
   * lasts. The link stays in the message for whoever prefers its page. */
  const TS = fr ? {
    ask: "Comment s’est passée cette conversation ?", ratings: ["Très insatisfait", "Insatisfait", "Neutre", "Satisfait", "Très satisfait"],
    thanks: (r) => "Merci ! Votre note : " + r + ".", rated: (r) => "Votre note : " + r + ".",
    comment: "Un mot à ajouter ? (facultatif)", send: "Envoyer", change: "Changer ma note", failed: "La note n’a pas pu être envoyée : ",
  } : {
    ask: "How was this conversation?", ratings: ["Very dissatisfied", "Dissatisfied", "Neutral", "Satisfied", "Very satisfied"],
    thanks: (r) => "Thank you! Your rating: " + r + ".", rated: (r) => "Your rating: " + r + ".",
    comment: "Anything to add? (optional)", send: "Send", change: "Change my rating", failed: "The rating could not be sent: ",
  };
  // The faces, drawn (an emoji font is not on every machine): the mouth
  // goes from a frown (1, under angry brows) to an open smile (5).
  const mouths = ["M8 17q4-4 8 0", "M8.5 16.5q3.5-2 7 0", "M8.5 16h7", "M8.5 15q3.5 2.5 7 0", "M7.5 14h9q-4.5 6-9 0z"];
  const face = (n) => '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true" fill="none" stroke="currentColor" ' +
    'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="12" r="10"/>' +
    '<path d="M9 9.5h.01M15 9.5h.01" stroke-width="2.6"/>' + (n === 1 ? '<path d="M7.5 7l3 1.5M16.5 7l-3 1.5"/>' : "") +
    '<path d="' + mouths[n - 1] + '"' + (n === 5 ? ' fill="currentColor"' : "") + "/></svg>";
  const ratingWords = (n) => TS.ratings[n - 1] + " (" + n + "/5)";

  // surveyToken finds, in a message's text, the link of a survey of this
  // server; "" when there is none.
  function surveyToken(text) {
    const re = /https?:\/\/[^\s<>"]+/g;
    let m;
    while ((m = re.exec(text || ""))) {
      let u;
      try { u = new URL(trimURL(m[0])); } catch { continue; }
      const t = /^\/rate\/([A-Za-z0-9_-]{16,64})$/.exec(u.pathname);
      if (t && u.origin === base) return t[1];
    }
    return "";
  }

  // surveyCall reads the survey, or answers it with body. Its routes take
  // any page's call: the token is the credential, no cookie is sent.
  async function surveyCall(token, body) {
    const init = body ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) } : {};
    const res = await fetch(base + "/api/v1/surveys/" + token, Object.assign(init, { credentials: "omit" }));
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((data.error && data.error.message) || res.statusText);
    return data;
  }

  // drawSurvey puts the survey's card after its message, as its state is:
  // the faces until rated (or when changing), then the rating, the
  // comment or a box for one. Nothing when the link no longer works and
  // was not answered: the message says what it says.
  async function drawSurvey(message, token) {
    let first;
    try { first = await surveyCall(token); } catch { return; }
    const card = h("div", { class: "survey", "data-testid": "sb-survey" });
    const answer = async (rating, comment) => {
      try { draw(await surveyCall(token, { rating, comment }), false); } catch (e) { showError(TS.failed + e.message); }
    };
    const draw = (s, changing) => {
      card.replaceChildren();
      card.dataset.rating = String(s.rating);
      if (s.rating && !changing) {
        card.append(h("div", { "data-testid": "sb-survey-rated" }, (s.expired || s.comment ? TS.rated : TS.thanks)(ratingWords(s.rating))));
        if (s.comment) card.append(h("div", { class: "said", "data-testid": "sb-survey-said" }, "“" + s.comment + "”"));
        if (s.expired) return;
        if (!s.comment) {
          const box = h("textarea", { rows: "2", maxlength: "2000", "aria-label": TS.comment, placeholder: TS.comment, "data-testid": "sb-survey-comment" });
          const send = () => { if (box.value.trim()) answer(s.rating, box.value.trim()); };
          card.append(box, h("button", { class: "send", type: "button", "data-testid": "sb-survey-send", on: { click: send } }, TS.send));
        }
        card.append(h("button", { class: "change", type: "button", "data-testid": "sb-survey-change", on: { click: () => draw(s, true) } }, TS.change));
        return;
      }
      if (s.expired) return card.remove();
      const faces = h("div", { class: "faces", role: "group", "aria-label": TS.ask });
      for (let n = 1; n <= 5; n++) {
        const b = h("button", { type: "button", "aria-label": TS.ratings[n - 1], title: TS.ratings[n - 1], "aria-pressed": String(s.rating === n), "data-testid": "sb-rate-" + n,
          on: { click: () => answer(n, s.comment || "") } });
        b.innerHTML = face(n);
        faces.append(b);
      }
      card.append(h("div", { class: "ask" }, TS.ask), faces);
    };
    draw(first, false);
    if (!card.childNodes.length) return;
    message.after(card);
    list.scrollTop = list.scrollHeight;
  }
