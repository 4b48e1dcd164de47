// A page's print button ([data-print]): the print layout is the page's CSS.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
