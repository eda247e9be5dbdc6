// Small behaviours the CSP allows (no inline scripts): confirmation dialogs
// before irreversible actions, copy buttons, auto-submitting filters, the bell.
(function () {
  "use strict";
  // A form with data-confirm-dialog="<id>" (components.ConfirmForm) opens
  // that <dialog> instead of posting; the dialog's "ok" button posts it.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if ((f.getAttribute("method") || "").toLowerCase() === "dialog") return; // a dialog's own buttons
    var id = f.getAttribute("data-confirm-dialog");
    var d = id && document.getElementById(id);
    if (d && typeof d.showModal === "function" && !f.hasAttribute("data-confirmed")) {
      e.preventDefault(); e.stopImmediatePropagation();
      d.pcForm = f; d.pcSubmitter = e.submitter || null;
      d.returnValue = "";
      d.showModal();
      return;
    }
    f.removeAttribute("data-confirmed");
    // Progress: disable the submit button while the request runs.
    if (e.submitter && !f.hasAttribute("data-no-busy")) {
      var b = e.submitter;
      setTimeout(function () { b.setAttribute("aria-busy", "true"); b.disabled = true; }, 0);
    }
  }, true);
  // Closing a confirmation dialog with "ok" posts the form that opened it.
  // The close event comes in a later task: if the dialog is open again by
  // then (reopened at once), the event is stale and the new opening holds.
  document.addEventListener("close", function (e) {
    var d = e.target;
    if (!d.pcForm || d.open) return;
    var f = d.pcForm, b = d.pcSubmitter;
    d.pcForm = null; d.pcSubmitter = null;
    if (d.returnValue !== "ok") return;
    f.setAttribute("data-confirmed", "");
    if (b) { f.requestSubmit(b); } else { f.requestSubmit(); }
  }, true);
  // Buttons with data-dialog-open="<id>" open that dialog (a reveal, a form).
  document.addEventListener("click", function (e) {
    var t = e.target.closest("[data-dialog-open]");
    if (!t) return;
    var d = document.getElementById(t.getAttribute("data-dialog-open"));
    if (d && typeof d.showModal === "function") { e.preventDefault(); d.showModal(); }
  });
  // A page that answers an explicit action with a secret shown once (a
  // product key) opens its dialog at load: data-dialog-show="<id>".
  document.querySelectorAll("[data-dialog-show]").forEach(function (m) {
    var d = document.getElementById(m.getAttribute("data-dialog-show"));
    if (d && typeof d.showModal === "function" && !d.open) { d.showModal(); }
  });
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
  // Select all: data-select-all="name" checks or clears every checkbox of that name.
  document.addEventListener("change", function (e) {
    if (!e.target.matches("[data-select-all]")) return;
    var name = e.target.getAttribute("data-select-all");
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (c) { c.checked = e.target.checked; });
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
