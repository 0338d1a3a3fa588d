// eventledger evidence view: clicking highlighted words shows the cards of every item covering them.
// Without JavaScript the link still jumps to the innermost item's card (CSS :target).
"use strict";

function showCards(ids) {
  const cards = document.getElementById("cards");
  if (!cards) return;
  for (const c of cards.querySelectorAll(".card.shown")) c.classList.remove("shown");
  for (const id of ids) {
    const card = document.getElementById(id);
    if (card) card.classList.add("shown");
  }
  const hint = document.getElementById("cards-hint");
  if (hint) hint.hidden = ids.length > 0;
}

function markSegments(ids) {
  for (const s of document.querySelectorAll(".seg.selected")) s.classList.remove("selected");
  const wanted = new Set(ids);
  for (const s of document.querySelectorAll(".seg[data-keys]")) {
    if (s.dataset.keys.split(" ").some((k) => wanted.has(k))) s.classList.add("selected");
  }
}

document.addEventListener("click", (ev) => {
  const link = ev.target.closest("[data-keys]");
  if (!link) return;
  ev.preventDefault();
  const ids = link.dataset.keys.split(" ").filter(Boolean);
  showCards(ids);
  markSegments(ids.slice(0, 1));
  history.replaceState(null, "", "#" + ids[0]);
  if (!link.classList.contains("seg")) document.getElementById(ids[0]).scrollIntoView({ block: "nearest" });
});

document.addEventListener("change", (ev) => {
  const box = ev.target;
  if (!box.matches("#legend input[data-kind]")) return;
  document.getElementById("text").classList.toggle("hide-" + box.dataset.kind, !box.checked);
});

document.addEventListener("DOMContentLoaded", () => {
  const id = decodeURIComponent(location.hash.slice(1));
  if (id.startsWith("card-")) { showCards([id]); markSegments([id]); }
});
