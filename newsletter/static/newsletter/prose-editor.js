// Starts django-prose-editor on the newsletter's rich-text fields under the
// site's Content Security Policy, which allows only this site's own files:
// - the editor module is imported by its path, not through an inline import map;
// - Tiptap's base styles come from prose-editor.css instead of an injected <style>.
import * as editorModule from "../django_prose_editor/editor.js"

const marker = "data-django-prose-editor-configurable"

// The editor saves an empty document as one empty paragraph; store "" instead.
const actuallyEmpty = (html) => (/^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html)

function extensionsFrom(config) {
  const extensions = []
  for (const [name, options] of Object.entries(config.extensions || {})) {
    // django-prose-editor turns the browser's spellchecker off by default; staff want it.
    if (name === "NoSpellCheck") continue
    const extension = editorModule[name]
    if (!extension) continue
    extensions.push(typeof options === "object" ? extension.configure(options) : extension)
  }
  return extensions
}

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const config = JSON.parse(textarea.getAttribute(marker) || "{}")
  const disabled = textarea.hasAttribute("disabled")
  const element = document.createElement("div")
  element.className = `prose-editor ${disabled ? "disabled" : ""}`
  textarea.before(element)
  element.append(textarea)
  // The editable area is what staff type in, so it carries the field's name (its
  // <label> names only the hidden textarea), British English and spellchecking.
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`)
  const name = (label ? label.textContent : textarea.name).replace(/:\s*$/, "").trim()
  return new editorModule.Editor({
    element,
    editable: !disabled,
    injectCSS: false,
    editorProps: {
      attributes: { "aria-label": name, "aria-multiline": "true", spellcheck: "true", lang: "en-GB" },
    },
    extensions: extensionsFrom(config),
    content: textarea.value,
    onUpdate({ editor }) {
      textarea.value = actuallyEmpty(editor.getHTML())
      textarea.dispatchEvent(new Event("input", { bubbles: true }))
    },
    onDestroy() {
      element.before(textarea)
      element.remove()
    },
  })
}

editorModule.initializeEditors(createEditor, `[${marker}]`)
