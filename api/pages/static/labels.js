// Print a label: the label routes need the bearer token, so the files are fetched and offered as blob links.
"use strict";
(function () {
  const { request, showProblem } = window.FT;
  const urls = [];

  async function fileUrl(path, format, size) {
    const blob = await request("GET", `${path}?format=${format}&size=${size}`, { blob: true });
    const url = URL.createObjectURL(blob);
    urls.push(url);
    return url;
  }

  // path: "batches/{code}/label" or "samples/{id}/label"; name: the downloaded file's name without extension.
  async function show(path, name) {
    const section = document.getElementById("label-print");
    const size = document.getElementById("label-size");
    section.hidden = false;
    const load = async () => {
      while (urls.length) URL.revokeObjectURL(urls.pop());
      try {
        const [png, pdf] = await Promise.all([fileUrl(path, "png", size.value), fileUrl(path, "pdf", size.value)]);
        const preview = document.getElementById("label-preview");
        preview.src = png;
        preview.hidden = false;
        for (const [id, url, extension] of [["label-png", png, "png"], ["label-pdf", pdf, "pdf"]]) {
          const link = document.getElementById(id);
          link.href = url;
          link.download = `${name}-${size.value}.${extension}`;
          link.hidden = false;
        }
      } catch (error) {
        showProblem(error);
      }
    };
    size.onchange = load;
    await load();
  }

  window.FT.labels = { show };
})();
