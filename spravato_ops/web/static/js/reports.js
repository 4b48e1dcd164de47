// The report page's one action that needs the browser: printing (the print layout is CSS).
const button = document.getElementById("print-report");
if (button) {
  button.addEventListener("click", () => window.print());
}
