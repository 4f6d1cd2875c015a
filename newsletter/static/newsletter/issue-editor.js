// On the issue page each saved article's text folds away (a <details> the admin
// draws), so a long issue stays a short page. An article being written is not
// folded: rows on the add page and rows added with "Add another Article" open.
function openNewArticles(root) {
  for (const details of root.querySelectorAll(".inline-related:not(.has_original) details")) {
    details.open = true
  }
}

document.addEventListener("DOMContentLoaded", () => openNewArticles(document))
document.addEventListener("formset:added", (event) => openNewArticles(event.target))

// Each image for the text offers its HTML on the clipboard as HTML, so pasting it
// into a rich-text box places the image itself. Without JavaScript staff copy the
// HTML shown, which the plain text box takes as it is.
function offerImageCopies(root) {
  for (const code of root.querySelectorAll("[data-image-html]")) {
    if (code.nextElementSibling?.matches("button")) continue
    const button = document.createElement("button")
    button.type = "button"
    button.className = "button"
    button.textContent = "Copy for the text box"
    const status = document.createElement("span")
    status.setAttribute("role", "status")
    button.addEventListener("click", async () => {
      const html = code.dataset.imageHtml
      try {
        await navigator.clipboard.write([
          new ClipboardItem({
            "text/html": new Blob([html], { type: "text/html" }),
            "text/plain": new Blob([html], { type: "text/plain" }),
          }),
        ])
        status.textContent = " Copied: paste it into the text where the image goes."
      } catch {
        status.textContent = " Could not copy: select the HTML above and copy it."
      }
    })
    code.after(button, status)
  }
}

document.addEventListener("DOMContentLoaded", () => offerImageCopies(document))

// The length and reading time follow the text as staff type. The page shows the
// saved figure without JavaScript; this counts words the way newsletter.selectors
// does (each tag a space, entities decoded), so the two agree after saving.
const WORD = /[\p{L}\p{N}_][\p{L}\p{N}\p{M}_'’-]*/gu
const COUNTED = /^(introduction|articles-\d+-(title|summary|body))$/
const decoder = document.createElement("textarea")

function wordsIn(html) {
  decoder.innerHTML = html.replace(/<[^>]*>/g, " ")
  return (decoder.value.match(WORD) || []).length
}

function lengthText(words) {
  if (!words) return "No text yet"
  const minutes = Math.max(1, Math.floor((words + 100) / 200))
  return `${words.toLocaleString("en-GB")} words, about ${minutes} minute${minutes === 1 ? "" : "s"} to read`
}

function countWords(form) {
  let words = 0
  for (const field of form.querySelectorAll("input[name], textarea[name]")) {
    if (!COUNTED.test(field.name)) continue
    const row = field.name.match(/^articles-\d+-/)
    if (row && form.querySelector(`input[name="${row[0]}DELETE"]:checked`)) continue
    words += wordsIn(field.value)
  }
  return words
}

function followLength() {
  const shown = document.querySelector(".field-length .readonly")
  const form = shown && shown.closest("form")
  if (!form) return
  const update = () => {
    shown.textContent = lengthText(countWords(form))
  }
  form.addEventListener("input", update)
  form.addEventListener("change", update)
  document.addEventListener("formset:removed", update)
}

document.addEventListener("DOMContentLoaded", followLength)
