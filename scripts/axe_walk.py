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

MEASURE = """
() => {
  const out = {small: [], tiny_text: []};
  const seen = new Set();
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    // Off-screen until focused (the skip link) counts as not shown.
    if (r.bottom < 0 || r.right < 0) return false;
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    if (el.className && typeof el.className === 'string') d += '.' + el.className.trim().split(/\\s+/).join('.');
    const p = el.parentElement;
    if (p) d = p.tagName.toLowerCase() + (p.className && typeof p.className === 'string' ? '.' + p.className.trim().split(/\\s+/)[0] : '') + ' > ' + d;
    return d + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20) + '"';
  };
  const targets = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    // Inline links inside running text are exempt (WCAG 2.5.8 "inline").
    if (el.tagName === 'A' && el.closest('p, li.message, .prose') && !el.closest('nav')) {
      const parentText = el.parentElement.innerText.trim();
      if (parentText.length > el.innerText.trim().length + 10) continue;
    }
    let r = el.getBoundingClientRect();
    // A check box or radio counts with its label when the label is the target people tap.
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      const top = Math.min(r.top, l.top), bottom = Math.max(r.bottom, l.bottom);
      const left = Math.min(r.left, l.left), right = Math.max(r.right, l.right);
      r = {width: right - left, height: bottom - top};
    }
    if (r.height < 43.5 || r.width < 43.5) {
      const key = describe(el);
      if (!seen.has(key)) { seen.add(key); out.small.push(key + ' ' + Math.round(r.width) + '×' + Math.round(r.height)); }
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const tiny = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 15.5) {
      const key = describe(el) + ' ' + size + 'px';
      if (!tiny.has(key)) { tiny.add(key); out.tiny_text.push(key); }
    }
  }
  return out;
};
"""


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
