// The draft editor (admin leaflet version page). Progressive enhancement only: without this script the
// page still saves, submits (saving first), previews and shows the reading score of the saved draft.
//  - warns before leaving the page with unsaved changes;
//  - spell-check in the version's language inside the rich-text editor;
//  - a visible, labelled heading control;
//  - the reading score and hardest sentences of the text on screen, as the editor types.
(() => {
  const support = document.getElementById("editor-support");
  const form = document.getElementById("leafletversion_form");
  if (!support || !form) return;

  // --- unsaved changes --------------------------------------------------------------------------------
  const snapshot = () => {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("workflow_comment");
    return JSON.stringify([...data.entries()].map(([name, value]) => [name, String(value)]));
  };
  let saved = null;
  let typed = false;
  let leaving = false;
  // The rich-text editor rewrites its textarea once when it starts: take the reference copy after that.
  window.setTimeout(() => {
    saved = snapshot();
    document.body.dataset.unsavedReference = "taken"; // the browser tests type only after this
  }, 700);
  form.addEventListener("input", () => { typed = true; });
  form.addEventListener("change", () => { typed = true; });
  const unsaved = () => typed && saved !== null && snapshot() !== saved;
  form.addEventListener("submit", (event) => {
    // Saving (or saving then submitting) keeps the text; the preview opens in a new tab and leaves nothing.
    const button = event.submitter;
    if (!(button && button.hasAttribute("data-no-unsaved-warning"))) leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !unsaved()) return;
    event.preventDefault();
    event.returnValue = support.dataset.unsaved || "";
  });
  document.body.dataset.unsavedWarning = "on"; // lets the browser tests see the script is running

  // --- spell-check and the heading control inside the rich-text editor ----------------------------------
  const textarea = form.querySelector("textarea[name=body]");
  const decorate = () => {
    const container = textarea && textarea.closest(".prose-editor");
    const editable = container && container.querySelector(".ProseMirror[contenteditable]");
    const dropdown = container && container.querySelector(".prose-menubar__dropdown");
    if (!editable || !dropdown) return;
    if (editable.getAttribute("spellcheck") !== "true") editable.setAttribute("spellcheck", "true");
    if (textarea.lang && editable.getAttribute("lang") !== textarea.lang) editable.setAttribute("lang", textarea.lang);
    if (!dropdown.previousElementSibling || !dropdown.previousElementSibling.classList.contains("heading-label")) {
      const label = document.createElement("span");
      label.className = "heading-label";
      label.textContent = support.dataset.headingLabel || "Heading";
      label.setAttribute("aria-hidden", "true");
      dropdown.before(label);
    }
    const selected = dropdown.querySelector(".prose-menubar__selected button") || dropdown;
    const title = support.dataset.headingTitle || "";
    if (title && selected.getAttribute("aria-label") !== title) {
      selected.setAttribute("title", title);
      selected.setAttribute("aria-label", title);
    }
  };
  if (textarea) {
    // The editor builds itself after this script runs and redraws its menu bar as the cursor moves.
    decorate();
    new MutationObserver(decorate).observe(form, { childList: true, subtree: true });
  }

  // --- reading score as the editor types --------------------------------------------------------------
  const url = support.dataset.readabilityUrl;
  let timer = null;
  let sent = "";
  const show = (result) => {
    const box = document.getElementById("live-readability");
    if (!box) return;
    const parts = [];
    const verdict = document.createElement("p");
    verdict.textContent = result.verdict;
    parts.push(verdict);
    if (result.hardest && result.hardest.length) {
      const heading = document.createElement("p");
      heading.textContent = result.hardest_heading;
      const list = document.createElement("ol");
      list.className = "hardest";
      for (const item of result.hardest) {
        const line = document.createElement("li");
        line.textContent = `${item.sentence} `;
        const small = document.createElement("small");
        small.textContent = `(${item.words})`;
        line.append(small);
        list.append(line);
      }
      parts.push(heading, list);
    }
    box.replaceChildren(...parts);
  };
  const measure = async () => {
    const data = new FormData(form);
    const key = snapshot();
    if (key === sent) return;
    sent = key;
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      if (response.ok) show(await response.json());
    } catch (error) {
      // Offline or signed out: the score of the saved draft stays on the page.
    }
  };
  form.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(measure, 800);
  });
  if (textarea) {
    // The rich-text editor does not always fire input on its textarea: look for changes as well.
    window.setInterval(() => { if (saved !== null && typed) measure(); }, 3000);
    form.addEventListener("keyup", () => { typed = true; });
  }
})();
