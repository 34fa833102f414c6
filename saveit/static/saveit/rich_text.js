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
  return editor.createTextareaEditor(textarea, extensions);
}

editor.initializeEditors(create, `[${ATTRIBUTE}]`);
