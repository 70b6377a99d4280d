// Sign in with person id and PIN (staff), or a pasted token (office). Then back to where the person was going.
"use strict";
(function () {
  const { t, request, saveSession, bindForm, nextPage, Problem } = window.FT;

  bindForm(document.getElementById("pin-form"), async (data) => {
    const body = { person_id: data.get("person_id").trim(), pin: data.get("pin") };
    if (data.get("role")) body.role = data.get("role");
    const signed = await request("POST", "sessions", { json: body, signingIn: true });
    saveSession(signed);
    location.replace(nextPage(signed.role));
  });

  // Office staff hold a token made on the server's command line; the server says whose it is before it is kept.
  bindForm(document.getElementById("token-form"), async (data) => {
    const token = data.get("token").trim();
    let me;
    try {
      me = await request("GET", "sessions/current", { token });
    } catch (error) {
      if (error instanceof Problem && error.status === 401) throw new Problem(401, { zh: t("token_refused"), en: t("token_refused") });
      throw error;
    }
    saveSession({ ...me, token });
    location.replace(nextPage(me.role));
  });

  document.getElementById("person-id").focus();
})();
