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
  const textarea = form.querySelector("textarea[name=body]");
  const entries = () => {
    const data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    data.delete("workflow_comment");
    return [...data.entries()].map(([name, value]) => [name, String(value)]);
  };
  const snapshot = () => JSON.stringify(entries());
  // The form as the server drew it (each field's default), in FormData's order: typing that began before this
  // script ran still counts as unsaved.
  const drawn = () => {
    const fields = [];
    for (const field of form.elements) {
      if (!field.name || field.disabled || ["csrfmiddlewaretoken", "workflow_comment"].includes(field.name)) continue;
      const type = (field.type || "").toLowerCase();
      if (["button", "submit", "reset", "image", "file", "fieldset"].includes(type) || field.tagName === "BUTTON") continue;
      if (type === "checkbox" || type === "radio") {
        if (field.defaultChecked) fields.push([field.name, field.value]);
      } else if (field.tagName === "SELECT") {
        const chosen = [...field.options].filter((option) => option.defaultSelected);
        const shown = chosen.length || field.multiple ? chosen : [...field.options].slice(0, 1);
        for (const option of shown) fields.push([field.name, option.value]);
      } else {
        fields.push([field.name, field.defaultValue]);
      }
    }
    return fields;
  };
  let saved = drawn();
  let typed = false;
  let bodyTouched = false;
  let leaving = false;
  document.body.dataset.unsavedReference = "taken";
  const inBody = (target) => {
    if (!textarea || !(target instanceof Node)) return false;
    const editor = textarea.closest(".prose-editor") || textarea.parentElement;
    return target === textarea || editor.contains(target);
  };
  const touched = (event) => {
    if (!event.isTrusted) return;
    typed = true;
    if (inBody(event.target)) bodyTouched = true;
  };
  for (const kind of ["input", "change", "keydown", "paste", "drop"]) form.addEventListener(kind, touched);
  form.addEventListener("pointerdown", (event) => {
    if (event.isTrusted && inBody(event.target)) bodyTouched = true; // the editor's menu bar: bold, lists...
  });
  // The rich-text editor writes its textarea itself (an input event no person made): once as it starts, its
  // own rendering of the saved text, and after each change made in it. Until someone has touched the body,
  // what it writes is the saved text, and becomes the reference.
  if (textarea) {
    textarea.addEventListener("input", (event) => {
      if (event.isTrusted || bodyTouched) return;
      saved = saved.map(([name, value]) => [name, name === "body" ? textarea.value : value]);
    });
  }
  const unsaved = () => typed && snapshot() !== JSON.stringify(saved);
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
    window.setInterval(() => { if (typed) measure(); }, 3000);
  }
})();
