// The ballot's live counters: the budget left (knapsack) and the points left (cumulative).
// The page works without this file: "Check my ballot" asks the server for the same totals.
(function () {
  "use strict";
  var form = document.querySelector("form.ballot");
  if (!form) { return; }
  var budget = document.getElementById("budget-left");
  var points = document.getElementById("points-left");
  function money(amount, currency, lang) {
    try {
      return new Intl.NumberFormat(lang === "da" ? "da-DK" : "en-GB", {
        style: "currency", currency: currency, currencyDisplay: lang === "da" ? "symbol" : "code"
      }).format(amount);
    } catch (e) {
      return amount.toFixed(2) + " " + currency;
    }
  }
  function update() {
    if (budget) {
      var spent = 0;
      form.querySelectorAll("input[name=approve]:checked").forEach(function (box) {
        spent += parseFloat(box.getAttribute("data-cost")) || 0;
      });
      var limit = parseFloat(budget.getAttribute("data-limit")) || 0;
      var currency = budget.getAttribute("data-currency");
      var lang = budget.getAttribute("data-lang");
      budget.querySelector("[data-spent]").textContent = money(spent, currency, lang);
      budget.querySelector("[data-left]").textContent = money(limit - spent, currency, lang);
      budget.classList.toggle("over", spent > limit);
    }
    if (points) {
      var given = 0;
      form.querySelectorAll("input.points").forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (!isNaN(value)) { given += value; }
      });
      var allowance = parseInt(points.getAttribute("data-points"), 10) || 0;
      points.querySelector("[data-given]").textContent = String(given);
      points.querySelector("[data-left]").textContent = String(allowance - given);
      points.classList.toggle("over", given > allowance);
    }
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
}());
