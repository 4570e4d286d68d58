// The commune map: the name and figures of the commune under the pointer or the keyboard's
// focus, written under the map (the links' own labels already speak to screen readers).
document.querySelectorAll(".commune-map").forEach((figure) => {
  const readout = figure.querySelector(".map-readout");
  const show = (event) => {
    const link = event.target.closest("a[aria-label]");
    if (link) readout.textContent = link.getAttribute("aria-label");
  };
  figure.addEventListener("mouseover", show);
  figure.addEventListener("focusin", show);
});
