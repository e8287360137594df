#!/usr/bin/env python3
"""Each demo role's home page on a phone (390×844) and a desktop (1366×900), whole pages.

    uv run vetserve demo --port 8765 &          # in another terminal
    uv run python scripts/home_shots.py --base http://127.0.0.1:8765

Logs in as every demo login (password ``vetserve-demo``) in Debian's Chromium
(``/usr/bin/chromium``, or ``VETSERVE_CHROMIUM``) through Playwright, and writes
``docs/walkthrough/homes/home-<login>-<phone|desktop>.png`` (full page, CSS pixels). Prints
each page's height and the number of links on it; fails if a login does not reach its home.
Not a test: the browser tests (tests/browser/) check the same pages for axe-core violations
and tap-target sizes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "walkthrough" / "homes"
LOGINS = ("admin", "city", "chongli", "zhangbei", "xiwanzi", "leader", "volunteer", "auditor")
PASSWORD = "vetserve-demo"  # noqa: S105 - the demo's printed password; fake data only
VIEWPORTS = {"phone": (390, 844), "desktop": (1366, 900)}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--logins", default=",".join(LOGINS))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("VETSERVE_CHROMIUM", "/usr/bin/chromium")
    failed = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        for login in args.logins.split(","):
            for name, (width, height) in VIEWPORTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    is_mobile=name == "phone",
                    has_touch=name == "phone",
                    locale="zh-CN",
                )
                page = context.new_page()
                page.goto(f"{args.base}/accounts/login/")
                page.fill("input[name=username]", login)
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.press("input[name=password]", "Enter")
                if "/accounts/login/" in page.url:
                    print(f"{login:10} {name:8} did not log in")
                    failed += 1
                    context.close()
                    continue
                path = OUT / f"home-{login}-{name}.png"
                page.screenshot(path=str(path), full_page=True, scale="css")
                tall = page.evaluate("document.documentElement.scrollHeight")
                links = page.locator("main a").count()
                print(
                    f"{login:10} {name:8} {tall:6} px tall, {links:3} links in main -> {path.name}"
                )
                context.close()
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
