"""bench/cluster.py, run whole: two app servers behind HAProxy, with PostgreSQL, Redis and S3.

It needs haproxy and wrk (Debian packages; .ci/run installs them), PostgreSQL and Redis on
127.0.0.1. Without them the test is skipped on a developer machine and fails in CI.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import running_in_ci
from tests.ports import is_listening

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 300


def missing_requirements():
    missing = [tool for tool in ("haproxy", "wrk") if shutil.which(tool) is None]
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        if not is_listening(port):
            missing.append(f"{name} on 127.0.0.1:{port}")
    return missing


def test_two_app_servers_behind_haproxy_share_sessions_media_and_survive_a_stop():
    if missing := missing_requirements():
        reason = f"bench/cluster.py needs {', '.join(missing)}"
        if running_in_ci():
            pytest.fail(f"{reason}; it is required in CI.", pytrace=False)
        pytest.skip(reason)
    process = subprocess.Popen(
        [sys.executable, "bench/cluster.py"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.terminate()  # the script stops what it started, then exits
        output, _ = process.communicate(timeout=30)
        pytest.fail(f"bench/cluster.py took over {TIMEOUT_SECONDS} s:\n{output}")
    print(output)
    assert process.returncode == 0, output
    for check in ("a)", "b)", "c)", "d)"):
        assert f"PASS  {check}" in output, output
    assert "4 of 4 checks passed" in output
