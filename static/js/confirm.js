// Buttons that ask first (templates/includes/confirm_submit.html): with this script, they
// open their DSFR modal, whose « Confirmer » button posts the form with confirmed=1.
// Without it (or without the design system's script), the server asks on a page.

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (!button || !window.dsfr) return;
  const dialog = document.getElementById(button.dataset.confirm);
  if (!dialog) return;
  event.preventDefault();
  window.dsfr(dialog).modal.disclose();
});
