// Optional: "Pakai templat" fills the follow-up text in place instead of reloading the
// page. Without JavaScript the button submits ?templat=<id> and the server fills it.
(function () {
  "use strict";
  document.querySelectorAll("form[data-template-picker]").forEach(function (picker) {
    picker.addEventListener("submit", function (event) {
      var select = picker.querySelector("select");
      var option = select && select.options[select.selectedIndex];
      var target = document.getElementById(picker.getAttribute("data-target"));
      if (!option || !target) return;
      event.preventDefault();
      var body = option.getAttribute("data-body") || "";
      // Never throw away what the officer already wrote: append after a blank line.
      target.value = target.value.trim() ? target.value.replace(/\s+$/, "") + "\n\n" + body : body;
      target.focus();
    });
  });
})();
