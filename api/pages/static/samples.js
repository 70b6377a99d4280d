// 留样: record each dish's sample with its grams; see the chosen meal's samples from the server, which batches
// issued for that meal still lack one, and when each sample may be disposed of; print its label.
"use strict";
(function () {
  const FT = window.FT;
  const { t, request, el, bindForm, recall, notice, showProblem, clearMessages } = FT;
  if (!FT.requireSession()) return;
  const form = document.getElementById("sample-form");
  const VIEW_WAIT = [300, 500, 800, 1200, 2000]; // the meal view follows the log a moment after a sample is recorded

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
    const batches = (sample.batch_codes || []).join(t("list_sep"));
    return el(
      "li",
      { "data-sample": sample.sample_id },
      el("p", { class: "large", text: `${sample.dish} · ${sample.grams} g` }),
      el("p", { text: `${FT.mealName(sample.meal)} · ${sample.fridge} · ${t("sealed_at")} ${FT.formatMoment(sample.sealed_at)}` }),
      batches ? el("p", { class: "code", text: batches }) : null,
      el("p", { class: "keep-until", text: `${t("keep_until")}${t("colon")}${FT.formatMoment(sample.keep_until)}` }),
      button,
    );
  }

  function renderBatch(batch) {
    const sampled = batch.sampled_in.length > 0;
    const item = el(
      "li",
      { class: sampled ? "sampled" : "unsampled" },
      el("span", { class: "mark", "aria-hidden": "true", text: sampled ? "✓" : "✗" }),
      el(
        "div",
        { class: "grow" },
        el("p", {}, el("strong", { text: batch.product }), " ", el("span", { class: "code", text: batch.code })),
        el("p", { text: `${t("issued")} ${batch.issued} ${FT.unitName(batch.unit)} · ` + (sampled ? `${t("sampled_in")}${t("colon")}${batch.sampled_in.join(t("list_sep"))}` : t("meal_missing")) }),
      ),
    );
    if (!sampled) {
      const add = el("button", { type: "button", class: "big secondary", text: t("use_in_sample") });
      add.addEventListener("click", () => {
        const input = form.elements.batch_codes;
        input.value = [...new Set([...batchCodes(input.value), batch.code])].join(", ");
        form.elements.dish.focus();
      });
      item.append(add);
    }
    return item;
  }

  function chosenMeal() {
    return { date: form.elements.meal_date.value, meal: form.elements.meal.value };
  }

  // The chosen meal as the server records it; `recorded` is a sample just saved, waited for and shown even if the
  // view has not caught up with it yet.
  async function loadMeal(recorded) {
    const { date, meal } = chosenMeal();
    if (!date) return;
    const section = document.getElementById("sample-gaps");
    section.setAttribute("aria-busy", "true");
    const key = `${date}/${meal}`;
    try {
      let found = await request("GET", `meals/${date}/${meal}/samples`);
      for (const delay of recorded ? VIEW_WAIT : []) {
        if (found.samples.some((s) => s.sample_id === recorded.sample_id)) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
        found = await request("GET", `meals/${date}/${meal}/samples`);
      }
      if (recorded && !found.samples.some((s) => s.sample_id === recorded.sample_id)) found.samples.push(recorded);
      if (key !== `${chosenMeal().date}/${chosenMeal().meal}`) return; // the person chose another meal meanwhile
      render(found);
    } catch (error) {
      if (error instanceof FT.NetworkFailure) document.getElementById("meal-status").textContent = t("offline_no_meal");
      else showProblem(error);
    } finally {
      section.setAttribute("aria-busy", "false");
    }
  }

  function render(found) {
    document.getElementById("meal-name").textContent = `${found.meal_date} ${FT.mealName(found.meal)}`;
    const status = document.getElementById("meal-status");
    // A meal with a menu is judged dish by dish; one without, by the batches issued for it.
    const dishes = found.dishes || [];
    const missing = dishes.length ? dishes.filter((d) => !d.sampled).map((d) => d.dish) : found.batches.filter((b) => !b.sampled_in.length).map((b) => b.product);
    const any = dishes.length || found.batches.length;
    status.className = "meal-status " + (missing.length ? "missing" : any ? "complete" : "");
    status.textContent = missing.length ? `${t(dishes.length ? "dishes_missing" : "meal_missing")}${t("colon")}${missing.join(t("list_sep"))}` : any ? t("meal_complete") : t("meal_empty");
    document.getElementById("meal-batches").replaceChildren(...found.batches.map(renderBatch));
    document.getElementById("sample-list").replaceChildren(...found.samples.map(renderSample));
    document.getElementById("no-samples").hidden = found.samples.length > 0;
  }

  function batchCodes(text) {
    return text.split(/[\s,，、;；]+/).map((code) => code.trim()).filter(Boolean);
  }

  function sampleBody(data) {
    return {
      meal_date: data.get("meal_date"),
      meal: data.get("meal"),
      dish: data.get("dish").trim(),
      grams: Number(data.get("grams")),
      fridge: data.get("fridge").trim(),
      batch_codes: batchCodes(data.get("batch_codes")),
    };
  }

  function nextSample() {
    form.elements.dish.value = "";
    form.elements.grams.value = "";
    form.elements.batch_codes.value = "";
    form.elements.dish.focus();
  }

  bindForm(form, async (data, key) => {
    const body = sampleBody(data);
    const result = await request("POST", "samples", { json: body, key });
    notice(`${t("saved")} · ${body.dish} · ${t("keep_until")} ${FT.formatMoment(result.keep_until)}`);
    nextSample();
    await loadMeal(await request("GET", "samples/" + encodeURIComponent(result.sample_id)));
  }, (data) => {
    // No signal: the sample waits in 待发送, sealed now.
    const body = sampleBody(data);
    return { path: "samples", body, kind: "sample", what: `${body.dish} · ${body.grams} g · ${body.meal_date} ${FT.mealName(body.meal)} · ${body.batch_codes.join(t("list_sep"))}` };
  });
  form.addEventListener("ft:queued", nextSample);

  form.elements.meal_date.addEventListener("change", () => loadMeal());
  form.querySelectorAll("input[name=meal]").forEach((radio) => radio.addEventListener("change", () => loadMeal()));

  document.getElementById("s-scan").addEventListener("click", () => {
    clearMessages();
    FT.scanner.open(async (text) => {
      try {
        const code = FT.offline() ? FT.outbox.codeOf(text) : (await request("GET", "scan?payload=" + encodeURIComponent(text))).code;
        if (!code) throw new FT.NetworkFailure(t("offline_unknown_batch"));
        const input = form.elements.batch_codes;
        input.value = [...new Set([...batchCodes(input.value), code])].join(", ");
      } catch (error) {
        showProblem(error);
      }
    });
  });

  recall(form);
  loadMeal();
})();
