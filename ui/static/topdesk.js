// The brief description's counter: "n of 80 characters", read out politely.
(function () {
  for (const input of document.querySelectorAll("input[data-counter]")) {
    const counter = document.getElementById(input.dataset.counter);
    const update = () => {
      counter.textContent = counter.dataset.template.replace("{count}", input.value.length);
    };
    input.addEventListener("input", update);
  }
})();
