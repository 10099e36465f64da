/* Forms without a reload: the same POST sent with fetch, errors shown in place.
   Only an enhancement: without this file (or with an old browser) every form works the
   same with full page loads. The markup contract is in templates/_macros.html. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData || !window.URLSearchParams) return;

  // A message in Italian for want of a translation says so, as the pages the server writes
  // do: its language, and its direction where the page runs the other way.
  function markLanguage(element, lang) {
    var root = document.documentElement;
    var other = !!lang && lang !== root.lang;
    var dir = other ? document.body.getAttribute("data-source-dir") : null;
    if (other) element.setAttribute("lang", lang);
    else element.removeAttribute("lang");
    if (dir && dir !== root.dir) element.setAttribute("dir", dir);
    else element.removeAttribute("dir");
  }

  function setError(group, message, lang) {
    var name = group.getAttribute("data-field");
    var slot = group.querySelector(".form-error-message");
    group.classList.toggle("form-group--error", !!message);
    if (slot) {
      var text = slot.querySelector("[data-message]");
      slot.hidden = !message;
      text.textContent = message || "";
      markLanguage(text, message && lang);
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

  function addItem(list, message, name, lang) {
    var item = document.createElement("li");
    var target = name && document.getElementById(name);
    var text = item;
    if (target) {
      text = document.createElement("a");
      text.href = "#" + name;
      item.appendChild(text);
    }
    text.textContent = message;
    markLanguage(text, lang);
    list.appendChild(item);
  }

  // Errors next to each field and, in the order of the page, in the summary at the top;
  // body.errors_lang, body.summary_lang and body.error.lang say each message's language.
  function showErrors(body) {
    var errors = body.errors || {};
    var langs = body.errors_lang || {};
    var lines = body.summary || {};
    var lineLangs = body.summary_lang || {};
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    var list = summary.querySelector("ul");
    var listed = {};
    function addLine(name) {
      if (lines[name]) addItem(list, lines[name], name, lineLangs[name]);
      else addItem(list, errors[name], name, langs[name]);
    }
    list.textContent = "";
    document.querySelectorAll("[data-field]").forEach(function (group) {
      var name = group.getAttribute("data-field");
      setError(group, errors[name], langs[name]);
      if (errors[name] && !listed[name]) addLine(name);
      listed[name] = true;
    });
    Object.keys(errors).forEach(function (name) {
      if (!listed[name]) addLine(name);
    });
    if (body.error && body.error.message) {
      addItem(list, body.error.message, null, body.error.lang);
    }
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
        showErrors(body);
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
