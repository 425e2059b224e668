// exporter serve: the preview without a page reload. The page works without this file (plain form posts).
"use strict";
(function () {
  const form = document.getElementById("export-form");
  const result = document.getElementById("result");
  const status = document.getElementById("status");
  if (!form || !result || !window.fetch || !window.FormData) return;
  const limit = Number(form.dataset.maxBytes || 0);
  let busy = false;

  function say(text) { if (status) status.textContent = text; }

  async function update() {
    if (busy) return;
    const file = form.elements.source && form.elements.source.files[0];
    if (file && limit && file.size > limit) {
      say("");
      result.innerHTML = '<div class="error" role="alert"><h2 id="result-heading" tabindex="-1">' +
        "The file is too large</h2><p></p></div>";
      result.querySelector("p").textContent =
        "The file is " + file.size + " bytes; the limit is " + limit + " bytes.";
      result.querySelector("#result-heading").focus();
      return;
    }
    busy = true;
    result.setAttribute("aria-busy", "true");
    say("Drawing the preview…");
    try {
      const response = await fetch("/preview", { method: "POST", body: new FormData(form) });
      result.innerHTML = await response.text();
      say(response.ok ? "The preview is ready." : "The article could not be converted.");
    } catch (error) {
      result.innerHTML = '<div class="error" role="alert"><h2 id="result-heading" tabindex="-1">' +
        "The server did not answer</h2><p>Check the connection and try again.</p></div>";
      say("");
    } finally {
      busy = false;
      result.removeAttribute("aria-busy");
      const heading = result.querySelector("#result-heading");
      if (heading) heading.focus();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    update();
  });
  // A new style or overflow policy redraws a preview already shown.
  form.addEventListener("change", function (event) {
    const name = event.target && event.target.name;
    if ((name === "style" || name === "overflow") && result.querySelector("img.page")) update();
  });
})();
