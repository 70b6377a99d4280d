// Traces drawn as trees of nested lists. Forward: a lot → schools → batches → meals → samples. Backward: a meal →
// batches → supplier, certificates, inspections, samples; with the people who handled them and the other schools
// that received the same lots.
"use strict";
(function () {
  const FT = window.FT;
  const { t, el } = FT;
  const { batchLink, good, bad, swatch } = FT.office;

  function node(css, ...content) {
    return el("div", { class: "node n-" + css }, ...content);
  }
  function branch(head, children) {
    const item = el("li", {}, head);
    const kids = (children || []).filter(Boolean);
    if (kids.length) item.append(el("ul", {}, ...kids));
    return item;
  }
  function leaf(css, ...content) {
    return el("li", {}, node(css, ...content));
  }
  function tree(label, root) {
    return el("ul", { class: "tree", "aria-label": label }, root);
  }
  function group(items, key) {
    const groups = new Map();
    for (const item of items) {
      const k = key(item);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(item);
    }
    return groups;
  }
  function meal(date, name) {
    return `${date} ${FT.mealName(name)}`;
  }
  function backwardLink(school, date, name) {
    const query = new URLSearchParams({ school, meal_date: date, meal: name });
    return el("a", { href: "/app/trace?" + query, text: t("trace_this_meal") });
  }
  function batchHead(b, ...more) {
    return node("batch", swatch(b.colour || "none"), el("strong", { text: b.product }), " ", batchLink(b.code), ` · ${t("lot")} ${b.lot}`, ...more);
  }
  function sampleLeaf(s) {
    return leaf("sample", good(`${t("samples")} ${s.dish} ${s.grams} g`), ` · ${s.fridge} · ${t("keep_until")} ${FT.formatMoment(s.keep_until)}`);
  }
  function samplesFor(b, date, name) {
    const kept = b.samples.filter((s) => s.meal_date === date && s.meal === name);
    return kept.length ? kept.map(sampleLeaf) : [leaf("warn", bad(t("no_sample_for_meal")))];
  }

  // Issued, and when some came back, returned and net: what the meal really used.
  function quantities(q, unit) {
    if (q.returned === "0" || q.returned === undefined) return `${t("issued")} ${q.issued} ${FT.unitName(unit)}`;
    return `${t("issued")} ${q.issued} ${FT.unitName(unit)} · ${t("returned")} ${q.returned} ${FT.unitName(unit)} · ${t("net_used")} ${q.net} ${FT.unitName(unit)}`;
  }
  function voidedMark(row) {
    return row.voided ? [" ", bad(t("voided"))] : [];
  }
  // Write-offs, holds and releases: reasons, times and who, where an investigator looks.
  function movementLeaves(b, who) {
    const leaves = (b.holds || []).map((h) =>
      leaf("hold", h.action === "hold" ? bad(t("held")) : good(t("released")), ` · ${h.reason} · ${who(h.person)} · ${FT.formatMoment(h.acted_at)}`),
    );
    for (const w of b.write_offs || []) {
      leaves.push(leaf("write-off", bad(`${t("written_off")} ${w.quantity} ${FT.unitName(b.unit)}`), ` · ${w.reason} · ${who(w.written_off_by)}${FT.paren(`${t("witnessed_by")} ${who(w.witness)}`)} · ${FT.formatMoment(w.written_off_at)}`, ...voidedMark(w)));
    }
    return leaves;
  }
  function returnLeaf(x, unit, who) {
    return leaf("return", `${t("returned")} ${x.quantity} ${FT.unitName(unit)}`, FT.paren(`${who(x.returned_by)} → ${who(x.received_by)}${t("comma")}${FT.formatMoment(x.returned_at)}`), x.reason ? ` · ${x.reason}` : "", ...voidedMark(x));
  }
  const byId = (id) => id;

  // --- forward -----------------------------------------------------------------------------------------
  function forward(trace) {
    const q = trace.query;
    const title = q.lot ? t("trace_of_lot", { lot: q.lot }) : `${q.supplier || ""} ${q.product || ""}`.trim();
    const bySchool = group(trace.batches, (b) => b.school);
    const schools = trace.schools.map((s) =>
      branch(node("school", el("strong", { text: s.name || s.code }), ` (${s.code})`), (bySchool.get(s.code) || []).map(forwardBatch)),
    );
    return tree(title, branch(node("root", el("strong", { text: title })), schools));
  }

  function forwardBatch(b) {
    const children = b.meals.map((m) => {
      const head = node("meal", el("strong", { text: meal(m.meal_date, m.meal) }), ` · ${quantities(m, b.unit)} · `, backwardLink(b.school, m.meal_date, m.meal));
      return branch(head, samplesFor(b, m.meal_date, m.meal));
    });
    if (!children.length) children.push(leaf("muted", t("not_issued")));
    for (const i of b.issues.filter((i) => i.voided)) {
      children.push(leaf("voided", `${meal(i.meal_date, i.meal)} · ${t("issued")} ${i.quantity} ${FT.unitName(b.unit)}`, ...voidedMark(i)));
    }
    children.push(...movementLeaves(b, byId));
    const held = b.on_hold ? [" ", bad(t("on_hold"))] : [];
    return branch(batchHead(b, ` · ${t("received")} ${FT.formatMoment(b.received_at)} · ${b.quantity} ${FT.unitName(b.unit)}`, ...held), children);
  }

  // --- backward ----------------------------------------------------------------------------------------
  function backward(trace) {
    const q = trace.query;
    const school = trace.school.name || q.school;
    const title = t("trace_of_meal", { school, date: q.meal_date, meal: FT.mealName(q.meal) });
    const names = new Map(trace.people.map((p) => [p.person_id, p.name || p.person_id]));
    const suppliers = new Map(trace.suppliers.map((s) => [s.code, s]));
    const batches = trace.batches.map((b) => backwardBatch(b, names, suppliers.get(b.supplier), q));
    if (!batches.length) batches.push(leaf("muted", t("meal_empty")));
    for (const b of trace.voided_batches || []) {
      batches.push(leaf("voided", batchHead(b, " ", bad(t("voided_for_meal")), ` · ${b.issues_for_meal.map((i) => `${i.quantity} ${FT.unitName(b.unit)}`).join(t("semicolon"))}`)));
    }
    return tree(title, branch(node("root", el("strong", { text: title })), batches));
  }

  function backwardBatch(b, names, supplier, q) {
    const who = (id) => names.get(id) || id;
    const issued = b.issues_for_meal.map((i) => `${i.quantity} ${FT.unitName(b.unit)}` + FT.paren(`${who(i.given_by)} → ${who(i.taken_by)}${t("comma")}${FT.formatMoment(i.issued_at)}`) + (i.voided ? ` ${t("voided")}` : ""));
    const children = b.returns_for_meal.map((x) => returnLeaf(x, b.unit, who));
    if (supplier) {
      const licence = supplier.licence_at_delivery[b.code];
      children.push(leaf(
        "supplier",
        `${t("supplier")}${t("colon")}`, el("strong", { text: supplier.name }), ` (${supplier.code}) · ${t("licence")} ${licence ? licence.number : "—"} `,
        licence && licence.valid_on_delivery ? good(t("licence_valid")) : bad(t("licence_invalid")),
      ));
    }
    const certificates = b.certificates.filter((c) => !c.voided);
    children.push(leaf("certs", `${t("certificates")}${t("colon")}`, ...(certificates.length ? certificates.flatMap((c) => [good(`${t("cert_" + c.kind)} ${c.number}`), " "]) : [bad(t("none"))])));
    for (const inspection of b.inspections.filter((i) => !i.voided)) {
      const result = inspection.passed ? good(t("passed")) : bad(t("failed"));
      children.push(leaf("inspection", `${t("inspections")}${t("colon")}${t("stage_" + inspection.stage)} `, result, inspection.notes ? ` · ${inspection.notes}` : ""));
    }
    children.push(...movementLeaves(b, who));
    children.push(...samplesFor(b, q.meal_date, q.meal));
    const back = b.returned_for_meal !== "0" ? ` · ${t("returned")} ${b.returned_for_meal} ${FT.unitName(b.unit)} · ${t("net_used")} ${b.net_for_meal} ${FT.unitName(b.unit)}` : "";
    return branch(batchHead(b, ` · ${t("issued")} ${issued.join(t("semicolon"))}${back}`), children);
  }

  function certificateCell(certificate) {
    if (!certificate) return bad(t("none"));
    // A certificate's number and date never break inside: a phone wraps between them.
    const text = el("span", {}, el("span", { class: "nowrap", text: certificate.number }), el("span", { class: "nowrap", text: FT.paren(`${t("valid_until")} ${certificate.valid_until}`) }));
    return certificate.valid ? good(text) : bad(text);
  }

  function peopleTable(trace) {
    const rows = trace.people.flatMap((p) => p.handled.map((h) => ({ person: p, ...h })));
    return FT.office.table(t("people"), [
      [t("person"), (r) => el("span", {}, `${r.person.name || ""} `, el("span", { class: "nowrap", text: `(${r.person.person_id})` }))],
      [t("what"), (r) => el("span", {}, `${t("did_" + r.what)} · `, batchLink(r.batch))],
      [t("when"), (r) => FT.formatMoment(r.at), "nowrap"],
      [t("health_cert"), (r) => certificateCell(r.health_certificate)],
      [t("training_cert"), (r) => certificateCell(r.training_certificate)],
      [t("status"), (r) => (r.fit_for_food_work ? good(t("fit")) : bad(r.suspended ? `${t("unfit")}${t("colon")}${r.suspension_reason}` : t("unfit"))), "nowrap"],
    ], rows);
  }

  function samplesTable(samples) {
    return FT.office.table(t("samples"), [
      [t("dish"), (s) => s.dish],
      [t("grams"), (s) => `${s.grams} g`, "number"],
      [t("fridge"), (s) => s.fridge],
      [t("sealed_at"), (s) => FT.formatMoment(s.sealed_at)],
      [t("keep_until"), (s) => FT.formatMoment(s.keep_until)],
      [t("batch_code"), (s) => el("span", {}, ...s.batch_codes.flatMap((code) => [batchLink(code), " "]))],
    ], samples);
  }

  function summaryBatch(b) {
    const children = b.meals.map((m) => leaf("meal", el("strong", { text: meal(m.meal_date, m.meal) }), ` · ${quantities(m, b.unit)} · `, backwardLink(b.school, m.meal_date, m.meal)));
    if (!children.length) children.push(leaf("muted", t("not_issued")));
    children.push(...movementLeaves(b, byId));
    return branch(batchHead(b, ` · ${b.quantity} ${FT.unitName(b.unit)}`, ...(b.on_hold ? [" ", bad(t("on_hold"))] : [])), children);
  }

  // At county scale a lunch's lots reach hundreds of batches: each other school shows its lots, counted, and its
  // batches come a page at a time when the investigator opens it (trace/backward/others).
  function lotLeaf(lot) {
    const days = lot.first_received === lot.last_received ? lot.first_received : `${lot.first_received} – ${lot.last_received}`;
    return leaf("lot", el("strong", { text: `${t("lot")} ${lot.lot}` }), ` · ${lot.supplier} · ${lot.product_key} · ${lot.batches} ${t("batches_counted")} · ${t("received")} ${days}`);
  }
  function pagedBatches(trace, school) {
    const button = el("button", { type: "button", class: "link-button", text: t("show_batches") });
    const item = el("li", {}, button);
    let cursor = "1";
    button.addEventListener("click", async () => {
      button.disabled = true;
      const query = new URLSearchParams({ ...trace.query, at: school.code, limit: "50", cursor });
      try {
        const page = await FT.request("GET", `trace/backward/others?${query}`);
        item.before(...page.batches.map(summaryBatch));
        if (!page.next_cursor) item.remove();
        else {
          cursor = page.next_cursor;
          button.textContent = t("more_batches");
        }
      } catch (error) {
        FT.showProblem(error);
      } finally {
        button.disabled = false;
      }
    });
    return item;
  }
  function otherSchool(trace, s) {
    const head = node("school", el("strong", { text: s.name || s.code }), ` (${s.code}) · ${s.batch_count} ${t("batches_counted")}`);
    if (s.batches.length) return branch(head, s.batches.map(summaryBatch));
    return branch(head, [...s.lots.map(lotLeaf), pagedBatches(trace, s)]);
  }

  function otherSchools(trace) {
    const here = trace.same_lots_at_school || [];
    const parts = [];
    if (!trace.other_schools.length) parts.push(el("p", { text: t("no_other_schools") }));
    else {
      const schools = trace.other_schools.map((s) => otherSchool(trace, s));
      parts.push(el("ul", { class: "tree", "aria-label": t("other_schools") }, ...schools));
    }
    if (here.length) {
      parts.push(el("h3", { text: t("same_lots_at_school") }), el("ul", { class: "tree", "aria-label": t("same_lots_at_school") }, ...here.map(summaryBatch)));
    }
    return el("div", {}, ...parts);
  }

  FT.traceTree = { forward, backward, peopleTable, samplesTable, otherSchools };
})();
