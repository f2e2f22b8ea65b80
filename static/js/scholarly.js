// Copy buttons of the "Cite" block. Without JavaScript the buttons stay hidden
// and the text can be selected by hand.
(function () {
  "use strict";
  function announce(button, message) {
    var block = button.closest(".cite-block");
    var status = block && block.querySelector(".copy-status");
    if (status) { status.textContent = message; }
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.textContent = message;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    document.body.removeChild(area);
    return done;
  }
  document.querySelectorAll(".copy-button[data-copy-target]").forEach(function (button) {
    var target = document.getElementById(button.dataset.copyTarget);
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = target.textContent.trim();
      var copied = navigator.clipboard && window.isSecureContext
        ? navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallbackCopy(text); })
        : Promise.resolve(fallbackCopy(text));
      copied.then(function (ok) { announce(button, ok ? "Copied" : "Select and copy by hand"); });
    });
  });
})();

// A select marked data-submit-on-change (the Cite block's style) sends its
// form when a choice is made; without JavaScript its button does the same.
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.requestSubmit(); }
    });
  });
})();
