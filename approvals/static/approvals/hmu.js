// HMU's review page: a proposal's LMU responses are fetched when opened (without JavaScript
// the link in the <details> opens them as a page), and leaving the page with unsaved
// changes asks first (the buttons of the form save them).
(function () {
  "use strict";
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (!details.matches || !details.matches("details.app-responses") || !details.open) return;
    if (details.dataset.loaded) return;
    details.dataset.loaded = "1";
    var body = details.querySelector(".app-responses-body");
    body.setAttribute("aria-busy", "true");
    fetch(details.dataset.fragment, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html; // our own escaped fragment (approvals/_hmu_responses.html)
      })
      .catch(function () {
        delete details.dataset.loaded; // the link stays; opening again tries again
      })
      .finally(function () {
        body.removeAttribute("aria-busy");
      });
  }, true);

  var form = document.querySelector("form.app-hmu-form");
  if (!form) return;
  // Shown again after a refusal: what is in the fields is not saved.
  var dirty = !!document.getElementById("error-summary");
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
