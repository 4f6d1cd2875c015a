// Mark the page as able to run GOV.UK Frontend's components, then start them.
// Kept in a file, not inline, so the Content Security Policy allows no inline script.
import { initAll } from "./govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
