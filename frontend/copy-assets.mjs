// Copies GOV.UK Frontend's JavaScript and the assets our CSS refers to
// (icons, not the crown or GDS Transport font) into the static folder.
import { cpSync, mkdirSync, rmSync } from "node:fs";

const src = "node_modules/govuk-frontend/dist/govuk";
const dest = "dscp/static/dscp/govuk";
rmSync(dest, { recursive: true, force: true });
mkdirSync(`${dest}/assets`, { recursive: true });
cpSync(`${src}/govuk-frontend.min.js`, `${dest}/govuk-frontend.min.js`);
cpSync(`${src}/assets/images`, `${dest}/assets/images`, {
  recursive: true,
  filter: (path) => !/crown|crest|govuk-(icon|opengraph)|favicon/i.test(path),
});
