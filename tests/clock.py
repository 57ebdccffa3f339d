"""`pytest --travel=WHEN`: the whole run with the wall clock moved, to prove that no test depends
on today's date. WHEN is `+365d` (days from now) or an ISO 8601 moment (`2027-01-15T19:05:00Z`).

Loaded with `-p tests.clock` (pyproject's addopts) so that the clock moves before pytest-django sets
up Django. The clock keeps ticking (`tick=True`); tests that travel themselves nest inside. The
monotonic clock, `time.sleep` and PostgreSQL's own `now()` are not moved (see ../shared/TOOLS.md).
"""

import datetime
import re

import pytest
import time_machine

OFFSET = re.compile(r"\+(\d+)d")


def pytest_addoption(parser):
    parser.addoption(
        "--travel",
        metavar="WHEN",
        help="Move the wall clock for the whole run: +365d (days ahead) or an ISO 8601 moment.",
    )


def destination(when):
    if match := OFFSET.fullmatch(when):
        return datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=int(match[1]))
    try:
        moment = datetime.datetime.fromisoformat(when)
    except ValueError:
        raise pytest.UsageError(f"--travel={when}: give +365d or an ISO 8601 moment.") from None
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--travel={when}: give the moment's time zone, e.g. Z for UTC.")
    return moment


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config):
    when = early_config.known_args_namespace.travel
    if not when:
        return
    traveller = time_machine.travel(destination(when), tick=True)
    traveller.start()
    early_config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    if when := config.getoption("travel"):
        now = datetime.datetime.now(datetime.UTC)
        return f"clock moved by --travel={when}: it is now {now:%Y-%m-%d %H:%M} UTC"
