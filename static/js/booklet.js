// The page « Livret en cours de préparation » (templates/reports/library/booklet_waiting.html):
// this script asks the server, with HEAD requests that download nothing, whether the
// booklet is ready, and then says so in the page's status region (announced by screen
// readers, the focus left where it is). It never reloads nor leaves the page: the
// visitor follows the link when they choose. Without it, the link asks again.

const page = document.querySelector("[data-booklet-wait]");
const MAX_TRIES = 60; // about ten minutes at the server's suggested interval

async function isReady(url) {
  const response = await fetch(url, { method: "HEAD", credentials: "same-origin" });
  return response.ok && (response.headers.get("Content-Type") || "").startsWith("application/pdf");
}

function announceReady() {
  const status = page.querySelector("[role=status]");
  const ready = page.querySelector("template[data-booklet-ready]");
  status.classList.replace("fr-alert--info", "fr-alert--success");
  status.replaceChildren(ready.content.cloneNode(true));
}

if (page) {
  const url = page.dataset.bookletWait;
  const delay = Math.max(Number(page.dataset.bookletRetry) || 10, 2) * 1000;
  let tries = 0;
  const poll = async () => {
    tries += 1;
    try {
      if (await isReady(url)) return announceReady();
    } catch {
      // A network error: ask again at the next interval.
    }
    if (tries < MAX_TRIES) setTimeout(poll, delay);
  };
  setTimeout(poll, delay);
}
