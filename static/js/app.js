// Small behaviours the CSP allows (no inline scripts): confirmation before
// irreversible actions, copy buttons, auto-submitting filters, the bell.
(function () {
  "use strict";
  // Forms and buttons with data-confirm ask before submitting.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    var msg = f.getAttribute("data-confirm") || (e.submitter && e.submitter.getAttribute("data-confirm"));
    if (msg && !window.confirm(msg)) { e.preventDefault(); e.stopImmediatePropagation(); return; }
    // Progress: disable the submit button while the request runs.
    if (e.submitter && !f.hasAttribute("data-no-busy")) {
      var b = e.submitter;
      setTimeout(function () { b.setAttribute("aria-busy", "true"); b.disabled = true; }, 0);
    }
  }, true);
  // Copy buttons: data-copy="#id" copies that element's text or value.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b) return;
    var el = document.querySelector(b.getAttribute("data-copy"));
    if (!el) return;
    var text = el.value !== undefined && el.tagName === "INPUT" ? el.value : el.textContent.trim();
    navigator.clipboard.writeText(text).then(function () {
      var old = b.textContent; b.textContent = b.getAttribute("data-copied") || "Copied";
      setTimeout(function () { b.textContent = old; }, 1500);
    });
  });
  // Selects with data-autosubmit submit their form on change.
  document.addEventListener("change", function (e) {
    if (e.target.matches("[data-autosubmit]")) { e.target.form.requestSubmit(); }
  });
  // Navigation menu toggle on small screens: data-toggle="#id" opens and
  // closes that element (class "open"); Escape closes it again.
  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-toggle]");
    if (!t) return;
    var target = document.querySelector(t.getAttribute("data-toggle"));
    if (!target) return;
    var open = target.classList.toggle("open");
    t.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll('[data-toggle][aria-expanded="true"]').forEach(function (t) {
      var target = document.querySelector(t.getAttribute("data-toggle"));
      if (target) target.classList.remove("open");
      t.setAttribute("aria-expanded", "false");
      if (target && target.contains(document.activeElement)) t.focus();
    });
  });
})();
