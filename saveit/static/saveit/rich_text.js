// The lesson text editor: django-prose-editor's editor module, started without an inline import
// map (our CSP forbids inline scripts). Each textarea carries its configuration as JSON.
import * as editor from "../django_prose_editor/editor.js";

const ATTRIBUTE = "data-django-prose-editor-configurable";

function create(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = editor[name];
    if (!extension) continue;
    extensions.push(typeof options === "object" ? extension.configure(options) : extension);
  }
  const created = textareaEditor(textarea, extensions);
  name(textarea, created?.view?.dom);
  return created;
}

// The package's createTextareaEditor, but with Tiptap's <style> injection off (an inline style
// the CSP blocks): the few rules it carries are in app.css (.ProseMirror).
function textareaEditor(textarea, extensions) {
  const disabled = textarea.hasAttribute("disabled");
  const wrapper = document.createElement("div");
  wrapper.className = disabled ? "prose-editor disabled" : "prose-editor";
  textarea.before(wrapper);
  wrapper.append(textarea);
  return new editor.Editor({
    element: wrapper,
    editable: !disabled,
    extensions,
    content: textarea.value,
    injectCSS: false,
    onUpdate({ editor: current }) {
      const html = current.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onDestroy() {
      wrapper.before(textarea);
      wrapper.remove();
    },
  });
}

// The editable area takes the textarea's label, help and error (the textarea is hidden).
function name(textarea, area) {
  if (!area) return;
  const label = textarea.id ? document.querySelector(`label[for="${textarea.id}"]`) : null;
  if (label) {
    label.id ||= `${textarea.id}-label`;
    area.setAttribute("aria-labelledby", label.id);
    label.addEventListener("click", () => area.focus());
  }
  for (const attribute of ["aria-describedby", "aria-invalid"]) {
    const value = textarea.getAttribute(attribute);
    if (value) area.setAttribute(attribute, value);
  }
  area.setAttribute("aria-multiline", "true");
}

editor.initializeEditors(create, `[${ATTRIBUTE}]`);
