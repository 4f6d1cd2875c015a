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
