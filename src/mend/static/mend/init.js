// Mend front-end bootstrap (loaded with <script type="module">).
//
// govuk-frontend components only initialise when <body> carries the
// `govuk-frontend-supported` class, which signals ES module support.
import { initAll } from "./build/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
