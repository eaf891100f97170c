"""Regenerate docs/view-seed.png: the seed case's network view in headless Chromium.

The view is ``kg view --path "DKI Jakarta" Chungcheongnam-do --hops 3`` on the bundled
sample articles, with the Chungcheongnam-do Economic Promotion Agency clicked so that the
side panel shows its sources. Needs Debian ``chromium`` (and ``fonts-noto-cjk`` for the
Korean evidence). Run from the repository root: ``python docs/screenshot_view.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kg.pipeline import ingest
from kg.store import KGStore
from kg.view import ViewOptions, ViewSpec, view_graph, write_view

ROOT = Path(__file__).resolve().parents[1]
CEPA = "https://w3id.org/idkr/resource/org/kr-cepa"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def main() -> None:
    store = KGStore("memory")
    ingest([ROOT / "data" / "articles"], store)
    graph, message = view_graph(store, ViewSpec(path=("DKI Jakarta", "Chungcheongnam-do"), hops=3))
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "seed.html"
        write_view(
            graph, page_file, ViewOptions(title="DKI Jakarta – Chungcheongnam-do", message=message)
        )
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            ctx = browser.new_context(viewport={"width": 1360, "height": 820})
            ctx.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            page = ctx.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
            pt = page.evaluate(
                "id => kgView.network.canvasToDOM(kgView.network.getPosition(id))", CEPA
            )
            box = page.locator("#kg-network").bounding_box()
            page.mouse.click(box["x"] + pt["x"], box["y"] + pt["y"])
            page.mouse.move(box["x"] + 5, box["y"] + 5)
            page.wait_for_timeout(300)
            out = ROOT / "docs" / "view-seed.png"
            page.screenshot(path=str(out))
            browser.close()
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
