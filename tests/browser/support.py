"""Helpers for browser tests: screenshots and axe."""

from __future__ import annotations

import re
from pathlib import Path

LANGUAGES = ["en", "cy"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG in test-artifacts/screenshots/ (gitignored) for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^a-z0-9_-]+", "-", name.lower()) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def submit(page, name: str) -> None:
    """Press the button called `name` and wait for the page it leads to."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def no_errors(page) -> None:
    """The page shows no error summary."""
    from playwright.sync_api import expect

    expect(page.locator(".govuk-error-summary")).to_have_count(0)


def axe_violations(page, within: str | None = None) -> list[dict]:
    """Run axe-core (WCAG 2.2 A/AA and best practice rules), on the whole page or only the part
    `within` selects, and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=within) if within else Axe().run(page)
    return results.response["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.append("      " + summary.replace("\n", "\n      "))
    return "\n".join(lines)


def check_pages(page, pages, language: str, prefix: str = "") -> dict[str, list[dict]]:
    """Visit each (name, url or action) pair in `language`, screenshot it as
    `<language>-<prefix><name>`, and return the axe violations found, by page. A third item,
    a selector, checks only that part of the page (which must be there exactly once)."""
    found = {}
    for name, visit, *within in pages:
        if callable(visit):
            visit()
        else:
            page.goto(visit)
        assert page.locator("html").get_attribute("lang") == language, name
        screenshot(page, f"{language}-{prefix}{name}")
        if within:
            assert page.locator(within[0]).count() == 1, name
        violations = axe_violations(page, *within)
        if violations:
            found[name] = violations
    return found


def report(found: dict[str, list[dict]]) -> str:
    return "\n\n".join(f"[{name}]\n{describe_violations(v)}" for name, v in found.items())


def assert_accessible(page, pages, language: str, prefix: str = "") -> None:
    """Check the pages (see `check_pages`) and fail with every violation found, by page."""
    found = check_pages(page, pages, language, prefix)
    assert not found, report(found)
