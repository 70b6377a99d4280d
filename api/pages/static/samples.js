// 留样: record each dish's sample with its grams; show when it may be disposed of; print its label.
"use strict";
(function () {
  const FT = window.FT;
  const { config, t, request, el, bindForm, recall, notice, showProblem, clearMessages } = FT;
  if (!FT.requireSession()) return;
  // The API has no list of a day's samples yet: this phone remembers the ids it recorded, per day.
  const MINE = "ft.samples." + config.today;

  function mine() {
    try {
      return JSON.parse(localStorage.getItem(MINE) || "[]");
    } catch (error) {
      return [];
    }
  }

  async function printLabel(sample, button) {
    button.disabled = true;
    try {
      const blob = await request("GET", `samples/${sample.sample_id}/label?format=pdf&size=40x30`, { blob: true });
      const link = el("a", { class: "big button secondary", href: URL.createObjectURL(blob), download: `sample-${sample.dish}.pdf`, text: t("label_pdf") });
      button.replaceWith(link);
    } catch (error) {
      showProblem(error);
      button.disabled = false;
    }
  }

  function renderSample(sample) {
    const button = el("button", { type: "button", class: "big secondary", text: t("print_label") });
    button.addEventListener("click", () => printLabel(sample, button));
    return el(
      "li",
      { "data-sample": sample.sample_id },
      el("p", { class: "large", text: `${sample.dish} · ${sample.grams} g` }),
      el("p", { text: `${t("meal_" + sample.meal)} · ${sample.fridge} · ${t("sealed_at")} ${FT.formatMoment(sample.sealed_at)}` }),
      el("p", { class: "keep-until", text: `${t("keep_until")}：${FT.formatMoment(sample.keep_until)}` }),
      button,
    );
  }

  async function loadMine() {
    const list = document.getElementById("sample-list");
    const found = [];
    for (const id of mine()) {
      try {
        found.push(await request("GET", "samples/" + encodeURIComponent(id)));
      } catch (error) {
        if (!(error instanceof FT.Problem && error.status === 404)) showProblem(error);
      }
    }
    list.replaceChildren(...found.map(renderSample));
    document.getElementById("no-samples").hidden = found.length > 0;
  }

  function batchCodes(text) {
    return text.split(/[\s,，、;；]+/).map((code) => code.trim()).filter(Boolean);
  }

  const form = document.getElementById("sample-form");
  bindForm(form, async (data, key) => {
    const body = {
      meal_date: data.get("meal_date"),
      meal: data.get("meal"),
      dish: data.get("dish").trim(),
      grams: Number(data.get("grams")),
      fridge: data.get("fridge").trim(),
      batch_codes: batchCodes(data.get("batch_codes")),
    };
    const result = await request("POST", "samples", { json: body, key });
    localStorage.setItem(MINE, JSON.stringify([...new Set([...mine(), result.sample_id])]));
    notice(`${t("saved")} · ${body.dish} · ${t("keep_until")} ${FT.formatMoment(result.keep_until)}`);
    form.elements.dish.value = "";
    form.elements.grams.value = "";
    form.elements.batch_codes.value = "";
    await loadMine();
    form.elements.dish.focus();
  });

  document.getElementById("s-scan").addEventListener("click", () => {
    clearMessages();
    FT.scanner.open(async (text) => {
      try {
        const card = await request("GET", "scan?payload=" + encodeURIComponent(text));
        const input = form.elements.batch_codes;
        input.value = [...new Set([...batchCodes(input.value), card.code])].join(", ");
      } catch (error) {
        showProblem(error);
      }
    });
  });

  // PLACEHOLDER: the per-meal view of dishes and batches still without a sample (each row: dish or batch, and
  // whether a sample covers it) is drawn into #sample-gaps-list once the read model's JSON route exists.

  recall(form);
  loadMine();
})();
