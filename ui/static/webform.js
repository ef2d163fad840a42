// The public form's proof of work: the vendored ALTCHA widget (ui/static/vendor/altcha,
// pinned, MIT) with its PBKDF2 worker from this server (strict CSP: no blob workers,
// no inline code). Without JavaScript the form still posts; it is then held for review.
import "/static/vendor/altcha/altcha.min.js";
import "/static/vendor/altcha/i18n/nl.js";
import "/static/vendor/altcha/i18n/en.js";

const worker = () => new Worker("/static/vendor/altcha/workers/pbkdf2.js");
globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", worker);

// The error summary takes focus, so a screen reader reads it first.
const summary = document.getElementById("error-summary");
if (summary) summary.focus();
