// Home: one big scan button; typing the code is the fallback. Both resolve through GET /api/v1/scan.
"use strict";
(function () {
  const { request, requireSession, bindForm, showProblem, clearMessages } = window.FT;
  if (!requireSession()) return;

  async function open(payload) {
    const card = await request("GET", "scan?payload=" + encodeURIComponent(payload));
    location.assign("/app/batch/" + encodeURIComponent(card.code));
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
