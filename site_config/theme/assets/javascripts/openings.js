/* "Open now" and a desk's next openings (portal/site/render/openings.py). The page lists the
   openings the build knew of, with their start and end in seconds since 1970, and every text
   in its language; this drops what is over, shows the next ones and picks the badge's text.
   The times are absolute, so the reader's own time zone and a page built days ago do not
   matter. Without this script the page shows what the build knew. */
(function () {
  var now = Date.now() / 1000;
  function num(el, name) { return +el.getAttribute(name); }
  document.querySelectorAll("[data-openings]").forEach(function (box) {
    var shown = num(box, "data-openings"), seen = 0, first = null;
    box.querySelectorAll("[data-end]").forEach(function (item) {
      var over = num(item, "data-end") <= now, opening = !item.hasAttribute("data-closed");
      item.hidden = over || seen >= shown || (opening && !item.firstChild);
      if (!over && opening && !seen++) first = item;
    });
    var open = first && num(first, "data-start") <= now;
    box.querySelector(".portal-openings__badge").textContent = !first
      ? box.getAttribute("data-none")
      : open ? box.getAttribute("data-now").replace("%s", first.getAttribute("data-until"))
      : box.getAttribute("data-next").replace("%s", first.getAttribute("data-when"));
    box.classList.toggle("portal-openings--open", !!open);
  });
})();
