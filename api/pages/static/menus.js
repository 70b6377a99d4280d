// 周食谱: a school's week of meals with each dish's price; the principal publishes it, amends a day with a reason,
// or copies another week. One dish a line: "红烧肉 3.50" (name, then the price of a portion in yuan).
"use strict";
(function () {
  const FT = window.FT;
  const { t, el, request, bindForm, notice, showProblem, clearMessages } = FT;
  if (!FT.requireSession()) return;
  const me = FT.session();
  const weekForm = document.getElementById("week-form");
  const editor = document.getElementById("menu-form");
  const copyForm = document.getElementById("copy-form");
  const EDITORS = ["principal", "admin"];
  let shown = null; // the week on screen: {school, week, menu or null}

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }
  function monday(day) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
    return iso(d);
  }
  function plusDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return iso(d);
  }
  const dishText = (d) => `${d.name}${d.age_group ? "（" + d.age_group + "）" : ""} ${d.price}`;

  function lunchOf(menu, day) {
    for (const found of menu ? menu.days : []) {
      if (found.day !== day) continue;
      const lunch = found.meals.find((m) => m.meal === "lunch");
      return lunch ? lunch.dishes : [];
    }
    return [];
  }

  function render() {
    const { week, menu } = shown;
    document.getElementById("menu-week").textContent = week;
    document.getElementById("no-menu").hidden = Boolean(menu);
    document.getElementById("menu-table").hidden = !menu;
    document.getElementById("history-heading").hidden = !menu;
    const rows = [];
    for (const day of menu ? menu.days : []) {
      for (const meal of day.meals) {
        rows.push(el("tr", {}, el("th", { scope: "row", text: day.day }), el("td", { text: FT.mealName(meal.meal) }),
          el("td", { text: meal.dishes.map(dishText).join(t("list_sep")) })));
      }
    }
    document.getElementById("menu-rows").replaceChildren(...rows);
    const history = (menu ? menu.history : []).map((h) => el("li", {
      text: `${FT.formatMoment(h.acted_at)} ${t("menu_" + h.kind)}` + (h.copied_from ? ` ← ${h.copied_from}` : "") + (h.reason ? `${t("colon")}${h.reason}` : ""),
    }));
    document.getElementById("menu-history").replaceChildren(...history);
    for (let n = 0; n < 5; n++) {
      const day = plusDays(week, n);
      document.getElementById(`m-day${n}-label`).textContent = `${t("weekday_" + n)} ${day} ${FT.mealName("lunch")}`;
      editor.elements[`day${n}`].value = lunchOf(menu, day).map((d) => `${d.name} ${d.price}`).join("\n");
    }
    document.getElementById("m-reason-field").hidden = !menu;
    editor.elements.reason.required = Boolean(menu);
    document.getElementById("m-save").textContent = t(menu ? "menu_amend" : "menu_publish");
    copyForm.hidden = Boolean(menu);
    copyForm.elements.from_week.value = plusDays(week, -7);
  }

  async function load(after) {
    const school = weekForm.elements.school.value.trim();
    const week = monday(weekForm.elements.week.value);
    if (!school || !week) return;
    const section = document.getElementById("menu-view");
    section.setAttribute("aria-busy", "true");
    try {
      const menu = await request("GET", `schools/${encodeURIComponent(school)}/menus/${week}` + (after ? `?after=${after}` : ""));
      shown = { school, week, menu };
    } catch (error) {
      if (!(error instanceof FT.Problem && error.status === 404 && error.body.field === "week")) {
        showProblem(error);
        return;
      }
      shown = { school, week, menu: null };
    } finally {
      section.setAttribute("aria-busy", "false");
    }
    render();
  }

  // "红烧肉 3.50" → {name, price}: the price is the last word of the line.
  function dishes(text) {
    return text.split("\n").map((line) => line.trim()).filter(Boolean).map((line) => {
      const parts = line.split(/\s+/);
      const price = parts.length > 1 ? parts.pop() : "";
      return { name: parts.join(" "), price };
    });
  }

  function slots(data, onlyChanged) {
    const found = [];
    for (let n = 0; n < 5; n++) {
      const day = plusDays(shown.week, n);
      const typed = dishes(data.get(`day${n}`));
      const before = lunchOf(shown.menu, day).map((d) => ({ name: d.name, price: d.price }));
      if (onlyChanged && JSON.stringify(typed) === JSON.stringify(before)) continue;
      if (!onlyChanged && !typed.length) continue;
      found.push({ day, meal: "lunch", dishes: typed });
    }
    return found;
  }

  async function saved(answer) {
    notice(t(answer.version > 1 ? "menu_amended_notice" : "menu_published_notice", { week: answer.week, dishes: answer.dishes }));
    await load(answer.position);
  }

  weekForm.addEventListener("submit", (event) => {
    event.preventDefault();
    clearMessages();
    load();
  });
  bindForm(editor, async (data, key) => {
    const base = `schools/${encodeURIComponent(shown.school)}/menus/${shown.week}`;
    const answer = shown.menu
      ? await request("POST", `${base}/amendments`, { key, json: { slots: slots(data, true), reason: data.get("reason").trim() } })
      : await request("POST", base, { key, json: { slots: slots(data, false) } });
    editor.elements.reason.value = "";
    await saved(answer);
  });
  bindForm(copyForm, async (data, key) => {
    const path = `schools/${encodeURIComponent(shown.school)}/menus/${shown.week}/copy`;
    await saved(await request("POST", path, { key, json: { from_week: data.get("from_week") } }));
  });

  document.getElementById("menu-editor").hidden = !EDITORS.includes(me.role);
  weekForm.elements.week.value = monday(weekForm.elements.week.value);
  FT.office.setUpSchoolField(weekForm.elements.school, document.getElementById("m-school-field")).then(() => load());
})();
