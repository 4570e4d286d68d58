// A job's page: asks for the job's state every two seconds and shows it; reloads the page
// when the job has finished (its result, or its error, is then on the page itself).
(function () {
  "use strict";
  var root = document.getElementById("job");
  var url = root && root.dataset.stateUrl;
  if (!url) { return; }
  var status = root.querySelector("[data-job-status]");
  var bar = root.querySelector("[data-job-bar]");
  var step = root.querySelector("[data-job-step]");
  var last = status ? status.textContent : "";
  function show(state) {
    if (state.finished || (state.status === "en_cours" && last !== state.status_label)) {
      window.location.reload();
      return;
    }
    if (bar && state.percent !== null) {
      bar.setAttribute("aria-valuenow", state.percent);
      bar.firstElementChild.style.width = state.percent + "%";
    }
    if (step) {
      step.textContent = (state.step || "") + (state.total ? " · " + state.done + " / " + state.total + " " + state.unit : "");
    }
    setTimeout(poll, 2000);
  }
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) { if (state) { show(state); } else { setTimeout(poll, 5000); } })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
}());
