// What the office pages share: the school to look at, links to a batch's timeline, exports, ✓/✗ marks.
"use strict";
(function () {
  const FT = window.FT;
  const { config, t, el, request, showProblem, clearMessages } = FT;
  const SCHOOL_ROLES = ["storekeeper", "kitchen", "principal"];

  // A school's staff read only their own school: the field is fixed to it. Investigators and admins type a code,
  // offered from the county's schools.
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
      const schools = (await request("GET", "schools")).items;
      list.replaceChildren(...schools.map((s) => el("option", { value: s.code, label: `${s.code} ${s.name}` })));
    } catch (error) {
      // Without suggestions the code can still be typed.
    }
  }

  // The export and document routes need the bearer token, so a file is fetched and handed to the browser as a blob.
  async function download(path, filename) {
    const blob = await request("GET", path, { blob: true });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: filename, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }
  function formatFull(iso) {
    const options = { timeZone: config.timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false };
    return new Intl.DateTimeFormat(config.lang === "en" ? "en-GB" : "zh-CN", options).format(new Date(iso));
  }
  // 补录 · recorded 2026-03-02 09:00 · approved by …: a late entry's second time, on the county's clock.
  function lateNote(entry) {
    const approval = entry.late_approval ? ` · ${t("approved_by")} ${entry.late_approval.approver}：${entry.late_approval.reason}` : "";
    return `${t("late_entry")} · ${t("recorded_at")} ${formatFull(entry.recorded_at)}${approval}`;
  }
  function parts(date) {
    const options = { timeZone: config.timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    const found = {};
    for (const part of new Intl.DateTimeFormat("en-CA", options).formatToParts(date)) found[part.type] = part.value;
    return found;
  }
  // "2026-03-02T10:00:00+08:00" → "2026-03-02T10:00", the county's wall clock, for <input type="datetime-local">.
  function wallClock(iso) {
    const p = parts(new Date(iso));
    return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
  }
  // The reverse: a wall-clock time in the county's zone → an ISO moment with its offset (what /as-of takes).
  function zonedIso(wall) {
    const guess = new Date(wall + ":00Z");
    const p = parts(guess);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
    const offset = Math.round((shown - guess.getTime()) / 60000);
    const sign = offset < 0 ? "-" : "+";
    const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
    const minutes = String(Math.abs(offset) % 60).padStart(2, "0");
    return `${wall}:00${sign}${hours}:${minutes}`;
  }
  // A table whose rows come from a list: columns are [heading, (item) => text or node, class].
  function table(caption, columns, items) {
    const head = el("tr", {}, ...columns.map(([heading, , css]) => el("th", { scope: "col", class: css, text: heading })));
    const rows = items.map((item) => el("tr", {}, ...columns.map(([, cell, css]) => el("td", { class: css }, cell(item)))));
    const tableNode = el("table", {}, el("caption", { class: "visually-hidden", text: caption }), el("thead", {}, head), el("tbody", {}, ...rows));
    return scrollBox(caption, tableNode);
  }

  // A wide table scrolls sideways on a phone or tablet, and says so: a "← 左右滑动 →" line above it and a fade on
  // each side that has more, shown only while the table is wider than the screen. The scrolling box is focusable
  // so a keyboard can scroll it too.
  function scrollBox(caption, tableNode) {
    const box = el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption }, tableNode);
    const hint = el("p", { class: "scroll-hint", "aria-hidden": "true", hidden: true, text: t("scroll_sideways") });
    const frame = el("div", { class: "scroll-frame" }, box);
    const update = () => {
      const more = box.scrollWidth - box.clientWidth;
      hint.hidden = more <= 1;
      frame.classList.toggle("more-left", box.scrollLeft > 1);
      frame.classList.toggle("more-right", box.scrollLeft < more - 1);
    };
    box.addEventListener("scroll", update, { passive: true });
    new ResizeObserver(update).observe(box);
    return el("div", { class: "scrolling" }, hint, frame);
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
        await download(typeof path === "function" ? path() : path, typeof filename === "function" ? filename() : filename);
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

  FT.office = {
    setUpSchoolField, isSchoolStaff, batchLink, good, bad, swatch, exportButton, scrollBox, remember, fillForm, sum, download, formatFull,
    lateNote, wallClock, zonedIso, table,
  };
})();
