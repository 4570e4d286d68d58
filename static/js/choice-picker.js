// Filterable checkboxes (essplan.forms.ChoicePicker): the choices whose label holds every
// typed word (case and accents aside) stay in view, and the ticked ones always do, listed first.
const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

document.querySelectorAll("[data-choice-picker]:not([data-ready])").forEach((picker) => {
  picker.dataset.ready = "1";
  const filter = picker.querySelector("[data-choice-filter]");
  const count = picker.querySelector("[data-choice-count]");
  const items = [...picker.querySelectorAll(".form-check")].map((item) => (
    { item, box: item.querySelector("input"), text: fold(item.textContent) }));
  const update = () => {
    const words = fold(filter.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { item, box, text } of items) {
      const visible = box.checked || words.every((word) => text.includes(word));
      item.hidden = !visible;
      shown += visible ? 1 : 0;
    }
    const ticked = items.filter(({ box }) => box.checked).length;
    count.textContent = `${ticked} cochée${ticked > 1 ? "s" : ""} · ${shown} affichée${shown > 1 ? "s" : ""} sur ${items.length}`;
  };
  // The ticked choices first, in their order, then the others.
  const list = picker.querySelector(".choice-picker-list");
  list.prepend(...items.filter(({ box }) => box.checked).map(({ item }) => item));
  filter.hidden = false;
  filter.addEventListener("input", update);
  picker.addEventListener("change", update);
  update();
});
