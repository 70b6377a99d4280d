// 批次检索: batches by lot, product, supplier, batch code, school and receipt dates, newest first, a page at a time;
// each opens its timeline. The server matches as people type: a lot's or code's start, part of a name.
"use strict";
(function () {
  const FT = window.FT;
  const { t, el, request, bindForm, showProblem } = FT;
  const { batchLink, bad, swatch, remember, fillForm } = FT.office;
  if (!FT.requireSession()) return;
  const form = document.getElementById("search-form");
  const FIELDS = ["lot", "product", "supplier", "code", "school", "received_from", "received_to"];
  const PAGE = 50;
  let found = [];
  let query = null;
  let next = null;

  // 已封存 and 已过期 can both hold; the server judges 已过期 against the county's today.
  function status(b) {
    const flags = [b.on_hold && bad(t("on_hold")), b.expired && bad(t("expired"))].filter(Boolean);
    return flags.length ? el("span", {}, ...flags.flatMap((flag, i) => (i ? [" ", flag] : [flag]))) : t("in_store");
  }

  function columns() {
    return [
      [t("batch_code"), (b) => batchLink(b.code)],
      [t("product"), (b) => el("span", {}, swatch(b.colour), b.product)],
      [t("lot"), (b) => b.lot],
      [t("supplier"), (b) => b.supplier],
      [t("school"), (b) => b.school],
      [t("quantity"), (b) => `${b.quantity} ${FT.unitName(b.unit)}`, "number"],
      [t("received"), (b) => FT.office.formatFull(b.received_at)],
      [t("use_by"), (b) => b.use_by_date],
      [t("status"), status],
    ];
  }

  async function load(cursor) {
    const section = document.getElementById("results-section");
    section.hidden = false;
    section.setAttribute("aria-busy", "true");
    try {
      const params = new URLSearchParams({ ...query, limit: PAGE });
      if (cursor) params.set("cursor", cursor);
      const page = await request("GET", "search/batches?" + params);
      found = cursor ? [...found, ...page.items] : page.items;
      next = page.next_cursor;
      document.getElementById("results").replaceChildren(found.length ? FT.office.table(t("results"), columns(), found) : "");
      document.getElementById("no-results").hidden = found.length > 0;
      document.getElementById("more").hidden = !next;
    } catch (error) {
      showProblem(error);
    } finally {
      section.setAttribute("aria-busy", "false");
    }
  }

  function criteria(data) {
    return Object.fromEntries(FIELDS.map((name) => [name, (data.get(name) || "").trim()]).filter(([, value]) => value));
  }

  bindForm(form, async (data) => {
    query = criteria(data);
    remember(query);
    await load(null);
  });
  document.getElementById("more").addEventListener("click", () => load(next));

  FT.office.setUpSchoolField(form.elements.school, document.getElementById("q-school-field"));
  const asked = new URLSearchParams(location.search);
  if (FIELDS.some((name) => asked.get(name))) {
    fillForm(form, [...asked].filter(([name]) => FIELDS.includes(name)));
    query = criteria(asked);
    load(null);
  }
})();
