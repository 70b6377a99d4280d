// 批次时间线: every event of one batch (what, who, when), the batch as it stood at a chosen moment, its certificate
// files, and where its lot went (forward trace, for investigators).
"use strict";
(function () {
  const FT = window.FT;
  const { config, t, el, request, setText, showProblem, clearMessages } = FT;
  const { good, bad, exportButton } = FT.office;
  if (!FT.requireSession()) return;
  const me = FT.session();
  const code = config.code;
  const path = "batches/" + encodeURIComponent(code);
  const STAFF_ROLES = ["storekeeper", "kitchen", "principal"];
  const names = new Map();
  let card = null;
  let events = [];

  // --- who: staff ids become names (the history names people by id) ------------------------------------
  function staffIds(entries) {
    const ids = new Set();
    for (const e of entries) {
      if (STAFF_ROLES.includes(e.by.role)) ids.add(e.by.person_id);
      const d = e.details;
      for (const key of ["given_by", "taken_by", "returned_by", "received_by", "witness", "inspector"]) if (d[key]) ids.add(d[key]);
      for (const id of d.signers || []) ids.add(id);
    }
    return [...ids];
  }
  async function lookUpNames(ids) {
    await Promise.all(
      ids.filter((id) => !names.has(id)).map(async (id) => {
        try {
          names.set(id, (await request("GET", "staff/" + encodeURIComponent(id))).name);
        } catch (error) {
          names.set(id, id); // someone the caller may not look up: the id is what the record holds
        }
      }),
    );
  }
  function who(id) {
    if (card && id === card.supplier) return card.supplier_name;
    return names.get(id) || id;
  }

  // --- what: each kind of event in a line of plain words -------------------------------------------------
  const unit = () => (card ? card.unit : "");
  const DETAILS = {
    Received: (d) => [`${d.quantity} ${FT.unitName(d.unit)}`, `${t("place")} ${d.place}`, `${t("signers")} ${(d.signers || []).map(who).join(t("list_sep"))}`, d.sensory_check && `${t("sensory")} ${d.sensory_check}`, d.arrival_temperature !== null && d.arrival_temperature !== undefined && `${t("temperature")} ${d.arrival_temperature} °C`],
    CertificateAttached: (d) => [`${t("cert_" + d.kind)} ${d.number}`, d.issuer, `${t("cert_issue_date")} ${d.issue_date}`],
    Inspected: (d) => [t("stage_" + d.stage), d.passed ? t("passed") : t("failed"), d.notes],
    PutOnHold: (d) => [d.reason],
    Released: (d) => [d.reason],
    Moved: (d) => [`${d.from_place} → ${d.to_place}`],
    IssueOffered: (d) => [`${d.quantity} ${FT.unitName(unit())}`, `${t("for_meal")} ${d.meal_date} ${FT.mealName(d.meal)}`, `${who(d.given_by)} → ${who(d.taken_by)}`],
    IssueOfferCancelled: (d) => [d.reason],
    IssuedToKitchen: (d) => [`${d.quantity} ${FT.unitName(unit())}`, `${t("for_meal")} ${d.meal_date} ${FT.mealName(d.meal)}`, `${who(d.given_by)} → ${who(d.taken_by)}`],
    ReturnedToStore: (d) => [`${d.quantity} ${FT.unitName(unit())}`, `${who(d.returned_by)} → ${who(d.received_by)}`, d.issue && t("returned_from", { n: d.issue }), d.reason],
    WrittenOff: (d) => [d.quantity && `${d.quantity} ${FT.unitName(unit())}`, d.reason, `${t("witnessed_by")} ${who(d.witness)}`],
    Corrected: (d) => [t("corrects", { n: d.corrects_version }), d.reason],
  };
  function describe(entry) {
    const parts = DETAILS[entry.what] ? DETAILS[entry.what](entry.details) : [JSON.stringify(entry.details)];
    return parts.filter(Boolean).join(" · ");
  }
  function whatName(entry) {
    // what_zh comes with the record; a kind it has no Chinese name for yet gets the page's own.
    if (config.lang === "zh" && entry.what_zh !== entry.what) return entry.what_zh;
    return config.words["ev_" + entry.what] || entry.what;
  }

  function renderEvent(entry) {
    const stateButton = el("button", { type: "button", class: "link-button", text: t("state_here") });
    stateButton.addEventListener("click", () => showAsOf(FT.office.wallClock(entry.at)));
    const failed = entry.what === "Inspected" && !entry.details.passed;
    return el(
      "li",
      { class: `event ev-${entry.what}` + (failed || entry.what === "PutOnHold" ? " alarm" : ""), "data-version": entry.version },
      el(
        "div",
        { class: "event-when" },
        el("time", { datetime: entry.at, text: FT.office.formatFull(entry.at) }),
        // 补录: written down well after it happened (typed in later, or a phone that was offline): say when.
        entry.late ? el("span", { class: "recorded late-entry", text: FT.office.lateNote(entry) }) : null,
      ),
      el(
        "div",
        { class: "event-body" },
        el("p", { class: "event-what" }, el("strong", { text: whatName(entry) }), ` · ${who(entry.by.person_id)}${FT.paren(FT.roleName(entry.by.role))}`),
        el("p", { class: "event-details", text: describe(entry) }),
        el("span", { class: "visually-hidden later-note", text: t("later") }),
        stateButton,
      ),
    );
  }

  // --- loading ---------------------------------------------------------------------------------------------
  async function history() {
    const found = [];
    let cursor = null;
    do {
      const page = await request("GET", `${path}/history?limit=500` + (cursor ? "&cursor=" + cursor : ""));
      found.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    return found;
  }

  function renderCard(c) {
    document.title = `${c.product} · ${t("timeline")} · ${t("app_name")}`;
    document.getElementById("band").className = "band band-" + c.colour;
    setText("category", FT.categoryName(c.category) + (c.pork ? " · " + t("pork") : ""));
    setText("product", c.product);
    setText("school", c.school);
    setText("supplier", `${c.supplier_name} (${c.supplier})`);
    setText("lot", c.lot === c.supplier_lot ? c.lot : `${c.lot}${FT.paren(c.supplier_lot)}`);
    setText("received", `${FT.office.formatFull(c.received_at)} · ${c.received_quantity} ${FT.unitName(c.unit)}`);
    setText("use-by", c.use_by_date);
    setText("on-hand", `${c.on_hand} ${FT.unitName(c.unit)}`);
    setText("place", c.place);
    const hold = document.getElementById("hold");
    hold.hidden = !c.on_hold;
    hold.textContent = c.on_hold ? `${t("on_hold")}${t("colon")}${c.hold_reason}` : "";
    document.getElementById("expired").hidden = !c.expired;
  }

  function renderDocuments(c) {
    const list = document.getElementById("documents");
    list.replaceChildren(
      ...c.certificates.map((cert) => {
        const open = el("button", { type: "button", class: "big secondary", text: t("open_document") });
        open.addEventListener("click", () => openDocument(cert, open));
        return el("li", {}, el("p", {}, good(`${t("cert_" + cert.kind)} ${cert.number}`)), el("p", { class: "hint", text: `${cert.issuer} · ${cert.issue_date}` }), open);
      }),
      ...c.missing_certificates.map((kind) => el("li", {}, bad(`${t("certificates_missing")}${t("colon")}${t("cert_" + kind)}`))),
    );
  }

  // The file needs the token: fetch it, then open it in a new tab (or offer a link if the browser blocks that).
  async function openDocument(cert, button) {
    button.disabled = true;
    clearMessages();
    try {
      const blob = await request("GET", cert.document_url, { blob: true });
      const url = URL.createObjectURL(blob);
      if (!window.open(url, "_blank")) {
        button.replaceWith(el("a", { class: "big button secondary", href: url, target: "_blank", rel: "noopener", text: t("open_document") }));
      }
    } catch (error) {
      if (error instanceof FT.Problem && error.status === 404) button.replaceWith(el("p", {}, bad(t("document_missing"))));
      else showProblem(error);
    } finally {
      button.disabled = false;
    }
  }

  // --- the batch at a moment -----------------------------------------------------------------------------
  async function showAsOf(wall) {
    const input = document.getElementById("as-of-at");
    input.value = wall;
    clearMessages();
    const box = document.getElementById("as-of-result");
    try {
      const then = await request("GET", `${path}/as-of?at=` + encodeURIComponent(FT.office.zonedIso(wall)));
      box.replaceChildren(renderState(then));
      document.querySelectorAll("#timeline li.event").forEach((item) => {
        item.classList.toggle("later", !then.exists || Number(item.dataset.version) > then.version);
      });
      document.getElementById("as-of").scrollIntoView({ block: "nearest" });
    } catch (error) {
      showProblem(error);
    }
  }

  function renderState(then) {
    if (!then.exists) return el("p", { class: "bad", text: t("as_of_none") });
    const certificates = then.certificates.length ? then.certificates.map((c) => t("cert_" + c.kind)).join(t("list_sep")) : t("none");
    const fact = (label, value, id) => el("div", {}, el("dt", { text: label }), el("dd", { id, text: value }));
    return el(
      "div",
      { class: "as-of-state" },
      el("p", { class: "hint", text: `${FT.office.formatFull(then.as_of)} · ${t("as_of_version", { n: then.version })}` }),
      el(
        "dl",
        { class: "facts key" },
        fact(t("on_hand"), `${then.on_hand} ${FT.unitName(then.unit)}`, "as-of-on-hand"),
        fact(t("place"), then.place, "as-of-place"),
        fact(t("status"), then.on_hold ? t("on_hold") : t("in_store"), "as-of-hold"),
        el("div", { class: "wide" }, el("dt", { text: t("certificates") }), el("dd", { id: "as-of-certificates", text: certificates })),
      ),
    );
  }

  // --- where the lot went ----------------------------------------------------------------------------------
  async function forward(c) {
    if (!["investigator", "admin"].includes(me.role)) return; // traces cross schools
    // A lot is (supplier, product, lot): the same lot number on another product is another lot.
    const query = new URLSearchParams({ lot: c.lot, supplier: c.supplier, ...(c.gtin ? { gtin: c.gtin } : { product: c.product }) });
    try {
      const trace = await request("GET", "trace/forward?" + query);
      document.getElementById("forward-tree").replaceChildren(FT.traceTree.forward(trace));
      document.getElementById("forward-exports").replaceChildren(
        exportButton(t("export_xlsx"), `trace/forward?${query}&format=xlsx`, `trace-forward-${c.lot}.xlsx`),
        exportButton(t("export_csv"), `trace/forward?${query}&format=csv`, `trace-forward-${c.lot}.csv`, true),
        el("a", { class: "big button secondary", href: "/app/trace?" + query, text: t("open_trace") }),
      );
      document.getElementById("forward-section").hidden = false;
    } catch (error) {
      showProblem(error);
    }
  }

  async function load() {
    const box = document.getElementById("card");
    const list = document.getElementById("timeline");
    try {
      [card, events] = await Promise.all([request("GET", path), history()]);
      renderCard(card);
      renderDocuments(card);
      await lookUpNames(staffIds(events));
      list.replaceChildren(...events.map(renderEvent));
      if (events.length) document.getElementById("as-of-at").value = FT.office.wallClock(events[events.length - 1].at);
      await forward(card);
    } catch (error) {
      showProblem(error);
      setText("product", "—");
    } finally {
      box.setAttribute("aria-busy", "false");
      list.setAttribute("aria-busy", "false");
    }
  }

  document.getElementById("as-of-form").addEventListener("submit", (event) => {
    event.preventDefault();
    showAsOf(document.getElementById("as-of-at").value);
  });
  load();
})();
