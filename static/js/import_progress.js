// Import progress in the admin: polls the run's status while the background
// worker imports, moves the bar, and opens the run's page
// for the report at the end.
(function () {
  "use strict";
  const box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  const bar = box.querySelector("progress");
  const step = box.querySelector(".import-progress-step");
  const url = box.dataset.statusUrl;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (!status) {
          window.setTimeout(poll, 3000);
          return;
        }
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        if (status.state === "running" && status.total) {
          step.textContent = status.step + " " + status.done + "/" + status.total;
        }
        if (status.finished) {
          // The run's own page (a GET), even when this one answered a POST.
          window.location.assign(box.dataset.runUrl);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 500);
})();
