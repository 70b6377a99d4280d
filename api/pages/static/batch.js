// The batch card (批次卡): what the batch is, and a big button for each action the rules allow now.
"use strict";
(function () {
  const FT = window.FT;
  const { config, t, request, el, setText, bindForm, recall, notice, clearMessages, showProblem } = FT;
  if (!FT.requireSession()) return;
  const me = FT.session();
  // From the address: with no signal the service worker may serve one kept card page for every batch.
  const code = decodeURIComponent(location.pathname.split("/")[3] || config.code);
  const scannedAt = FT.countyNow(); // the scan that opened this card: the business time of what is queued from it
  const QUEUED = new Set(["issue", "return"]); // what may be done with no signal, sent when the network returns
  const path = "batches/" + encodeURIComponent(code);
  const ORDER = ["confirm_issue", "issue", "inspect", "move", "return", "hold", "release", "write_off", "attach_certificate"];
  const DANGER = new Set(["hold", "write_off"]);
  const EXPLAINED = new Set(["confirm_issue", "issue", "move", "write_off"]); // "cannot release: not on hold" would be noise
  let card = null;
  let offline = false;

  async function load() {
    const box = document.getElementById("card");
    box.setAttribute("aria-busy", "true");
    setText("code", code);
    try {
      card = await request("GET", path);
      offline = false;
      FT.outbox.remember("batch:" + code, card);
      render(card);
    } catch (error) {
      const seen = error instanceof FT.NetworkFailure ? await FT.outbox.recall("batch:" + code) : null;
      if (seen) {
        card = seen.value;
        offline = true;
        render(card);
      } else {
        showProblem(error instanceof FT.NetworkFailure ? new FT.NetworkFailure(t("offline_unknown_batch")) : error);
        setText("product", "—");
      }
      showOffline(seen);
    } finally {
      box.setAttribute("aria-busy", "false");
    }
  }

  function showOffline(seen) {
    const note = document.getElementById("offline-note");
    note.hidden = !seen;
    note.textContent = seen ? `${FT.outbox.staleNote(seen)}。${t("offline_only_queue")}` : "";
  }

  function render(c) {
    document.title = `${c.product} · ${t("app_name")}`;
    const band = document.getElementById("band");
    band.className = "band band-" + c.colour;
    setText("category", FT.categoryName(c.category) + (c.pork ? " · " + t("pork") : ""));
    setText("code", c.code);
    setText("product", c.product);
    setText("on-hand", `${c.on_hand} ${FT.unitName(c.unit)}`);
    setText("use-by", c.use_by_date);
    setText("lot", c.lot);
    setText("supplier-lot", c.supplier_lot);
    setText("supplier", c.supplier_name);
    setText("place", c.place);
    setText("received", FT.formatMoment(c.received_at));
    setText("reserved", Number(c.reserved) ? `${c.reserved} ${FT.unitName(c.unit)}` : "");
    document.querySelectorAll(".unit").forEach((node) => (node.textContent = FT.unitName(c.unit)));
    const recalls = (c.recalls || []).filter((r) => r.open);
    const recalled = document.getElementById("recalled");
    recalled.hidden = !recalls.length;
    recalled.textContent = recalls.map((r) => `${t("recalled")}：${r.notice_number} · ${r.reason}`).join("\n");
    const hold = document.getElementById("hold");
    hold.hidden = !c.on_hold;
    hold.textContent = c.on_hold ? `${t("on_hold")}：${c.hold_reason}` : "";
    document.getElementById("expired").hidden = !c.expired;
    document.getElementById("failed").hidden = !c.failed_inspections;
    renderCertificates(c);
    renderCoSign(c);
    renderPending(c);
    renderActions(c);
  }

  function renderCertificates(c) {
    const list = document.getElementById("certs");
    list.replaceChildren();
    for (const cert of c.certificates) {
      list.append(el("li", { class: "present" }, el("span", { class: "mark", "aria-hidden": "true", text: "✓" }), `${t("cert_" + cert.kind)} · ${cert.number}`));
    }
    for (const kind of c.missing_certificates) {
      list.append(el("li", { class: "missing" }, el("span", { class: "mark", "aria-hidden": "true", text: "✗" }), `${t("certificates_missing")}：${t("cert_" + kind)}`));
    }
    if (!c.missing_certificates.length) list.append(el("li", { class: "complete", text: t("certificates_complete") }));
  }

  function mealName(meal) {
    return t("meal_" + meal);
  }

  function renderPending(c) {
    const section = document.getElementById("pending");
    const list = document.getElementById("pending-list");
    list.replaceChildren();
    section.hidden = !c.pending_issues.length;
    for (const offer of c.pending_issues) {
      const mine = offer.taken_by === me.person_id && c.actions.includes("confirm_issue") && !offline;
      const what = `${offer.quantity} ${FT.unitName(offer.unit)} ${c.product} · ${t("lot")} ${c.lot} · ${t("for_meal")} ${offer.meal_date} ${mealName(offer.meal)}`;
      const item = el("li", { class: mine ? "mine" : "" });
      if (mine) {
        item.append(el("p", { class: "large", text: `${t("you_take")} ${what}` }), el("p", { text: `${t("given_by")}：${offer.given_by_name}` }));
        const button = el("button", { type: "button", class: "big", text: t("act_confirm_issue") });
        button.addEventListener("click", () => confirmOffer(offer.offer, button));
        item.append(button);
      } else {
        item.append(el("p", { text: `${what} → ${offer.taken_by_name}（${t("given_by")} ${offer.given_by_name}）` }));
      }
      list.append(item);
    }
  }

  // 签字背书: an intake whose co-signer has not yet signed; the co-signer signs here, on their own phone.
  function renderCoSign(c) {
    document.getElementById("co-sign").hidden = !c.awaiting_co_signers.length;
    setText("co-sign-who", c.awaiting_co_signers.join("、"));
    document.getElementById("co-sign-button").hidden = !c.actions.includes("co_sign") || offline;
  }

  const coSignButton = document.getElementById("co-sign-button");
  coSignButton.addEventListener("click", () => sign(coSignButton, `${path}/co-sign`, "co_signed_done"));

  function confirmOffer(offer, button) {
    return sign(button, `${path}/issues/${offer}/confirm`, "issue_done");
  }

  // A signature of the person signed in (a hand-off taken, an intake co-signed): one tap, one record.
  async function sign(button, route, done) {
    if (button.disabled) return;
    button.disabled = true;
    clearMessages();
    const key = button.dataset.key || (button.dataset.key = FT.newKey());
    try {
      await request("POST", route, { key });
      notice(t(done));
      await load();
    } catch (error) {
      if (error instanceof FT.Problem) delete button.dataset.key;
      showProblem(error);
    } finally {
      button.disabled = false;
    }
  }

  function renderActions(c) {
    const box = document.getElementById("actions");
    box.replaceChildren();
    const offered = ORDER.filter((action) => c.actions.includes(action) && action !== "confirm_issue" && (!offline || QUEUED.has(action)));
    const signing = c.actions.filter((action) => ["confirm_issue", "co_sign"].includes(action));
    for (const action of offered) {
      const button = el("button", { type: "button", class: "big action" + (DANGER.has(action) ? " danger" : ""), "data-action": action, text: t("act_" + action) });
      button.addEventListener("click", () => openForm(action));
      box.append(button);
    }
    // A signature (confirming a hand-off, co-signing an intake) sits with what it signs.
    document.getElementById("actions-section").hidden = !offered.length && signing.length > 0;
    document.getElementById("no-actions").hidden = c.actions.length > 0;
    const refusals = document.getElementById("refusals");
    refusals.replaceChildren();
    for (const [action, reason] of Object.entries(config.lang === "en" ? c.refusals_en : c.refusals)) {
      if (!EXPLAINED.has(action) || !roleMayEver(action)) continue;
      refusals.append(el("li", {}, el("strong", { text: `${t("not_now")} ${t("act_" + action)}` }), (config.lang === "en" ? ": " : "：") + reason));
    }
  }

  // Refusals name what the rules forbid now; show them only for what this person could otherwise do.
  function roleMayEver(action) {
    const store = ["storekeeper", "admin"];
    const allowed = { confirm_issue: ["kitchen"], issue: store, move: store, write_off: store, return: store, hold: [...store, "principal"], release: [...store, "principal"] };
    return (allowed[action] || []).includes(me.role);
  }

  function forms() {
    return document.querySelectorAll("form.action-form");
  }

  function openForm(action) {
    clearMessages();
    forms().forEach((form) => (form.hidden = form.dataset.action !== action));
    const form = document.querySelector(`form.action-form[data-action="${action}"]`);
    recall(form);
    if (action === "issue" && card) {
      form.elements.quantity.max = card.on_hand;
      showDishes(form);
    }
    const first = form.querySelector("input:not([type=radio]):not([type=hidden]), select");
    form.scrollIntoView({ block: "start" });
    if (first) first.focus();
  }

  // The dishes of the meal's menu, to say what this issue is for (one sack of rice feeds several: none is fine).
  async function showDishes(form) {
    const box = document.getElementById("issue-dishes");
    const list = document.getElementById("issue-dish-list");
    const meal = form.elements.meal.value;
    const day = form.elements.meal_date.value;
    let dishes = [];
    if (!offline && card && meal && day) {
      try {
        const school = encodeURIComponent(card.school);
        dishes = (await request("GET", `schools/${school}/meals/${encodeURIComponent(day)}/${meal}/dishes`)).dishes;
      } catch (error) {
        dishes = []; // no menu to choose from (or no signal): the issue names no dish
      }
    }
    if (form.elements.meal.value !== meal || form.elements.meal_date.value !== day) return; // changed meanwhile
    list.replaceChildren(...dishes.map((dish) => el("label", {}, el("input", { type: "checkbox", name: "dishes", value: dish.name }), " " + dish.name)));
    box.hidden = !dishes.length;
  }

  function closeForms() {
    forms().forEach((form) => {
      form.hidden = true;
      form.reset();
    });
  }

  const COMMANDS = {
    inspect: (d) => ["inspections", { stage: d.get("stage"), passed: d.get("passed") === "true", notes: d.get("notes") }],
    move: (d) => ["moves", { place: d.get("place").trim() }],
    issue: (d) => {
      const body = { quantity: d.get("quantity"), unit: card.unit, meal_date: d.get("meal_date"), meal: d.get("meal"), taken_by: d.get("taken_by").trim() };
      if (d.get("taker_pin")) body.taker_pin = d.get("taker_pin");
      if (d.getAll("dishes").length) body.dishes = d.getAll("dishes");
      return ["issues", body];
    },
    return: (d) => ["returns", { quantity: d.get("quantity"), unit: card.unit, returned_by: d.get("returned_by").trim(), reason: d.get("reason") }],
    hold: (d) => ["holds", { reason: d.get("reason").trim() }],
    release: (d) => ["releases", { reason: d.get("reason").trim() }],
    write_off: (d) => {
      const body = { reason: d.get("reason").trim(), witness: d.get("witness").trim() };
      if (d.get("quantity")) body.quantity = d.get("quantity");
      return ["write-offs", body];
    },
  };

  // With no signal an issue or a return waits in 待发送, with the moment this card was scanned.
  function queueAs(action) {
    if (!QUEUED.has(action)) return undefined;
    return (data) => {
      const [route, body] = COMMANDS[action](data);
      const who = action === "issue" ? body.taken_by : body.returned_by;
      const what = `${body.quantity} ${FT.unitName(card.unit)} ${card.product} · ${card.code} · ${who}`;
      return { path: `${path}/${route}`, body, kind: action, what, occurredAt: scannedAt };
    };
  }

  forms().forEach((form) => {
    const action = form.dataset.action;
    form.querySelector(".cancel").addEventListener("click", closeForms);
    form.addEventListener("ft:queued", closeForms);
    bindForm(form, async (data, key) => {
      let result;
      if (action === "attach_certificate") {
        result = await request("POST", `${path}/certificates`, { form: data, key });
      } else {
        const [route, body] = COMMANDS[action](data);
        result = await request("POST", `${path}/${route}`, { json: body, key });
      }
      closeForms();
      notice(action === "issue" ? t(result.status === "issued" ? "issue_done" : "issue_awaiting") : t("saved"));
      await load();
    }, queueAs(action));
  });
  const issueForm = document.querySelector('form.action-form[data-action="issue"]');
  issueForm.addEventListener("change", (event) => {
    if (["meal", "meal_date"].includes(event.target.name)) showDishes(issueForm);
  });
  document.addEventListener("ft:sent", () => load()); // what waited has reached the server: show the card as it is now

  const places = document.getElementById("places");
  const lastPlace = localStorage.getItem("ft.last.place");
  if (lastPlace) places.append(el("option", { value: lastPlace }));

  const printLabel = document.getElementById("print-label");
  printLabel.addEventListener("click", () => FT.labels.show(`${path}/label`, card.code));
  document.getElementById("timeline-link").href = `/app/batch/${encodeURIComponent(code)}/timeline`;
  load().then(() => {
    printLabel.hidden = !card || offline || !["storekeeper", "admin"].includes(me.role);
  });
})();
