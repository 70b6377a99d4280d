// 入库验收: an announced delivery is picked (or scanned), checked and confirmed; an unannounced one is a short
// form. Either way the new batch's label is ready to print at once.
"use strict";
(function () {
  const FT = window.FT;
  const { t, request, el, bindForm, recall, notice, showProblem, clearMessages } = FT;
  if (!FT.requireSession()) return;
  const COLOURS = { plant: "green", meat: "red", aquatic: "yellow", other: "none" };
  let deliveries = [];
  let chosen = null;

  async function loadDeliveries() {
    const list = document.getElementById("deliveries");
    const note = document.getElementById("offline-note");
    try {
      const page = await request("GET", "deliveries?status=announced&limit=200");
      deliveries = page.items;
      FT.outbox.remember("deliveries", deliveries);
      note.hidden = true;
      renderDeliveries();
    } catch (error) {
      // No signal: the list as this phone last synced it; an intake from it waits in 待发送.
      const seen = error instanceof FT.NetworkFailure ? await FT.outbox.recall("deliveries") : null;
      if (seen) {
        const waiting = await FT.outbox.paths(); // received with no signal already: not offered twice
        deliveries = seen.value.filter((d) => !waiting.has(`deliveries/${d.announcement_id}/receive`));
        note.textContent = FT.outbox.staleNote(seen);
        note.hidden = false;
        renderDeliveries();
      } else showProblem(error);
    } finally {
      list.setAttribute("aria-busy", "false");
    }
  }

  function matches(delivery, text) {
    if (!text) return true;
    const wanted = text.toUpperCase();
    return [delivery.reference, delivery.supplier_lot, delivery.lot, delivery.gtin || "", delivery.product]
      .some((field) => field && (wanted.includes(field.toUpperCase()) || field.toUpperCase().includes(wanted)));
  }

  function renderDeliveries() {
    const text = document.getElementById("filter").value.trim();
    const list = document.getElementById("deliveries");
    list.replaceChildren();
    const shown = deliveries.filter((d) => matches(d, text));
    for (const d of shown) {
      const button = el(
        "button",
        { type: "button", class: `delivery band-edge-${COLOURS[d.category] || "none"}`, "data-id": d.announcement_id },
        el("span", { class: "large", text: d.product }),
        el("span", { text: `${d.quantity} ${FT.unitName(d.unit)} · ${FT.categoryName(d.category)} · ${d.supplier}` }),
        el("span", { text: `${t("reference")} ${d.reference} · ${t("expected_on")} ${d.expected_on}` }),
      );
      button.addEventListener("click", () => choose(d));
      list.append(el("li", {}, button));
    }
    document.getElementById("no-announced").hidden = shown.length > 0;
    return shown;
  }

  function fact(term, value, wide) {
    return el("div", { class: wide ? "wide" : "" }, el("dt", { text: term }), el("dd", { text: value }));
  }

  function choose(d) {
    clearMessages();
    chosen = d;
    const form = document.getElementById("receive-form");
    form.reset();
    recall(form);
    document.getElementById("receive-band").className = "band band-" + (COLOURS[d.category] || "none");
    document.getElementById("receive-category").textContent = FT.categoryName(d.category);
    document.getElementById("receive-reference").textContent = d.reference;
    document.getElementById("receive-product").textContent = `${d.product} · ${d.quantity} ${FT.unitName(d.unit)}`;
    document.getElementById("receive-unit").textContent = FT.unitName(d.unit);
    document.getElementById("receive-facts").replaceChildren(
      fact(t("supplier"), d.supplier),
      fact(t("supplier_lot"), d.supplier_lot),
      fact(t("production_date"), d.production_date),
      fact(t("use_by"), d.use_by_date),
      fact(t("certificates"), d.certificates.map((kind) => t("cert_" + kind)).join("、") || "—", true),
    );
    form.elements.quantity.value = d.quantity;
    form.hidden = false;
    form.scrollIntoView({ block: "start" });
    form.elements.quantity.focus();
  }

  function optionalDecimal(value) {
    return value && value.trim() ? value.trim() : null;
  }

  // Who signs the intake with the storekeeper: the co-signer, with their PIN now or later on their own phone.
  function coSigning(data) {
    const person = data.get("co_signer").trim();
    const pin = data.get("co_signer_pin");
    return { co_signers: [person], ...(pin ? { co_signer_pin: pin } : {}) };
  }

  function received(result) {
    document.getElementById("receive-form").hidden = true;
    const section = document.getElementById("received");
    document.getElementById("received-code").textContent = result.code;
    document.getElementById("received-card").href = "/app/batch/" + encodeURIComponent(result.code);
    section.hidden = false;
    notice(t(result.status === "awaiting_co_signer" ? "intake_awaiting_co_signer" : "saved"));
    section.scrollIntoView({ block: "start" });
    return FT.labels.show(`batches/${encodeURIComponent(result.code)}/label`, result.code);
  }

  function receiveBody(data) {
    const body = {
      place: data.get("place").trim(),
      ...coSigning(data),
      sensory_ok: data.get("sensory_ok") === "on",
      sensory_notes: data.get("sensory_notes"),
    };
    if (data.get("quantity") !== chosen.quantity) body.quantity = data.get("quantity");
    const temperature = optionalDecimal(data.get("arrival_temperature"));
    if (temperature) body.arrival_temperature = temperature;
    return body;
  }

  function taken() {
    deliveries = deliveries.filter((d) => d.announcement_id !== chosen.announcement_id);
    renderDeliveries();
  }

  const receiveForm = document.getElementById("receive-form");
  bindForm(receiveForm, async (data, key) => {
    const result = await request("POST", `deliveries/${chosen.announcement_id}/receive`, { json: receiveBody(data), key });
    taken();
    await received(result);
  }, (data) => {
    const body = receiveBody(data);
    const what = `${chosen.product} · ${body.quantity || chosen.quantity} ${FT.unitName(chosen.unit)} · ${chosen.supplier} · ${chosen.reference}`;
    return { path: `deliveries/${chosen.announcement_id}/receive`, body, kind: "intake", what };
  });
  receiveForm.addEventListener("ft:queued", () => {
    taken();
    receiveForm.hidden = true;
    notice(t("received_queued"));
  });

  function intakeBody(data) {
    const body = {
      supplier: data.get("supplier").trim().toUpperCase(),
      product: data.get("product").trim(),
      category: data.get("category"),
      quantity: data.get("quantity"),
      unit: data.get("unit").trim(),
      supplier_lot: data.get("supplier_lot").trim(),
      production_date: data.get("production_date"),
      use_by_date: data.get("use_by_date"),
      invoice_number: data.get("invoice_number").trim(),
      place: data.get("place").trim(),
      ...coSigning(data),
      sensory_ok: data.get("sensory_ok") === "on",
      sensory_notes: data.get("sensory_notes"),
    };
    if (data.get("gtin")) body.gtin = data.get("gtin").trim();
    if (body.category === "meat") body.pork = data.get("pork") === "on";
    const temperature = optionalDecimal(data.get("arrival_temperature"));
    if (temperature) body.arrival_temperature = temperature;
    return body;
  }

  function intakeDone() {
    document.getElementById("intake-form").reset();
    document.getElementById("unannounced").open = false;
  }

  const intakeForm = document.getElementById("intake-form");
  bindForm(intakeForm, async (data, key) => {
    const result = await request("POST", "batches", { json: intakeBody(data), key });
    intakeDone();
    await received(result);
  }, (data) => {
    const body = intakeBody(data);
    const what = `${body.product} · ${body.quantity} ${FT.unitName(body.unit)} · ${body.supplier}`;
    return { path: "batches", body, kind: "intake", what };
  });
  intakeForm.addEventListener("ft:queued", () => {
    intakeDone();
    notice(t("received_queued"));
  });

  const form = document.getElementById("intake-form");
  form.addEventListener("change", () => {
    document.getElementById("in-pork-label").hidden = form.elements.category.value !== "meat";
  });
  document.getElementById("unannounced").addEventListener("toggle", () => recall(form));
  document.querySelectorAll("#receive-form .cancel").forEach((button) =>
    button.addEventListener("click", () => {
      document.getElementById("receive-form").hidden = true;
    }),
  );
  document.getElementById("filter").addEventListener("input", renderDeliveries);
  document.getElementById("scan-delivery").addEventListener("click", () => {
    clearMessages();
    FT.scanner.open((text) => {
      const filter = document.getElementById("filter");
      filter.value = text;
      const shown = renderDeliveries();
      if (shown.length === 1) choose(shown[0]);
    });
  });
  const lastPlace = localStorage.getItem("ft.last.place");
  if (lastPlace) document.getElementById("places").append(el("option", { value: lastPlace }));
  loadDeliveries();
})();
