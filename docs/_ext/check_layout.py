"""Open built docs pages in headless Chromium and check that their tables fit.

At a given window width (1,400 px by default), every table of the checked
pages must fit its column without a horizontal scroll bar, and every cell of
a results table but the first column must hold one line. A page whose layout
regresses (a sidebar back, a wrapping number, a column too many) fails::

    python docs/_ext/check_layout.py docs/_build/html
    python docs/_ext/check_layout.py docs/_build/html --screenshots shots/

The measurement runs in the page itself: a script appended to a copy of the
page writes what it measured into the document, and ``chromium --dump-dom``
prints the document once the page has loaded. No driver is needed.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: The pages whose tables a reader compares.
PAGES = ("results.html", "benchmarks.html", "user_guide/columns.html", "index.html")

_MEASURE = """
<script>
window.addEventListener("load", () => {
  const report = [];
  document.querySelectorAll("article table").forEach((table, k) => {
    const box = table.closest(".pst-scrollable-table-container") || table.parentElement;
    const wrapped = [];
    if (table.classList.contains("results-table")) {
      table.querySelectorAll("tbody tr").forEach((row, r) => {
        Array.from(row.cells).slice(1).forEach((cell, c) => {
          // the text's own height: a row is as tall as its tallest cell
          const style = getComputedStyle(cell);
          const range = document.createRange();
          range.selectNodeContents(cell);
          const text = range.getBoundingClientRect().height;
          const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
          if (text > 1.5 * line) wrapped.push([r + 1, c + 2, cell.innerText.trim()]);
        });
      });
    }
    const heading = table.closest("section")?.querySelector("h1, h2, h3, h4");
    report.push({
      table: k + 1,
      section: heading ? heading.innerText.replace("#", "").trim() : "",
      width: table.scrollWidth,
      room: box.clientWidth,
      wrapped: wrapped.slice(0, 3),
      n_wrapped: wrapped.length,
    });
  });
  const out = document.createElement("pre");
  out.id = "awdids-layout";
  out.textContent = JSON.stringify(report);
  document.body.appendChild(out);
});
</script>
"""

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise FileNotFoundError(
        "no Chromium found (Debian: apt-get install chromium); the layout check "
        "needs a real browser."
    )


def _run(browser, profile, width, *args):
    command = [browser, *_FLAGS, f"--user-data-dir={profile}"]
    command += [f"--window-size={width},1000", "--virtual-time-budget=10000", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=True
    ).stdout


def measure(page, browser, profile, width):
    """The tables of ``page`` as the browser lays them out at ``width``."""
    probe = page.with_name(f".layout-check-{page.name}")
    html = page.read_text(encoding="utf-8")
    probe.write_text(html.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    try:
        dom = _run(browser, profile, width, "--dump-dom", probe.as_uri())
    finally:
        probe.unlink()
    found = re.search(r'<pre id="awdids-layout"[^>]*>(.*?)</pre>', dom, re.S)
    if not found:
        raise RuntimeError(f"{page}: the browser returned no measurement.")
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def problems(page, tables):
    """What does not fit, one line each."""
    lines = []
    for t in tables:
        where = f"{page}: table {t['table']} ({t['section']})"
        if t["width"] > t["room"] + 1:
            lines.append(f"{where} is {t['width']} px wide in {t['room']} px")
        if t["n_wrapped"]:
            lines.append(f"{where} wraps {t['n_wrapped']} cell(s), e.g. {t['wrapped']}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the built site (docs/_build/html)")
    parser.add_argument("--width", type=int, default=1400, help="window width, px")
    parser.add_argument(
        "--screenshots", type=Path, default=None, help="also save PNGs here"
    )
    args = parser.parse_args(argv)
    browser = find_chromium()
    failures = []
    with tempfile.TemporaryDirectory() as profile:
        for name in PAGES:
            page = args.html.resolve() / name  # a file URI needs an absolute path
            tables = measure(page, browser, profile, args.width)
            failures += problems(name, tables)
            print(f"{name}: {len(tables)} tables measured at {args.width} px")
            if args.screenshots is not None:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                shot = args.screenshots.resolve() / (
                    name.replace("/", "-")[:-5] + ".png"
                )
                _run(
                    browser, profile, args.width, f"--screenshot={shot}", page.as_uri()
                )
    for line in failures:
        print(f"check_layout: {line}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
