/* Forms without a reload: the same POST sent with fetch, errors shown in place.
   Only an enhancement: without this file (or with an old browser) every form works the
   same with full page loads. The markup contract is in templates/_macros.html. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.URLSearchParams) return;

  function setError(group, message) {
    var name = group.getAttribute("data-field");
    var slot = group.querySelector(".form-error-message");
    group.classList.toggle("form-group--error", !!message);
    if (slot) {
      slot.hidden = !message;
      slot.querySelector("[data-message]").textContent = message || "";
    }
    group.querySelectorAll("[data-described]").forEach(function (control) {
      var ids = control.getAttribute("data-described");
      if (message) ids = (ids + " " + name + "-error").trim();
      if (ids) control.setAttribute("aria-describedby", ids);
      else control.removeAttribute("aria-describedby");
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    });
  }

  function addItem(list, message, name) {
    var item = document.createElement("li");
    var target = name && document.getElementById(name);
    var text = item;
    if (target) {
      text = document.createElement("a");
      text.href = "#" + name;
      item.appendChild(text);
    }
    text.textContent = message;
    list.appendChild(item);
  }

  // Errors next to each field and, in the order of the page, in the summary at the top.
  function showErrors(errors, general, summaryLines) {
    var lines = summaryLines || {};
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    var list = summary.querySelector("ul");
    var listed = {};
    list.textContent = "";
    document.querySelectorAll("[data-field]").forEach(function (group) {
      var name = group.getAttribute("data-field");
      setError(group, errors[name]);
      if (errors[name] && !listed[name]) addItem(list, lines[name] || errors[name], name);
      listed[name] = true;
    });
    Object.keys(errors).forEach(function (name) {
      if (!listed[name]) addItem(list, lines[name] || errors[name], name);
    });
    if (general) addItem(list, general);
    summary.hidden = false;
    summary.focus();
    summary.scrollIntoView();
  }

  function setBusy(form, busy) {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = busy; });
    if (busy) form.setAttribute("aria-busy", "true");
    else form.removeAttribute("aria-busy");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-enhance")) return;
    event.preventDefault();
    if (form.hasAttribute("aria-busy")) return; // a double click sends once
    setBusy(form, true);
    fetch(form.action, {
      method: "POST",
      headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected) return location.assign(response.url);
      return response.json().then(function (body) {
        if (body.redirect) return location.assign(body.redirect);
        setBusy(form, false);
        showErrors(body.errors || {}, body.error && body.error.message, body.summary);
      });
    }).catch(function () {
      form.submit(); // network trouble or an unexpected answer: let the browser do it
    });
  });

  // An error-summary link: the whole field (label, hint, error) just under the sticky
  // header, then the control focused without scrolling it again.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    (target.closest("[data-field]") || target).scrollIntoView();
    if (typeof target.focus === "function") target.focus({ preventScroll: true });
  });

  // Back from the next page (bfcache): the buttons must work again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[aria-busy]").forEach(function (form) {
        setBusy(form, false);
      });
    }
  });
})();
