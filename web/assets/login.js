// The sign-in form: posts JSON to /login so a wrong password or a locked account is shown
// in the operator's language; without JavaScript the form posts itself.
import { t } from "./i18n.js";
import { initChrome, showMessage } from "./app.js";

initChrome();

const form = document.getElementById("login-form");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = document.getElementById("login-submit");
  submit.disabled = true;
  try {
    const response = await fetch("/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ user: form.user.value, password: form.password.value }),
    });
    if (response.ok) {
      window.location.assign("/");
      return;
    }
    const data = await response.json().catch(() => null);
    if (response.status === 401) showMessage(t("login.wrong"), "danger", { sticky: true });
    else if (response.status === 423) showMessage(t("login.locked"), "danger", { sticky: true });
    else showMessage(t("login.failed", { error: (data && data.error) || response.status }), "danger", { sticky: true });
    form.password.value = "";
    form.password.focus();
  } catch (e) {
    showMessage(t("error.network"), "danger", { sticky: true });
  } finally {
    submit.disabled = false;
  }
});
