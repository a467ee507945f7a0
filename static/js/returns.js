// «Создать возврат»: a Russian photo picker over the native file input (which shows the
// browser's own words), with the chosen files listed and the limits hinted before sending.
// The server checks everything again; without this script the native input stays visible.
function describe(picker, input) {
  const out = picker.querySelector("[data-picked]");
  const files = Array.from(input.files || []);
  const max = Number(picker.dataset.max), maxMb = Number(picker.dataset.maxMb);
  picker.classList.remove("has-warning");
  if (!files.length) {
    out.textContent = "Фото не выбраны";
    return;
  }
  const names = files.map((file) => file.name).join(", ");
  const problems = [];
  if (files.length > max) problems.push(`можно не больше ${max}`);
  const big = files.filter((file) => file.size > maxMb * 1024 * 1024).map((file) => file.name);
  if (big.length) problems.push(`больше ${maxMb} МБ: ${big.join(", ")}`);
  out.textContent = `Выбрано ${files.length} фото: ${names}` +
    (problems.length ? ` — ${problems.join("; ")}` : "");
  if (problems.length) picker.classList.add("has-warning");
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-photo-picker]").forEach((picker) => {
    const input = picker.querySelector('input[type="file"]');
    if (!input) return;
    picker.classList.add("rt-js");
    input.addEventListener("change", () => describe(picker, input));
    describe(picker, input);
  });
});
