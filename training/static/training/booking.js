// Show "the name of your organisation" only once Other is chosen. Without
// JavaScript the field simply stays visible, so the form works either way.
const agency = document.getElementById("id_agency");
const other = document.getElementById("id_agency_other");
if (agency && other) {
  const group = other.closest(".govuk-form-group");
  const update = () => {
    group.hidden = agency.value !== "other";
  };
  agency.addEventListener("change", update);
  update();
}
