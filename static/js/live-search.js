// Search as you type: a GET form marked data-live-search="ID" refreshes the element ID
// with the same element of the page its query returns. Without JavaScript, the form's
// button does the same by loading the page.
document.querySelectorAll("form[data-live-search]").forEach((form) => {
  const target = document.getElementById(form.dataset.liveSearch);
  const input = form.querySelector("input[type=search]");
  let timer = null;
  let latest = 0;
  const search = async () => {
    const query = new URLSearchParams(new FormData(form)).toString();
    const url = `${form.getAttribute("action") || window.location.pathname}?${query}`;
    const request = ++latest;
    const response = await fetch(url, { headers: { Accept: "text/html" } });
    if (!response.ok || request !== latest) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById(target.id);
    if (fresh) {
      target.innerHTML = fresh.innerHTML;
      window.history.replaceState(null, "", url);
    }
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  // Typed before this script ran (a slow page): search for it now.
  if (input.value !== input.defaultValue) search();
});
