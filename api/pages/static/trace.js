// 追溯: backward from a school's meal, or forward from a lot (or a supplier's goods, or a product); the answer as a
// tree, with the trace's xlsx and CSV exports. The query stays in the address, so a trace can be linked and shared.
"use strict";
(function () {
  const FT = window.FT;
  const { t, request, bindForm, showProblem } = FT;
  const { exportButton, remember, fillForm } = FT.office;
  if (!FT.requireSession()) return;
  const backwardForm = document.getElementById("backward-form");
  const forwardForm = document.getElementById("forward-form");
  const FORWARD = ["lot", "supplier", "product", "received_from", "received_to"];
  const BACKWARD = ["school", "meal_date", "meal", "dish"];

  function only(params, names) {
    return Object.fromEntries(names.map((name) => [name, params[name] || ""]).filter(([, value]) => value));
  }

  function show(section, visible) {
    document.getElementById(section).hidden = !visible;
  }

  async function run(direction, params) {
    remember(params);
    const result = document.getElementById("trace-result");
    result.setAttribute("aria-busy", "true");
    const query = new URLSearchParams(params);
    try {
      // Backward: other schools' lots counted; their batches are read a page at a time when opened.
      const others = direction === "backward" ? "&others=lots" : "";
      const trace = await request("GET", `trace/${direction}?${query}${others}`);
      render(direction, trace, query);
    } catch (error) {
      showProblem(error);
    } finally {
      result.setAttribute("aria-busy", "false");
    }
  }

  function render(direction, trace, query) {
    const tree = direction === "forward" ? FT.traceTree.forward(trace) : FT.traceTree.backward(trace);
    document.getElementById("result-title").textContent = tree.getAttribute("aria-label");
    document.getElementById("trace-tree").replaceChildren(tree);
    document.getElementById("truncated").hidden = !trace.truncated;
    const name = direction === "forward" ? `trace-forward-${query.get("lot") || query.get("supplier") || query.get("product")}` : `trace-${query.get("school")}-${query.get("meal_date")}-${query.get("meal")}${query.get("dish") ? "-" + query.get("dish") : ""}`;
    const file = (format) => `trace/${direction}?${query}&format=${format}`;
    document.getElementById("exports").replaceChildren(
      exportButton(t("export_xlsx"), file("xlsx"), `${name}.xlsx`),
      exportButton(t("export_csv"), file("csv"), `${name}.csv`, true),
    );
    show("trace-result", true);
    document.getElementById("trace-result").scrollIntoView({ block: "start" }); // on a phone the forms fill the screen
    const backward = direction === "backward";
    show("dishes-section", backward && (trace.dishes.length > 0 || trace.unassigned_batches.length > 0));
    show("people-section", backward);
    show("samples-section", backward);
    show("others-section", backward);
    if (backward) {
      document.getElementById("meal-dishes").replaceChildren(...dishList(trace, query));
      document.getElementById("people").replaceChildren(FT.traceTree.peopleTable(trace));
      document.getElementById("meal-samples").replaceChildren(trace.samples.length ? FT.traceTree.samplesTable(trace.samples) : FT.el("p", { class: "bad", text: t("no_sample_for_meal") }));
      document.getElementById("others").replaceChildren(FT.traceTree.otherSchools(trace));
    }
  }

  // Each dish of the meal with the batches known to have gone into it, and a button to trace from that dish alone.
  function dishList(trace, query) {
    const { el } = FT;
    const items = trace.dishes.map((d) => {
      const button = el("button", { type: "button", class: "secondary", "data-dish": d.dish, text: t("trace_this_dish") });
      button.addEventListener("click", () => {
        backwardForm.elements.dish.value = d.dish;
        run("backward", { ...Object.fromEntries(query), dish: d.dish });
      });
      const served = d.portions === null ? "" : ` · ${t("portions_served", { portions: d.portions })}`;
      const chosen = query.get("dish") === d.dish;
      return el("li", { class: chosen ? "chosen" : "" }, el("strong", { text: d.dish }), ` · ${d.batch_codes.join(t("list_sep")) || t("no_batch_known")}${served} `, chosen ? null : button);
    });
    const rest = trace.unassigned_batches.map((b) => `${b.product} ${b.code}`).join(t("list_sep"));
    return [el("ul", { class: "dishes" }, ...items), rest ? el("p", { text: `${t("unassigned_batches")}${t("colon")}${rest}` }) : ""];
  }

  bindForm(backwardForm, async (data) => {
    await run("backward", only(Object.fromEntries(data), BACKWARD));
  });
  bindForm(forwardForm, async (data) => {
    const params = only(Object.fromEntries(data), FORWARD);
    await run("forward", params);
  });

  FT.office.setUpSchoolField(backwardForm.elements.school);
  const asked = new URLSearchParams(location.search);
  if (asked.get("school") && asked.get("meal_date") && asked.get("meal")) {
    fillForm(backwardForm, [...asked].filter(([name]) => BACKWARD.includes(name)));
    run("backward", only(Object.fromEntries(asked), BACKWARD));
  } else if (FORWARD.slice(0, 3).some((name) => asked.get(name))) {
    fillForm(forwardForm, [...asked].filter(([name]) => FORWARD.includes(name)));
    run("forward", only(Object.fromEntries(asked), FORWARD));
  }
})();
