// «Скрыть»: fold VIN request blocks to their headers and back (seed 004).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-toggle-collapse]");
  if (!button) return;
  const target = document.querySelector(button.dataset.toggleCollapse);
  if (!target) return;
  const collapsed = target.classList.toggle("is-collapsed");
  if (!button.dataset.labelExpanded) button.dataset.labelExpanded = button.textContent;
  button.textContent = collapsed ? button.dataset.labelCollapsed : button.dataset.labelExpanded;
  button.setAttribute("aria-pressed", collapsed ? "true" : "false");
});
