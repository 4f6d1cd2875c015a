// Starts django-prose-editor on the newsletter's rich-text fields without the
// inline import map its own presets need: the Content Security Policy allows
// scripts from this site only, so the editor module is imported by its path.
import * as editorModule from "../django_prose_editor/editor.js"

const marker = "data-django-prose-editor-configurable"

function createEditor(textarea) {
  if (textarea.closest(".prose-editor")) return null
  const config = JSON.parse(textarea.getAttribute(marker) || "{}")
  const extensions = []
  for (const [name, options] of Object.entries(config.extensions || {})) {
    const extension = editorModule[name]
    if (!extension) continue
    extensions.push(typeof options === "object" ? extension.configure(options) : extension)
  }
  return editorModule.createTextareaEditor(textarea, extensions)
}

editorModule.initializeEditors(createEditor, `[${marker}]`)
