// An accessible combobox with search over a native <select> (ARIA 1.2 combobox pattern).
//
// Progressive enhancement of the widgets of expect/core/widgets.py: without this script
// the native <select> (or <select multiple>) is used as is, and it stays the value the
// form sends. With it, the select is hidden and replaced by a text box (role=combobox)
// whose list of options (role=listbox) is filtered as one types; several values show as
// chips, each with its remove button.
// Keyboard: ↓/↑ move in the list, Enter chooses, Escape closes (then clears the text),
// Backspace in an empty box removes the last chip, Tab leaves.

let counter = 0;

const fold = (text) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .trim();

const fill = (text, value) => text.replace(/%\((value|count)\)s/, value);

function enhanceCombobox(select) {
  if (select.dataset.comboboxReady) return;
  select.dataset.comboboxReady = "1";
  const multiple = select.multiple;
  const texts = select.dataset;
  const label = document.querySelector(`label[for="${select.id}"]`);
  counter += 1;
  const uid = `combobox-${counter}`;

  const wrapper = document.createElement("div");
  wrapper.className = "expect-combobox";
  const chips = document.createElement("ul");
  chips.className = "fr-tags-group expect-combobox__chips";
  chips.setAttribute("aria-label", texts.comboboxChosen);
  const input = document.createElement("input");
  input.type = "text";
  input.className = "fr-input";
  input.id = `${select.id}-search`;
  input.autocomplete = "off";
  input.placeholder = texts.comboboxPlaceholder;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  const listbox = document.createElement("ul");
  listbox.className = "expect-combobox__listbox";
  listbox.id = `${uid}-listbox`;
  listbox.setAttribute("role", "listbox");
  listbox.hidden = true;
  if (multiple) listbox.setAttribute("aria-multiselectable", "true");
  input.setAttribute("aria-controls", listbox.id);
  const status = document.createElement("p");
  status.className = "fr-sr-only";
  status.setAttribute("aria-live", "polite");

  if (label) {
    if (!label.id) label.id = `${uid}-label`;
    label.htmlFor = input.id;
    listbox.setAttribute("aria-labelledby", label.id);
  }
  for (const attribute of ["aria-describedby", "aria-invalid", "required"]) {
    if (select.hasAttribute(attribute)) {
      input.setAttribute(attribute, select.getAttribute(attribute));
    }
  }
  if (select.classList.contains("fr-select--error")) input.classList.add("fr-input--error");

  const choices = [...select.options]
    .filter((option) => option.value !== "")
    .map((option, index) => {
      const item = document.createElement("li");
      item.className = "expect-combobox__option";
      item.id = `${uid}-option-${index}`;
      item.setAttribute("role", "option");
      item.textContent = option.textContent;
      return { option, item, key: fold(option.textContent) };
    });
  const blank = [...select.options].find((option) => option.value === "");
  listbox.append(...choices.map(({ item }) => item));
  if (multiple) wrapper.append(chips);
  wrapper.append(input, listbox, status);
  select.after(wrapper);
  select.hidden = true;
  select.tabIndex = -1;

  let active = null;
  // The chosen values in the order they were chosen: chips and Backspace follow it.
  const order = [...select.selectedOptions].filter((option) => option.value !== "");
  const shown = () => choices.filter(({ item }) => !item.hidden);
  const selectedLabel = () => (select.selectedOptions[0] && select.value ? select.selectedOptions[0].textContent : "");

  function setActive(choice) {
    if (active) active.item.classList.remove("expect-combobox__option--active");
    active = choice;
    if (choice) {
      choice.item.classList.add("expect-combobox__option--active");
      input.setAttribute("aria-activedescendant", choice.item.id);
      choice.item.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function open() {
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(null);
  }

  function filter() {
    const query = fold(multiple || input.value !== selectedLabel() ? input.value : "");
    for (const { item, key } of choices) item.hidden = !key.includes(query);
    const matches = shown();
    setActive(query ? matches[0] || null : null);
    status.textContent = matches.length
      ? fill(texts.comboboxCount, matches.length)
      : texts.comboboxNoResult;
  }

  function renderSelection() {
    for (const { option, item } of choices) {
      item.setAttribute("aria-selected", option.selected ? "true" : "false");
    }
    if (!multiple) return;
    chips.replaceChildren(
      ...order.map((option) => {
          const chip = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "fr-tag fr-tag--sm fr-tag--dismiss";
          button.textContent = option.textContent;
          button.setAttribute("aria-label", fill(texts.comboboxRemove, option.textContent));
          button.addEventListener("click", () => {
            unchoose(option);
            input.focus();
          });
          chip.append(button);
          return chip;
        }),
    );
    chips.hidden = chips.children.length === 0;
  }

  function changed() {
    renderSelection();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function unchoose(option) {
    option.selected = false;
    order.splice(order.indexOf(option), 1);
    changed();
    status.textContent = fill(texts.comboboxRemoved, option.textContent);
  }

  function choose(choice) {
    if (multiple) {
      if (choice.option.selected) {
        unchoose(choice.option);
        return;
      }
      choice.option.selected = true;
      order.push(choice.option);
      input.value = "";
      filter();
      setActive(choice);
    } else {
      select.value = choice.option.value;
      input.value = choice.option.textContent;
      close();
    }
    changed();
    status.textContent = fill(texts.comboboxSelected, choice.option.textContent);
  }

  function move(step) {
    const matches = shown();
    if (!matches.length) return;
    const index = matches.indexOf(active);
    const next = index === -1 ? (step > 0 ? 0 : matches.length - 1) : index + step;
    setActive(matches[Math.max(0, Math.min(matches.length - 1, next))]);
  }

  input.addEventListener("keydown", (event) => {
    const isOpen = !listbox.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!isOpen) {
        open();
        filter();
      }
      if (!event.altKey) move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      if (isOpen && active) {
        event.preventDefault();
        choose(active);
      } else if (isOpen || input.value) {
        // Enter in the search box never sends the whole form by mistake.
        event.preventDefault();
      }
    } else if (event.key === "Escape") {
      if (isOpen) {
        event.preventDefault();
        close();
      } else if (input.value) {
        event.preventDefault();
        input.value = "";
        if (!multiple && blank) {
          select.value = "";
          changed();
        }
      }
    } else if (event.key === "Backspace" && multiple && input.value === "") {
      const last = order[order.length - 1];
      if (last) unchoose(last);
    } else if (event.key === "Tab") {
      close();
    }
  });
  input.addEventListener("input", () => {
    open();
    filter();
  });
  input.addEventListener("click", () => {
    if (listbox.hidden) {
      open();
      filter();
    }
  });
  input.addEventListener("blur", () => {
    close();
    if (multiple) return;
    if (input.value.trim() === "" && blank) {
      select.value = "";
      changed();
    }
    input.value = selectedLabel();
  });
  listbox.addEventListener("mousedown", (event) => {
    // Keep the focus in the box while an option is clicked.
    event.preventDefault();
    const choice = choices.find(({ item }) => item === event.target.closest("[role=option]"));
    if (choice) choose(choice);
  });

  if (!multiple) input.value = selectedLabel();
  renderSelection();
}

function enhanceWithin(root) {
  root.querySelectorAll("select[data-combobox]").forEach(enhanceCombobox);
}

enhanceWithin(document);
// Blocks added in place by formset.js.
document.addEventListener("formset:added", (event) => enhanceWithin(event.target));
