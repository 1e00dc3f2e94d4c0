// The GOV.UK timeout warning pattern for the idle session limit (see auth/_timeout_warning.html).
//
// The server ends a session after SESSION_IDLE_MINUTES without a request from the person. This script
// counts the same minutes from the last page any tab of this site loaded (localStorage), opens a modal
// dialog before the limit, and lets the person stay signed in (one POST, which is a request from them).
// When time runs out it keeps what was typed into the page's forms in sessionStorage, reloads, and
// after the person signs in again (they come back to the same address) puts the text back.

const dialog = document.getElementById("timeout-warning");
const LAST_ACTIVITY = "app-last-activity";
const DRAFT = `app-draft:${window.location.pathname}${window.location.search}`;
const TEXT_TYPES = new Set(["text", "email", "number", "search", "tel", "url", ""]);

function now() {
  return Date.now();
}

function markActivity() {
  window.localStorage.setItem(LAST_ACTIVITY, String(now()));
}

function lastActivity() {
  return Number(window.localStorage.getItem(LAST_ACTIVITY)) || now();
}

// The words come from the dialog's data-* attributes, in the page's language (_timeout_warning.html):
// a count in the plural form the language's rules choose (Welsh has six), "other" if one is missing.
const pluralRules = new Intl.PluralRules(document.documentElement.lang || "en");

function counted(unit, count) {
  const form = pluralRules.select(count);
  const name = `${unit}${form.charAt(0).toUpperCase()}${form.slice(1)}`;
  const text = dialog.dataset[name] || dialog.dataset[`${unit}Other`];
  return text.replace("%{count}", String(count));
}

function inWords(milliseconds) {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  if (seconds >= 60) {
    return counted("minutes", Math.ceil(seconds / 60));
  }
  return counted("seconds", seconds);
}

function draftFields() {
  const fields = [];
  for (const form of document.querySelectorAll("main form[method=post]")) {
    for (const field of form.elements) {
      const isText = field.tagName === "TEXTAREA" || (field.tagName === "INPUT" && TEXT_TYPES.has(field.type));
      if (isText && field.name && field.name !== "csrf_token") {
        fields.push(field);
      }
    }
  }
  return fields;
}

function saveDraft() {
  const values = {};
  for (const field of draftFields()) {
    if (field.value !== field.defaultValue) {
      values[field.name] = field.value;
    }
  }
  if (Object.keys(values).length > 0) {
    window.sessionStorage.setItem(DRAFT, JSON.stringify(values));
  }
}

function restoreDraft() {
  const saved = window.sessionStorage.getItem(DRAFT);
  if (!saved) {
    return;
  }
  window.sessionStorage.removeItem(DRAFT);
  const values = JSON.parse(saved);
  let restored = false;
  for (const field of draftFields()) {
    if (Object.hasOwn(values, field.name)) {
      field.value = values[field.name];
      restored = true;
    }
  }
  const main = document.querySelector("main");
  if (restored && main) {
    const notice = document.createElement("div");
    notice.className = "govuk-inset-text app-draft-restored";
    notice.textContent = dialog.dataset.draftRestored;
    main.prepend(notice);
  }
}

function csrfToken() {
  const input = document.querySelector('input[name="csrf_token"]');
  return input ? input.value : "";
}

if (dialog && typeof dialog.showModal === "function") {
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  const countdown = dialog.querySelector(".app-timeout-warning__countdown");
  // Screen readers hear the time left when the dialog opens (it describes the dialog), then each
  // whole minute and at 30 and 10 seconds, not every second.
  const announcement = dialog.querySelector(".app-timeout-warning__announcement");
  let announced = "";
  let expired = false;

  const expire = () => {
    expired = true;
    saveDraft();
    // The server has ended the session: loading the page again leads to the sign-in page,
    // which brings the person back here afterwards.
    window.location.assign(window.location.href);
  };

  const stay = async () => {
    const response = await fetch(dialog.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    });
    if (response.ok) {
      markActivity();
      dialog.close();
    } else {
      expire();
    }
  };

  const tick = () => {
    if (expired) {
      return;
    }
    const left = lastActivity() + idle - now();
    if (left <= 0) {
      expire();
      return;
    }
    if (left <= warning) {
      const words = inWords(left);
      countdown.textContent = words;
      const seconds = Math.ceil(left / 1000);
      const due = dialog.open && (seconds >= 60 || seconds === 30 || seconds === 10);
      if (due && words !== announced) {
        announced = words;
        announcement.textContent = dialog.dataset.announcement.replace("%{time}", words);
      }
      if (!dialog.open) {
        announced = words; // read out with the dialog's description as it opens
        dialog.showModal();
      }
    } else if (dialog.open) {
      dialog.close();
    }
    window.setTimeout(tick, 1000);
  };

  dialog.querySelector("[data-timeout-action=stay]").addEventListener("click", stay);
  dialog.querySelector("[data-timeout-action=sign-out]").addEventListener("click", () => {
    document.querySelector('form[action$="/sign-out"]').requestSubmit();
  });
  // Escape means "stay signed in", as in the GOV.UK pattern.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });

  markActivity();
  restoreDraft();
  tick();
}
