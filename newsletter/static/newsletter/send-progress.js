// Keeps a running send's page current without reloading it: every few seconds
// it fetches the page again and swaps in the heading and the figures. The page
// reads the same without JavaScript (a <noscript> refresh reloads it instead).
const INTERVAL_MS = 3000

async function refresh() {
  const live = document.getElementById("send-live")
  if (!live || live.dataset.running !== "true") return
  try {
    const response = await fetch(window.location.href, { credentials: "same-origin" })
    if (!response.ok) throw new Error(response.statusText)
    const next = new DOMParser().parseFromString(await response.text(), "text/html")
    const nextLive = next.getElementById("send-live")
    if (nextLive) live.replaceWith(nextLive)
    const heading = document.querySelector("#content h1")
    const nextHeading = next.querySelector("#content h1")
    if (heading && nextHeading && heading.textContent !== nextHeading.textContent) {
      heading.textContent = nextHeading.textContent
      document.title = next.title
      const crumb = document.querySelector(".breadcrumbs [aria-current=page]")
      if (crumb) crumb.textContent = nextHeading.textContent
      // Said once by screen readers, rather than every figure on every tick.
      const announce = document.getElementById("send-announce")
      if (announce) announce.textContent = nextHeading.textContent
    }
    // The buttons change with the state too (Pause becomes Resume, Cancel goes).
    const buttons = document.querySelector(".submit-row")
    const nextButtons = next.querySelector(".submit-row")
    if (buttons && nextButtons) buttons.replaceWith(nextButtons)
    else if (buttons) buttons.remove()
  } catch (error) {
    // A dropped request is tried again on the next tick.
  }
  window.setTimeout(refresh, INTERVAL_MS)
}

window.setTimeout(refresh, INTERVAL_MS)
