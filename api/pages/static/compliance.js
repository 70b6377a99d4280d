// 合规检查: a school's gaps for a week or a month — missing certificates, failed inspections, sample gaps and
// disagreements with the ledger, staff certificates running out, the canteen checks (§15) against their minima.
"use strict";
(function () {
  const FT = window.FT;
  const { t, el, request, bindForm, showProblem } = FT;
  const { batchLink, good, bad, remember } = FT.office;
  if (!FT.requireSession()) return;
  const form = document.getElementById("compliance-form");

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }
  // The week (Monday to Sunday) or the calendar month around a day.
  function range(period, day) {
    const d = new Date(day + "T00:00:00Z");
    if (period === "month") {
      const start = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
      const end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
      return [iso(start), iso(end)];
    }
    const monday = new Date(d);
    monday.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    const sunday = new Date(monday);
    sunday.setUTCDate(monday.getUTCDate() + 6);
    return [iso(monday), iso(sunday)];
  }

  const meal = (row) => `${row.school} · ${row.meal_date} ${FT.mealName(row.meal)}`;
  const codes = (list) => el("span", {}, ...list.flatMap((code) => [batchLink(code), " "]));

  // Each section: [id, title key, rows of the report, columns].
  function sections(report) {
    const samples = report.samples;
    return [
      ["missing-certificates", "missing_certificates", report.missing_certificates, [
        [t("batch_code"), (r) => batchLink(r.code)], [t("product"), (r) => r.product], [t("school"), (r) => r.school],
        [t("supplier"), (r) => r.supplier], [t("received"), (r) => FT.office.formatFull(r.received_at)],
        [t("certificates_missing"), (r) => bad(r.missing.map((kind) => t("cert_" + kind)).join(t("list_sep")))],
      ]],
      ["failed-inspections", "failed_inspections", report.failed_inspections, [
        [t("batch_code"), (r) => batchLink(r.code)], [t("product"), (r) => r.product], [t("school"), (r) => r.school],
        [t("stage"), (r) => t("stage_" + r.stage)], [t("notes"), (r) => r.notes], [t("who"), (r) => r.inspector],
        [t("when"), (r) => FT.office.formatFull(r.inspected_at)],
      ]],
      ["dishes-without-samples", "dishes_without_samples", samples.dishes_without_samples || [], [
        [t("meal"), meal], [t("dish"), (r) => r.dish], [t("status"), (r) => bad(t("dish_" + r.status))],
        [t("trace"), (r) => el("a", { href: "/app/trace?" + new URLSearchParams({ school: r.school, meal_date: r.meal_date, meal: r.meal, dish: r.dish }), text: t("trace_this_dish") })],
      ]],
      ["meals-without-samples", "meals_without_samples", samples.meals_without_samples, [
        [t("meal"), meal], [t("batch_codes"), (r) => codes(r.batches)],
        [t("trace"), (r) => el("a", { href: "/app/trace?" + new URLSearchParams({ school: r.school, meal_date: r.meal_date, meal: r.meal }), text: t("trace_this_meal") })],
      ]],
      ["short-samples", "short_samples", samples.short_samples, [
        [t("meal"), meal], [t("dish"), (r) => r.dish], [t("grams"), (r) => bad(`${r.grams} g < ${r.minimum_grams} g`)],
      ]],
      ["disposed-early", "disposed_early", samples.disposed_early, [
        [t("meal"), meal], [t("dish"), (r) => r.dish], [t("keep_until"), (r) => FT.office.formatFull(r.keep_until)],
        [t("reason"), (r) => `${FT.office.formatFull(r.disposed_at)} · ${r.disposal_reason || ""}`],
      ]],
      ["disagreements", "disagreements", samples.disagreements, [
        [t("meal"), meal],
        [t("issued_not_sampled"), (r) => el("span", {}, ...r.issued_but_not_sampled.flatMap((b) => [b.product, " ", batchLink(b.code), " "]))],
        [t("sampled_not_issued"), (r) => codes(r.sampled_but_not_issued)],
      ]],
      ["staff-expiring", "staff_expiring", report.staff_certificates_expiring, [
        [t("person"), (r) => `${r.name} (${r.person_id})`], [t("school"), (r) => r.school], [t("kind"), (r) => t(r.kind)],
        [t("number"), (r) => r.number], [t("valid_until"), (r) => (r.status === "expired" ? bad(`${r.valid_until} ${t("expired")}`) : bad(`${r.valid_until} ${t("expiring")}`))],
      ]],
    ];
  }

  // A period as a principal names it: 第48周（11月23日–11月29日）, 2026年11月; the server words it in Chinese.
  function periodName(r) {
    if (FT.config.lang === "zh") return r.period_zh;
    const day = (iso) => new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(iso + "T00:00:00Z"));
    if (r.period.includes("W")) return t("week_of", { week: Number(r.period.split("W")[1]), start: day(r.period_start), end: day(r.period_end) });
    return new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(r.period_start + "T00:00:00Z"));
  }
  // Still running (or not begun) is not failed: only a period that is over can fall short.
  function standing(r) {
    if (r.status === "met") return good(t("met"));
    if (r.status === "not_met") return bad(t("not_met"));
    return el("span", { text: t(r.status) });
  }

  function supervisionTable(rows) {
    return FT.office.table(t("supervision"), [
      [t("school"), (r) => r.school],
      [t("kind"), (r) => t("check_" + r.check)],
      [t("period"), periodName],
      [t("count"), (r) => t("count_of_minimum", { count: r.count, minimum: r.minimum }), "number"],
      [t("status"), standing],
    ], rows);
  }

  function render(report) {
    const school = report.school || t("every_school");
    document.getElementById("report-title").textContent = `${school} · ${t("range", { start: report.start, end: report.end })}`;
    const tiles = document.getElementById("tiles");
    const boxes = document.getElementById("sections");
    tiles.replaceChildren();
    boxes.replaceChildren();
    const unmet = report.supervision.filter((r) => r.status === "not_met");
    for (const [id, key, rows, columns] of [...sections(report), ["supervision", "supervision", unmet, null]]) {
      const link = el("a", { href: "#" + id }, el("span", { class: "tile-count", text: String(rows.length) }), el("span", { text: t(key) }));
      tiles.append(el("li", { class: rows.length ? "gap" : "clear" }, link));
      const heading = el("h2", { id: id + "-title" }, t(key) + " ", el("span", { class: rows.length ? "count bad" : "count ok", text: `(${rows.length})` }));
      let body;
      if (id === "supervision") body = report.supervision.length ? supervisionTable(report.supervision) : good(t("no_gaps"));
      else body = rows.length ? FT.office.table(t(key), columns, rows) : el("p", {}, good(t("no_gaps")));
      boxes.append(el("section", { class: "card", id, "aria-labelledby": id + "-title" }, heading, body));
    }
    document.getElementById("report").hidden = false;
  }

  async function show(params) {
    const [start, end] = range(params.period, params.day);
    remember(params);
    const report = document.getElementById("report");
    report.setAttribute("aria-busy", "true");
    try {
      const query = new URLSearchParams({ start, end });
      if (params.school) query.set("school", params.school);
      render(await request("GET", "compliance?" + query));
    } catch (error) {
      showProblem(error);
    } finally {
      report.setAttribute("aria-busy", "false");
    }
  }

  function chosen(data) {
    return { school: (data.get("school") || "").trim(), period: data.get("period") || "week", day: data.get("day") || FT.config.today };
  }

  bindForm(form, async (data) => show(chosen(data)));
  FT.office.setUpSchoolField(form.elements.school, document.getElementById("c-school-field")).then(() => {
    const asked = new URLSearchParams(location.search);
    FT.office.fillForm(form, [...asked].filter(([name]) => ["school", "period", "day"].includes(name) && !(name === "school" && form.elements.school.readOnly)));
    // A principal sees their school's week at once; an investigator chooses a school first (or asked in the address).
    if (FT.office.isSchoolStaff() || asked.get("day")) show(chosen(new FormData(form)));
  });
})();
