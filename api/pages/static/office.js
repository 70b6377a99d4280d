// What the office pages share: the school to look at, links to a batch's timeline, exports, ✓/✗ marks.
"use strict";
(function () {
  const FT = window.FT;
  const { t, el, request, showProblem, clearMessages } = FT;
  const SCHOOL_ROLES = ["storekeeper", "kitchen", "principal"];

  // A school's staff read only their own school: the field is fixed to it. Investigators and admins type a code,
  // offered from the county's schools. The API has no list of schools yet; a one-day compliance report names
  // every school in its supervision rows, so it stands in for one.
  async function setUpSchoolField(input, field) {
    const me = FT.session();
    if (me && SCHOOL_ROLES.includes(me.role)) {
      input.value = me.scope || "";
      input.readOnly = true;
      if (field) field.hidden = true;
      return;
    }
    const list = document.getElementById(input.getAttribute("list"));
    if (!list || list.dataset.filled) return;
    list.dataset.filled = "yes";
    try {
      const today = FT.config.today;
      const report = await request("GET", `compliance?start=${today}&end=${today}`);
      const codes = [...new Set(report.supervision.map((row) => row.school))].sort();
      list.replaceChildren(...codes.map((code) => el("option", { value: code })));
    } catch (error) {
      // Without suggestions the code can still be typed.
    }
  }

  function isSchoolStaff() {
    const me = FT.session();
    return Boolean(me && SCHOOL_ROLES.includes(me.role));
  }

  function batchLink(code) {
    return el("a", { href: `/app/batch/${encodeURIComponent(code)}/timeline`, class: "code", text: code });
  }

  function good(text) {
    return el("span", { class: "ok" }, el("span", { "aria-hidden": "true", text: "✓ " }), text);
  }
  function bad(text) {
    return el("span", { class: "bad" }, el("span", { "aria-hidden": "true", text: "✗ " }), text);
  }
  function swatch(colour) {
    return el("span", { class: "swatch band-" + colour, "aria-hidden": "true" });
  }

  // A button that fetches a file with the token and hands it to the browser to save.
  function exportButton(label, path, filename, secondary) {
    const button = el("button", { type: "button", class: "big" + (secondary ? " secondary" : ""), text: label });
    button.addEventListener("click", async () => {
      if (button.disabled) return;
      button.disabled = true;
      clearMessages();
      try {
        await FT.download(typeof path === "function" ? path() : path, typeof filename === "function" ? filename() : filename);
      } catch (error) {
        showProblem(error);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  }

  // Keeps a page's query in its address, so a link, a reload or the back button shows the same answer.
  function remember(params) {
    const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value));
    history.replaceState(null, "", location.pathname + (query.toString() ? "?" + query : ""));
  }

  function fillForm(form, params) {
    for (const [name, value] of params) {
      const field = form.elements[name]; // an input, or a RadioNodeList for a choice
      if (field) field.value = value;
    }
  }

  function sum(quantities) {
    const total = quantities.reduce((acc, q) => acc + Number(q), 0);
    return String(Math.round(total * 1000) / 1000);
  }

  FT.office = { setUpSchoolField, isSchoolStaff, batchLink, good, bad, swatch, exportButton, remember, fillForm, sum };
})();
