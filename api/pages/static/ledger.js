// 进出库台账: a school's month laid out like the paper book — brought forward, every movement with its balances
// and who handed over and who took, carried forward — and the same book as an xlsx file to file or print.
"use strict";
(function () {
  const FT = window.FT;
  const { t, el, request, bindForm, showProblem } = FT;
  const { batchLink, swatch, exportButton, remember, fillForm } = FT.office;
  if (!FT.requireSession()) return;
  const form = document.getElementById("ledger-form");

  function remark(row) {
    const parts = row.expired ? [t("expired")] : []; // the batch still held stock past its use-by date
    if (row.kind === "out" && row.meal_date) parts.push(`${row.meal_date} ${FT.mealName(row.meal)}`);
    if (row.kind === "move") parts.push(`${row.from_place} → ${row.to_place}`);
    else if (row.kind === "in") parts.push(row.to_place);
    if (row.corrects_version) parts.push(t("corrects", { n: row.corrects_version }));
    if (row.note) parts.push(row.note);
    return parts.join(" · ");
  }
  const amount = (value) => (value === null || value === undefined ? "" : value);

  function balanceRow(label, balance) {
    const cells = [label, "", balance.product, "", "", "", "", "", "", balance.product_balance, FT.unitName(balance.unit), "", "", ""];
    return el("tr", { class: "balance" }, ...cells.map((text, i) => el(i === 0 ? "th" : "td", i === 0 ? { scope: "row", text } : { class: i === 9 ? "number" : "", text })));
  }

  function book(ledger) {
    const headings = ["date", "entry", "product", "batch_code", "lot", "supplier", "qty_in", "qty_out", "batch_balance", "product_balance", "unit", "handled_by", "taken_or_witness", "notes"];
    const numeric = new Set(["qty_in", "qty_out", "batch_balance", "product_balance"]);
    const WRAP = new Set(["supplier", "handled_by", "taken_or_witness", "notes"]); // names and notes may run long
    const head = el("tr", {}, ...headings.map((key) => el("th", { scope: "col", class: numeric.has(key) ? "number" : "", text: t(key) })));
    const rows = ledger.rows.map((row) => {
      const cells = [
        // 补录: the book keeps its hour; say when it was written up (and who approved it if it was that late).
        row.late ? el("span", {}, FT.formatMoment(row.moved_at), el("span", { class: "recorded late-entry", text: FT.office.lateNote({ ...row, at: row.moved_at }) })) : FT.formatMoment(row.moved_at),
        t("kind_" + row.kind),
        el("span", {}, swatch(row.colour), row.product),
        batchLink(row.code),
        row.lot,
        row.supplier_name,
        amount(row.quantity_in),
        amount(row.quantity_out),
        row.batch_balance,
        row.product_balance,
        FT.unitName(row.unit),
        row.given_by_name,
        row.taken_by_name,
        remark(row),
      ];
      const css = (key) => (numeric.has(key) ? "number" : WRAP.has(key) ? "wrap" : "");
      return el("tr", { class: "kind-" + row.kind }, ...cells.map((cell, i) => el("td", { class: css(headings[i]) }, cell)));
    });
    const body = el("tbody", {}, ...ledger.opening.map((b) => balanceRow(t("brought_forward"), b)), ...rows);
    const foot = el("tfoot", {}, ...ledger.closing.map((b) => balanceRow(t("carried_forward"), b)));
    const caption = `${ledger.school_name} ${t("ledger_title")} ${ledger.month}`;
    const table = el("table", { class: "paper" }, el("caption", { class: "visually-hidden", text: caption }), el("thead", {}, head), body, foot);
    return FT.office.scrollBox(caption, table);
  }

  async function show(school, month) {
    remember({ school: FT.office.isSchoolStaff() ? "" : school, month });
    const section = document.getElementById("book");
    section.setAttribute("aria-busy", "true");
    try {
      const path = `schools/${encodeURIComponent(school)}/ledger?month=${month}`;
      const ledger = await request("GET", path);
      document.getElementById("book-title").textContent = `${ledger.school_name}${FT.paren(ledger.school)} ${t("ledger_title")} · ${month}`;
      document.getElementById("book-exports").replaceChildren(exportButton(t("download_xlsx"), path + "&format=xlsx", `ledger-${school}-${month}.xlsx`));
      const empty = !ledger.rows.length && !ledger.opening.length;
      document.getElementById("book-table").replaceChildren(empty ? "" : book(ledger));
      document.getElementById("no-movements").hidden = ledger.rows.length > 0;
      section.hidden = false;
    } catch (error) {
      showProblem(error);
    } finally {
      section.setAttribute("aria-busy", "false");
    }
  }

  bindForm(form, async (data) => show(data.get("school").trim(), data.get("month")));
  FT.office.setUpSchoolField(form.elements.school, document.getElementById("l-school-field")).then(() => {
    const asked = new URLSearchParams(location.search);
    fillForm(form, [...asked].filter(([name]) => name === "month" || (name === "school" && !form.elements.school.readOnly)));
    if (form.elements.school.value && form.elements.month.value) show(form.elements.school.value, form.elements.month.value);
  });
})();
