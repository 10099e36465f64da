/* Search as you type in every script. Material starts a search on "keyup" only, but text
   entered through an input method, voice typing or paste (common for Arabic, Bengali,
   Chinese, Urdu…) fires "input" without a keyup: forward those as a keyup. */
(function () {
  var box = document.querySelector("input.md-search__input");
  if (!box) return;
  box.addEventListener("input", function (event) {
    if (!event.isComposing) box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  });
  box.addEventListener("compositionend", function () {
    box.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));
  });
})();
