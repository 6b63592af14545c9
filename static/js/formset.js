// Repeatable blocks of a Django formset, added and removed in place.
//
// Progressive enhancement: without this script the page offers one empty block after
// each save. With it, an « Ajouter » button copies the formset's empty form (kept in a
// <template>), numbers it, moves the focus to it and updates TOTAL_FORMS; each block
// gets a remove button. A saved block is marked for deletion (its DELETE box, hidden, is
// ticked), a new one is taken out of the page; only a block with content asks first.

function fieldsOf(block) {
  return [...block.querySelectorAll("input, select, textarea")].filter(
    (field) => field.type !== "hidden" && !field.name.endsWith("-DELETE"),
  );
}

function isEmpty(block) {
  return fieldsOf(block).every((field) => {
    if (field.type === "checkbox" || field.type === "radio") return !field.checked;
    if (field.multiple) return field.selectedOptions.length === 0;
    return field.value.trim() === "";
  });
}

// Rename the form's prefix in names, ids, label targets and ARIA references.
function renumber(block, prefix, from, to) {
  const old = new RegExp(`${prefix}-(${from}|__prefix__)-`, "g");
  const attributes = ["name", "id", "for", "aria-labelledby", "aria-describedby", "aria-controls"];
  for (const element of [block, ...block.querySelectorAll("*")]) {
    for (const attribute of attributes) {
      const value = element.getAttribute(attribute);
      if (value) element.setAttribute(attribute, value.replace(old, `${prefix}-${to}-`));
    }
  }
}

function enhanceFormset(root) {
  const prefix = root.dataset.formset;
  const total = root.querySelector(`[name="${prefix}-TOTAL_FORMS"]`);
  const initial = Number(root.querySelector(`[name="${prefix}-INITIAL_FORMS"]`).value);
  const max = Number(root.querySelector(`[name="${prefix}-MAX_NUM_FORMS"]`).value);
  const list = root.querySelector("[data-formset-list]");
  const template = root.querySelector("template[data-formset-empty]");
  const addButton = root.querySelector("[data-formset-add]");
  const status = root.querySelector("[data-formset-status]");

  const visibleBlocks = () => [...list.querySelectorAll("[data-formset-form]:not([hidden])")];
  const newBlocks = () => [...list.querySelectorAll("[data-formset-form]")].slice(initial);

  function refresh() {
    visibleBlocks().forEach((block, index) => {
      block.querySelector("[data-formset-number]").textContent = String(index + 1);
    });
    newBlocks().forEach((block, offset) => {
      const current = block.dataset.formsetIndex;
      renumber(block, prefix, current, initial + offset);
      block.dataset.formsetIndex = String(initial + offset);
    });
    total.value = String(initial + newBlocks().length);
    addButton.hidden = Number(total.value) >= max;
  }

  function remove(block) {
    if (!isEmpty(block) && !window.confirm(root.dataset.formsetConfirm)) return;
    const deletion = block.querySelector(`[name$="-DELETE"]`);
    const blocks = visibleBlocks();
    const next = blocks[blocks.indexOf(block) + 1] || blocks[blocks.indexOf(block) - 1];
    if (deletion) {
      deletion.checked = true;
      block.hidden = true;
    } else {
      block.remove();
    }
    refresh();
    status.textContent = root.dataset.formsetRemoved;
    (next ? next.querySelector("legend") : addButton).focus();
  }

  function enhanceBlock(block, index) {
    block.dataset.formsetIndex = String(index);
    const deletion = block.querySelector(`[name$="-DELETE"]`);
    if (deletion) deletion.closest(".fr-checkbox-group").hidden = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "fr-btn fr-btn--tertiary fr-btn--sm fr-btn--icon-left fr-icon-delete-line";
    button.textContent = root.dataset.formsetRemoveLabel;
    button.addEventListener("click", () => remove(block));
    block.append(button);
    if (deletion && deletion.checked) block.hidden = true;
  }

  function add() {
    const index = Number(total.value);
    const fragment = template.content.cloneNode(true);
    const block = fragment.querySelector("[data-formset-form]");
    renumber(block, prefix, "__prefix__", index);
    list.append(block);
    enhanceBlock(block, index);
    refresh();
    block.dispatchEvent(new CustomEvent("formset:added", { bubbles: true }));
    status.textContent = root.dataset.formsetAdded;
    // The first field one can type in (a combobox's box, not its hidden select).
    const first = fieldsOf(block).find((field) => !field.closest("[hidden]"));
    (first || block.querySelector("legend")).focus();
  }

  [...list.querySelectorAll("[data-formset-form]")].forEach(enhanceBlock);
  root.querySelector("[data-formset-nojs]").hidden = true;
  addButton.addEventListener("click", add);
  refresh();
}

document.querySelectorAll("[data-formset]").forEach(enhanceFormset);
