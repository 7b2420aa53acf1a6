// Narrows the institution list to the chosen county and to what the learner types.
// Without JavaScript the list still works as a plain select.
(function () {
  "use strict";
  var select = document.getElementById("id_institution");
  var county = document.getElementById("id_county");
  var search = document.getElementById("institution-search");
  var notListed = document.getElementById("id_institution_not_listed");
  var otherField = document.getElementById("field-institution_other");
  if (!select) { return; }
  if (search) { search.hidden = false; search.parentElement.hidden = false; }

  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function filter() {
    var wanted = normalise(search ? search.value : "");
    var code = county ? county.value : "";
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var groupVisible = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var visible = (!code || group.dataset.county === code) && normalise(option.textContent).indexOf(wanted) !== -1;
        option.hidden = !visible;
        option.disabled = !visible && !option.selected;
        groupVisible = groupVisible || visible;
      });
      group.hidden = !groupVisible;
    });
  }
  function toggleOther() {
    if (!notListed || !otherField) { return; }
    otherField.hidden = !notListed.checked;
    select.disabled = notListed.checked;
  }
  if (search) { search.addEventListener("input", filter); }
  if (county) { county.addEventListener("change", filter); }
  if (notListed) { notListed.addEventListener("change", toggleOther); }
  filter();
  toggleOther();
})();
