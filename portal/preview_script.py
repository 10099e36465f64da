"""The script ``portal serve`` injects into every page it previews.

It keeps asking ``/__portal/status`` about the page's path (which also tells the server
which languages are open; the server answers when the version changes, or after 2 s),
reloads the page when its language's version changes, and shows the problems in a corner:
what blocks the preview first, in a compact red box with ``file:line`` for each error; the
content warnings (missing translations…) apart, collapsed into one quiet line that opens on
a click and stays open across polls.
"""

RELOAD_JS = """(function () {
  var version = null;
  var PANEL = 'position:fixed;z-index:9999;left:8px;bottom:8px;display:flex;' +
    'flex-direction:column;gap:6px;max-width:min(46em,calc(100vw - 16px));' +
    'font:13px/1.4 system-ui,sans-serif;text-align:left';
  var ERRORS = 'padding:8px 12px;background:#b00020;color:#fff;border-radius:6px;' +
    'max-height:35vh;overflow:auto;box-shadow:0 2px 8px rgba(0,0,0,.3)';
  var WARNINGS = 'align-self:flex-start;padding:4px 10px;background:#fffbe6;color:#4d3b00;' +
    'border:1px solid #e6d48a;border-radius:6px;max-height:30vh;overflow:auto';
  function element(tag, id, css) {
    var el = document.createElement(tag);
    if (id) { el.id = id; }
    if (css) { el.style.cssText = css; }
    return el;
  }
  function list(items) {
    var ul = element('ul', '', 'margin:4px 0 0;padding-left:1.2em;white-space:pre-wrap');
    items.forEach(function (text) {
      var li = element('li'); li.textContent = text; ul.appendChild(li);
    });
    return ul;
  }
  function fill(panel, s) {
    var before = document.getElementById('portal-preview-warnings');
    var open = !!(before && before.open);
    panel.textContent = '';
    if (s.errors.length) {
      var box = element('div', 'portal-preview-errors', ERRORS);
      box.setAttribute('role', 'alert');
      var title = element('strong');
      title.textContent = 'Anteprima non aggiornata, correggi:';
      box.appendChild(title); box.appendChild(list(s.errors)); panel.appendChild(box);
    }
    if (s.warnings.length) {
      var details = element('details', 'portal-preview-warnings', WARNINGS);
      details.open = open;
      var summary = element('summary', '', 'cursor:pointer');
      summary.textContent = s.warnings.length + (s.warnings.length === 1 ? ' avviso' :
        ' avvisi') + ' (non bloccano l\\'anteprima)';
      details.appendChild(summary); details.appendChild(list(s.warnings));
      panel.appendChild(details);
    }
  }
  function show(s) {
    var panel = document.getElementById('portal-preview');
    if (!s.errors.length && !s.warnings.length) { if (panel) { panel.remove(); } return; }
    if (!panel) {
      panel = element('div', 'portal-preview', PANEL);
      panel.dir = 'ltr'; panel.lang = 'it';
      document.body.appendChild(panel);
    }
    var shown = JSON.stringify([s.errors, s.warnings]);
    if (panel.getAttribute('data-shown') !== shown) {
      panel.setAttribute('data-shown', shown); fill(panel, s);
    }
  }
  function poll() {
    // With the version shown, the server holds the request until a new one (or 2 s).
    var known = version === null ? '' : '&version=' + version;
    fetch('/__portal/status?path=' + encodeURIComponent(location.pathname) + known,
          {cache: 'no-store'})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (version !== null && s.version !== version) { location.reload(); return; }
        version = s.version;
        show(s);
        setTimeout(poll, 0);
      })
      .catch(function () { setTimeout(poll, 1000); });  // server restarting: try again
  }
  poll();
})();
"""
