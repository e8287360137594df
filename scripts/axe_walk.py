#!/usr/bin/env python3
"""Accessibility walk: every demo role, every page reachable from home, phone and desktop.

Logs in as each demo role against a running demo (``uv run vetserve demo --port PORT``), follows
the links of each page (one page per address shape: /people/12/ and /people/13/ count once, so
the walk stays short), and on a phone (390×844) and a desktop (1366×900) viewport prints:

- every axe-core violation (the WCAG 2.x A/AA rules and axe's best practices);
- tap targets smaller than 44×44 CSS px (links, buttons, fields, summaries), phone only;
- text smaller than 16 px on the phone.

Run it outside the project (the project does not depend on playwright or axe):

    uv run --no-project --with playwright --with axe-playwright-python \
        python scripts/axe_walk.py --base http://127.0.0.1:8000

Exit status 0 when nothing was found. ``--roles`` and ``--max-pages`` shorten the walk.
This is a finder for people fixing pages; the gating check is the browser test suite.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Page, sync_playwright

ROLES = ("admin", "city", "chongli", "zhangbei", "xiwanzi", "leader", "volunteer", "auditor")
PASSWORD = "vetserve-demo"  # noqa: S105 - the demo's published password
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}
# Not pages to look at: downloads, logging out, the admin site, the API.
SKIP = re.compile(
    r"(/logout|/admin/|/api/|\.pdf|\.xlsx|\.xls|\.csv|/export|/download|/template|/static/|/media/)"
)

# Tap targets under 44×44 px and text under 16 px, measured in the page (a function, no comment
# before it: playwright calls a string that is a function).
MEASURE = (Path(__file__).parent / "axe_measure.js").read_text(encoding="utf-8")


def axe_source() -> str:
    """axe.min.js as shipped inside the axe-playwright-python wheel."""
    import axe_playwright_python

    root = Path(axe_playwright_python.__file__).parent
    found = sorted(root.rglob("axe.min.js")) or sorted(root.rglob("axe*.js"))
    if not found:
        sys.exit("axe.min.js not found in axe_playwright_python")
    return found[0].read_text(encoding="utf-8")


def shape(path: str) -> str:
    """/people/12/ and /people/13/ are the same page shape."""
    return re.sub(r"/\d+(?=/|$)", "/N", path) + ("?" if "?" in path else "")


def login(page: Page, base: str, role: str) -> None:
    page.goto(urljoin(base, "/accounts/login/"))
    page.fill("#id_username", role)
    page.fill("#id_password", PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


def links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    host = urlsplit(base).netloc
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.netloc != host or SKIP.search(parts.path):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def check(page: Page, axe: str, phone: bool) -> dict[str, Any]:
    page.evaluate(axe)
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',"
        " 'wcag22aa', 'best-practice']}})"
    )
    found: dict[str, Any] = {"violations": result["violations"]}
    measured = page.evaluate(MEASURE)
    if phone:
        found["small"] = measured["small"]
        found["tiny_text"] = measured["tiny_text"]
    return found


def walk(base: str, roles: list[str], max_pages: int, verbose: bool) -> int:
    axe = axe_source()
    problems = 0
    summary: dict[str, int] = defaultdict(int)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium")
        for role in roles:
            for name, (width, height) in VIEWPORTS.items():
                phone = name == "phone"
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="zh-CN",
                    is_mobile=phone,
                    has_touch=phone,
                    bypass_csp=True,  # axe is injected as a script; the CSP would refuse it
                )
                page = context.new_page()
                login(page, base, role)
                queue = ["/"]
                shapes: set[str] = set()
                visited = 0
                while queue and visited < max_pages:
                    path = queue.pop(0)
                    if shape(path) in shapes:
                        continue
                    shapes.add(shape(path))
                    response = page.goto(urljoin(base, path))
                    if response is None or "html" not in response.headers.get("content-type", ""):
                        continue
                    visited += 1
                    queue += links(page, base)
                    found = check(page, axe, phone)
                    lines = []
                    for v in found["violations"]:
                        summary[v["id"]] += 1
                        nodes = "; ".join(n["target"][0] for n in v["nodes"][:4])
                        lines.append(f"  axe {v['id']} ({len(v['nodes'])}): {nodes}")
                    for key in ("small", "tiny_text"):
                        items = found.get(key, [])
                        if items:
                            summary[key] += 1
                            shown = items if verbose else items[:6]
                            lines.append(f"  {key} ({len(items)}): " + " | ".join(shown))
                    status = response.status
                    if lines:
                        problems += 1
                        print(f"{role} {name} {path} [{status}]")
                        print("\n".join(lines))
                    elif verbose:
                        print(f"{role} {name} {path} [{status}] ok")
                context.close()
        browser.close()
    print("\nsummary (pages with each finding):")
    for key, n in sorted(summary.items(), key=lambda kv: -kv[1]):
        print(f"  {key}: {n}")
    return 1 if problems else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--max-pages", type=int, default=60)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    sys.exit(walk(args.base, args.roles.split(","), args.max_pages, args.verbose))


if __name__ == "__main__":
    main()
