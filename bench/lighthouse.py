"""Lighthouse scores of the home, news list and news detail pages, and the weight of CSS and JS.

    .venv/bin/python bench/lighthouse.py

Needs .venv (`make install`), node_modules/.bin/lighthouse (`npm ci`; `make test` runs it) and
Debian's Chromium (CHROME_PATH, default /usr/bin/chromium). It starts the site itself, as in
production: DEBUG=false, static files collected and served by WhiteNoise, gunicorn on 127.0.0.1,
a fresh SQLite database in a temporary directory, migrated and seeded. Lighthouse runs its mobile
profile (simulated slow 4G and a mid-range phone) on each page, one page at a time.

Prints the four scores (0-100) per page and the gzip-compressed size of the CSS and JS the pages
load; exits 1 if a score is under 95 or the CSS and JS come to 50 KB or more.
"""

import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import chromium

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = [
    ("home", "/en/"),
    ("news list", "/en/news/"),
    ("news detail", "/en/news/2018-annual-report-together-making-the-region-safer/"),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
LOWEST_SCORE = 95
CSS_AND_JS_BUDGET = 50 * 1024
ATTEMPTS = 3
# Lighthouse splits --chrome-flags at spaces: a value with spaces goes in quotes.
CHROME_FLAGS = [
    "--headless=new",
    *(flag.replace("=", '="', 1) + '"' if " " in flag else flag for flag in chromium.FLAGS),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url, seconds=30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def gzip_size(url):
    """Bytes on the wire with gzip: WhiteNoise serves its precompressed file when there is one."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            return len(body)
    return len(gzip.compress(body))


def lighthouse(url, report_path, env):
    command = [
        LIGHTHOUSE,
        url,
        "--quiet",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={report_path}",
    ]
    # Now and then Lighthouse fails to record the page load ("NO_NAVSTART ... Please run
    # Lighthouse again"), more often on a busy machine: it is run again, up to three times.
    for attempt in range(1, ATTEMPTS + 1):
        if subprocess.run(command, env=env).returncode == 0:
            break
        if attempt == ATTEMPTS:
            raise RuntimeError(f"Lighthouse failed {ATTEMPTS} times on {url}")
        print(f"Lighthouse failed on {url}; running it again.", file=sys.stderr)
    report = json.loads(report_path.read_text())
    scores = {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}
    css_and_js = [
        item["url"]
        for item in report["audits"]["network-requests"]["details"]["items"]
        if item.get("resourceType") in ("Stylesheet", "Script")
    ]
    return scores, css_and_js


def main():
    for tool in (PYTHON, GUNICORN, LIGHTHOUSE):
        if not tool.exists():
            sys.exit(f"{tool.relative_to(ROOT)} is missing: run `make install` and `npm ci` first.")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as workdir:
        workdir = Path(workdir)
        env = {
            **os.environ,
            "DEBUG": "false",
            "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "CHROME_PATH": chrome,
        }
        env.pop("REDIS_URL", None)
        manage = [PYTHON, "manage.py"]
        for command in (["collectstatic", "--noinput"], ["migrate", "--noinput"], ["seed"]):
            subprocess.run(
                [*manage, *command, "-v0"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )

        port = free_port()
        site = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [GUNICORN, "unodc_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            cwd=ROOT,
            env=env,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"{site}/en/")
            results = []
            for name, path in PAGES:
                scores, css_and_js = lighthouse(
                    f"{site}{path}", workdir / f"{len(results)}.json", env
                )
                results.append((name, path, scores, {url: gzip_size(url) for url in css_and_js}))
        finally:
            server.terminate()
            server.wait(timeout=30)

    width = max(len(f"{name} {path}") for name, path, _, _ in results) + 2
    print(
        f"\n{'page':<{width}}"
        + "".join(f"{name:>16}" for name in CATEGORIES)
        + f"{'CSS+JS gzip':>14}"
    )
    failed = False
    every_file = {}
    for name, path, scores, sizes in results:
        every_file.update(sizes)
        print(
            f"{name + ' ' + path:<{width}}"
            + "".join(f"{scores[category]:>16}" for category in CATEGORIES)
            + f"{sum(sizes.values()) / 1024:>11.1f} KB"
        )
        failed |= min(scores.values()) < LOWEST_SCORE
    total = sum(every_file.values())
    print(
        f"\nCSS and JS of these pages, {len(every_file)} file(s), gzip-compressed: "
        f"{total / 1024:.1f} KB (budget {CSS_AND_JS_BUDGET // 1024} KB)"
    )
    for url, size in sorted(every_file.items()):
        print(f"  {size:>7} B  {url.removeprefix(site)}")
    failed |= total >= CSS_AND_JS_BUDGET
    if failed:
        print(f"\nFAILED: a score under {LOWEST_SCORE}, or CSS and JS over the budget.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
