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
