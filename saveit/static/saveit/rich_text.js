// The lesson text editor: django-prose-editor's editor module, started without an inline import
// map (our CSP forbids inline scripts). Each textarea carries its configuration as JSON, with the
// menu's French labels (config.labels, translated on the server: see catalog/richtext.py).
import * as editor from "../django_prose_editor/editor.js";

const ATTRIBUTE = "data-django-prose-editor-configurable";

function create(textarea) {
  if (textarea.closest(".prose-editor")) return null;
  const config = JSON.parse(textarea.getAttribute(ATTRIBUTE) || "{}");
  const labels = config.labels || {};
  const extensions = [];
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = name === "Table" ? Table : editor[name];
    if (!extension) continue;
    if (name === "Menu") {
      extensions.push(extension.configure({ ...options, items: frenchMenu(options, labels) }));
    } else {
      extensions.push(typeof options === "object" ? extension.configure(options) : extension);
    }
  }
  const created = textareaEditor(textarea, extensions);
  name(textarea, created?.view?.dom);
  return created;
}

// The package's menu, built by its documented "items" option (docs/menu.rst): before the groups
// are laid out, every item is redefined (menu.defineItem, same name) with our label as tooltip and
// accessible name, and a plain <span> as its dropdown option: the package's options are real
// <h3>/<h4> elements, which would enter the page's outline. Commands stay the package's.
function frenchMenu(options, labels) {
  const groups = options.groups || [];
  const build = editor.createMenuFromGroups(groups);
  const names = groups.flatMap(({ group }) => group.split(/\s+/));
  const selector = [...new Set(names.filter((group) => !group.startsWith("-")))].join(" ");
  return ({ editor: current, buttons, menu }) => {
    for (const item of menu.items(selector)) {
      const label = labels[item.name];
      if (!label) continue;
      item.button?.setAttribute("title", label);
      item.button?.setAttribute("aria-label", label);
      const option = item.option ? document.createElement("span") : item.option;
      if (option) {
        option.className = `rich-text-option rich-text-option--${item.name}`;
        option.textContent = label;
      }
      menu.defineItem({ ...item, groups: [...item.groups], option });
    }
    const built = build({ editor: current, buttons, menu });
    // A dropdown with no active item shows a "question_mark" icon named in English. (The Menu
    // dispatches an empty transaction once the menu is in place: this runs then too.)
    const unknown = labels.unknown;
    if (unknown) {
      current.on("transaction", () => {
        for (const element of built) {
          for (const button of element.querySelectorAll('[aria-label="question_mark"]')) {
            button.setAttribute("aria-label", unknown);
            button.setAttribute("title", unknown);
          }
        }
      });
    }
    return built;
  };
}

// The package's table, whose dialog asks "Include header row" with an English Yes/No list: the
// same dialog (the package's own French titles) with a checkbox instead.
const Table = editor.Table.extend({
  addCommands() {
    const { gettext } = editor;
    const size = { type: "number", format: "number", min: "1", max: "100" };
    const dialog = editor.updateAttrsDialog(
      {
        rows: { ...size, title: gettext("Rows") },
        cols: { ...size, title: gettext("Columns") },
        withHeaderRow: { type: "boolean", title: gettext("Include header row") },
      },
      { title: gettext("Table Properties"), submitText: gettext("Insert Table") },
    );
    return {
      ...this.parent?.(),
      insertTableWithOptions:
        () =>
        ({ editor: current }) => {
          dialog(current, { rows: "3", cols: "3", withHeaderRow: false }).then((attrs) => {
            if (!attrs) return;
            const rows = Number.parseInt(attrs.rows, 10) || 3;
            const cols = Number.parseInt(attrs.cols, 10) || 3;
            const withHeaderRow = attrs.withHeaderRow;
            current.chain().focus().insertTable({ rows, cols, withHeaderRow }).run();
          });
          return true;
        },
    };
  },
});

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
