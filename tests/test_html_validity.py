"""Every public page type, in both languages, is valid HTML for the Nu HTML Checker.

The checker is the npm package vnu-jar (package.json; `make test` runs `npm ci`), run on the
machine's Java. Without Java or node_modules the test is skipped on a developer machine and fails
in CI (env CI set). All pages go to one `java` call: Java's start-up costs more than the checking.
The checker says nothing about a file it could not read (and exits 0), so `--verbose` makes it
name each file it checked, and the test compares that list with the files it wrote.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import running_in_ci
from tests.public_pages import LANGUAGES, add_page_states, public_pages

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def vnu_command():
    java = shutil.which("java")
    missing = [
        reason
        for reason, absent in [
            ("java is not on PATH (Debian: apt-get install default-jre-headless)", java is None),
            (
                f"{VNU.relative_to(settings.BASE_DIR)} is missing: run `npm ci` (`make test` does)",
                not VNU.is_file(),
            ),
        ]
        if absent
    ]
    if missing:
        reason = "; ".join(missing)
        if running_in_ci():
            pytest.fail(f"{reason}; the HTML check is required in CI.", pytrace=False)
        pytest.skip(reason)
    return [java, "-jar", str(VNU), "--errors-only", "--verbose", "--format", "json"]


def test_every_page_type_is_valid_html(client, seeded, tmp_path, vnu_command, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    add_page_states(settings.MEDIA_ROOT)
    files = {}
    for language in LANGUAGES:
        for name, path, status in public_pages(language):
            response = client.get(path)
            assert response.status_code == status, f"{name} {path}: {response.status_code}"
            file = tmp_path / f"{len(files):02}-{language}.html"
            file.write_bytes(response.content)
            files[str(file)] = f"{name} {path}"

    checked = subprocess.run([*vnu_command, *files], capture_output=True, text=True, timeout=300)
    assert checked.stdout.split() == list(files), f"not every page was checked: {checked.stdout}"
    problems = [
        f"{files.get(message.get('url', '').removeprefix('file:'), message.get('url'))}, "
        f"line {message.get('lastLine')}: {message['message']}"
        f" — {message.get('extract', '').strip()!r}"
        for message in json.loads(checked.stderr)["messages"]
    ]
    assert not problems, "The Nu HTML Checker found errors:\n" + "\n".join(problems)
    assert checked.returncode == 0, checked.stderr
