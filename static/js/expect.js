// Progressive enhancement only: every form works without this script.

// Suggestions for the collectivity search box of the registration form.
function enhanceCollectivitySearch(input) {
  const list = document.getElementById(input.getAttribute("list"));
  if (!list || !list.dataset.source) return;
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const query = input.value.trim();
    if (query.length < 2) return;
    timer = setTimeout(async () => {
      const response = await fetch(`${list.dataset.source}?q=${encodeURIComponent(query)}`);
      if (!response.ok) return;
      const { results } = await response.json();
      list.replaceChildren(...results.map(({ label }) => new Option(label, label)));
    }, 200);
  });
}

document.querySelectorAll("[data-collectivity-search]").forEach(enhanceCollectivitySearch);

// The count of characters of a long free text, under it, as the person types. The page
// already says the limit; the browser stops at it (maxlength), and so does the server.
function enhanceCharCounter(counter) {
  const field = document.querySelector(`[aria-describedby~="${counter.id}"]`);
  if (!field) return;
  const update = () => {
    counter.textContent = counter.dataset.counterText.replace(
      "__count__",
      field.value.length.toLocaleString(document.documentElement.lang || "fr"),
    );
  };
  field.addEventListener("input", update);
  update();
}

document.querySelectorAll("[data-char-counter]").forEach(enhanceCharCounter);
