// Home: one big scan button; typing the code is the fallback. Both resolve through GET /api/v1/scan.
"use strict";
(function () {
  const { request, requireSession, bindForm, showProblem, clearMessages, el, session } = window.FT;
  if (!requireSession()) return;

  // A kitchen lead sees the hand-offs that wait for their signature, one tap from each card.
  async function showWaiting() {
    const me = session();
    if (!me || me.role !== "kitchen") return;
    try {
      const waiting = (await request("GET", "handoffs")).items;
      if (!waiting.length) return;
      document.getElementById("handoff-list").replaceChildren(
        ...waiting.map((h) =>
          el("li", {}, el("a", { href: "/app/batch/" + encodeURIComponent(h.code) + "#confirm" },
            `${h.product} ${h.quantity} ${FT.unitName(h.unit)} · ${h.meal_date} · ${h.code}`)),
        ),
      );
      document.getElementById("handoffs").hidden = false;
    } catch (error) {
      // The list is a convenience: scanning still finds every hand-off.
    }
  }
  showWaiting();

  // A recall (召回) that holds a batch of this school is the first thing its staff see, until it closes.
  async function showRecalls() {
    const me = session();
    if (!me || !["storekeeper", "kitchen", "principal"].includes(me.role)) return;
    try {
      const open = await request("GET", "recalls?open=true");
      if (!open.length) return;
      document.getElementById("recall-list").replaceChildren(
        ...open.map((r) => el("li", {}, `${r.notice_number} · ${r.product} · ${r.lot || ""} · ${r.reason}`)),
      );
      document.getElementById("recalls").hidden = false;
    } catch (error) {
      // The banner is a convenience: every recalled batch's card says it is held, and why.
    }
  }
  showRecalls();

  // With no signal the label is read here, and the card opens as this phone last synced it.
  async function open(payload) {
    let code;
    try {
      code = (await request("GET", "scan?payload=" + encodeURIComponent(payload))).code;
    } catch (error) {
      if (!(error instanceof FT.NetworkFailure)) throw error;
      code = FT.outbox.codeOf(payload);
      if (!code || !(await FT.outbox.recall("batch:" + code))) throw new FT.NetworkFailure(FT.t("offline_unknown_batch"));
    }
    location.assign("/app/batch/" + encodeURIComponent(code));
  }

  bindForm(document.getElementById("code-form"), async (data) => open(data.get("code").trim()));

  document.getElementById("scan-button").addEventListener("click", () => {
    clearMessages();
    window.FT.scanner.open(async (text) => {
      try {
        await open(text);
      } catch (error) {
        showProblem(error);
      }
    });
  });
})();
