"""Browser-test helpers: every page a journey visits is checked with axe-core."""

import json
from functools import cache
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots the journeys take of visual fixes, for a person to look at (git-ignored).
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
AXE_PATH = Path(__file__).resolve().parent.parent / "node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def _axe_source() -> str:
    return AXE_PATH.read_text()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it stands and fail on any violation.

    axe is evaluated through the DevTools protocol, so the page's Content
    Security Policy stays on while it runs. It waits for the page to finish loading
    and for its web fonts first, so it checks what a person sees: on a loaded machine
    the admin's rich-text toolbar was audited while its icon font was still coming,
    each icon's ligature name (``format_bold``) read as its visible text.
    """
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(_axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert not violations, f"axe-core violations on {page.url}:\n" + json.dumps(
        violations, indent=2
    )


def assert_page_basics(page: Page) -> None:
    """One h1, English (UK), a title naming the partnership, and no axe violations."""
    assert page.locator("html").get_attribute("lang") == "en-GB"
    expect(page.locator("h1")).to_have_count(1)
    assert "Durham Safeguarding Children Partnership" in page.title()
    assert_accessible(page)


_SPLIT_WORDS_JS = """
() => {
  const split = [];
  for (const cell of document.querySelectorAll("td, th")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.parentElement.closest(".govuk-visually-hidden")) continue;
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const rects = [...range.getClientRects()].filter(r => r.width > 0);
        const lines = new Set(rects.map(r => Math.round(r.top)));
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        // A word wider than its whole cell (a long email address) has to break.
        if (lines.size > 1 && width <= cell.clientWidth) split.push(match[0]);
      }
    }
  }
  return split;
}
"""


def split_words_in_tables(page: Page) -> list[str]:
    """Words in table cells that the browser has broken across lines ("Wher" / "e")."""
    return page.evaluate(_SPLIT_WORDS_JS)


def visit(page: Page, url: str) -> None:
    """Open a page and check it the way every journey must."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    assert_page_basics(page)


def visit_staff_page(page: Page, url: str) -> None:
    """Open an admin page and check it as the public ones are: one h1, language, axe-core.

    The public-sector accessibility regulations cover staff tools too.
    """
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    assert_staff_page(page)


def assert_staff_page(page: Page) -> None:
    assert (page.locator("html").get_attribute("lang") or "").lower() == "en-gb"
    expect(page.locator("h1")).to_have_count(1)
    assert "DSCP portal" in page.title()
    assert_accessible(page)


def tab_to(page: Page, target: Locator, limit: int = 60) -> None:
    """Press Tab until ``target`` has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never received focus by Tab")


def follow_by_keyboard(page: Page, link: Locator) -> None:
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def log_in_to_admin(page: Page, url: str, user) -> None:
    """Sign a staff user (tests.factories.StaffFactory) in through the admin login form."""
    from tests.factories import STAFF_PASSWORD

    page.goto(url + "/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(url + "/admin/")
