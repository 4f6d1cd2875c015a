// Start GOV.UK Frontend's components. The page's classes saying JavaScript runs are
// set before the first paint by the one inline script base.html writes (its hash is
// the only inline script the Content Security Policy allows).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();
