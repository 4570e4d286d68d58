// A <details data-open-wide> stands open in a side column on a wide screen; on a phone, where
// it comes before the form, it stays closed until tapped, so that the form is in view.
if (window.matchMedia("(min-width: 992px)").matches) {
  for (const details of document.querySelectorAll("details[data-open-wide]")) {
    details.open = true;
  }
}
