"""Requests per second and latency of the site's pages at 100,000 news items, served as in
production, with the SQL behind them.

    .venv/bin/python bench/load.py [--news 100000] [--duration 5] [--rounds 3] [--skip-data]
                                   [--stock-cache]

One run does everything, with wrk (Debian package), PostgreSQL and Redis on this machine:

1. Prepares the PostgreSQL database unodc_bench (created if missing): migrate, seed, then
   `manage.py bench_data` tops the news up to --news SYNTHETIC items (--skip-data: not at all);
   collectstatic.
2. Asks bench/pages_and_queries.py, in Django, for the pages to load, the SQL query count of
   each, and EXPLAIN (ANALYZE) of their queries and of the news list's under each filter.
3. Empties Redis database 1 (a cold cache) and starts gunicorn as in production (DEBUG=false,
   WhiteNoise, Redis, connections kept open) on 127.0.0.1:8100, and a second one with the page cache
   off (PAGE_CACHE_SECONDS=0) on 127.0.0.1:8101.
4. Loads each page with `wrk -t2 -c32 --latency` on 8100, in --rounds rounds, each run of a page
   right after a run of the ceiling: the hashed CSS file, which WhiteNoise serves from the same
   gunicorn. A page's share of the ceiling is the median of its rounds' shares. On 8101, at one
   connection: the uncached news list, and its first against its deepest page, and the same for
   the API's keyset pages.
5. With --stock-cache, a third gunicorn on 127.0.0.1:8102 serves the site with Django's own
   cache middleware and DRF's stock rate limit (bench/stock_cache_settings.py, Redis database 2),
   and each page's run there follows the same page's run on 8100, after a ceiling run of its own.

Prints the figures and the targets met or missed; exits 1 if one is missed. The servers are
stopped however the run ends (Ctrl-C too). The API's rate limit is lifted for the run: wrk comes
from one address. Timings on a machine doing other work are noisy.
"""

import argparse
import contextlib
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE_URL = "postgres://unodc@127.0.0.1:5432/unodc_bench"
REDIS_URL = "redis://127.0.0.1:6379/1"
CACHED_PORT, UNCACHED_PORT, STOCK_CACHE_PORT = 8100, 8101, 8102
# What a browser sends: WhiteNoise then serves the CSS precompressed.
ACCEPT_ENCODING = "Accept-Encoding: gzip, deflate, br"

SECRET_KEY = secrets.token_urlsafe(50)
UNCACHED = {"PAGE_CACHE_SECONDS": "0"}
STOCK_CACHE = {"DJANGO_SETTINGS_MODULE": "bench.stock_cache_settings"}
STOCK_CACHE_REDIS_URL = "redis://127.0.0.1:6379/2"  # bench/stock_cache_settings.py's "pages"
UNCACHED_WORKERS = 2

MIN_SHARE_OF_CEILING = 0.60
MAX_UNCACHED_NEWS_LIST_P50_MS = 25
MAX_P99_MS = 250
SLOW_QUERY_MS = 100
UNFILTERED_NEWS_LISTS = {"none", "deepest page"}  # bench/pages_and_queries.py's names


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--news", type=int, default=100_000, help="news items to load (all)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each page")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument(
        "--skip-data", action="store_true", help="add no synthetic news, whatever the count"
    )
    parser.add_argument(
        "--stock-cache",
        action="store_true",
        help="also load every page from Django's cache middleware with DRF's stock throttle",
    )
    return parser.parse_args()


def environment(**overrides):
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "API_RATE_LIMIT": "1000000/second",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "CONN_MAX_AGE", "DB_POOL"):
        env.pop(name, None)
    return {**env, **overrides}


def manage(*arguments, quiet=True):
    subprocess.run(
        [PYTHON, "manage.py", *arguments],
        cwd=ROOT,
        env=environment(),
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def psql(database, sql):
    url = urlsplit(DATABASE_URL)
    command = ["psql", "-h", url.hostname, "-p", str(url.port), "-U", url.username]
    result = subprocess.run(
        [*command, "-d", database, "-tAc", sql], check=True, text=True, stdout=subprocess.PIPE
    )
    return result.stdout.strip()


def prepare_database(news, skip_data):
    # The role `unodc`, made by the script `make test` uses, if this machine has none yet.
    if not subprocess.run([ROOT / "scripts" / "local-postgres"], stdout=subprocess.PIPE).stdout:
        sys.exit("No PostgreSQL answered at 127.0.0.1:5432 (scripts/local-postgres).")
    url = urlsplit(DATABASE_URL)
    database = url.path.lstrip("/")
    if not psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
        subprocess.run(
            ["createdb", "-h", url.hostname, "-p", str(url.port), "-U", url.username, database],
            check=True,
        )
    manage("migrate", "--noinput")
    manage("seed")
    existing = int(psql(database, "SELECT count(*) FROM news_newsitem"))
    if existing < news and not skip_data:
        started = time.monotonic()
        manage("bench_data", "--news", str(news - existing), quiet=False)
        print(f"bench_data: {news - existing:,} items in {time.monotonic() - started:.0f} s")
    # What autovacuum does to a table that has settled: statistics, and the visibility map that
    # index-only scans need. Done now so that it does not happen in the middle of a run.
    psql(
        database,
        "VACUUM (ANALYZE) news_newsitem, news_newsitem_countries, "
        "news_newsitem_programmes, news_newsitem_thematic_areas",
    )
    manage("collectstatic", "--noinput")


def flush_redis(redis_url=REDIS_URL):
    """FLUSHDB on a benchmark's Redis database, spoken in Redis's own protocol."""
    url = urlsplit(redis_url)
    number = url.path.lstrip("/") or "0"
    with socket.create_connection((url.hostname, url.port or 6379), timeout=5) as connection:
        for command in (["SELECT", number], ["FLUSHDB"]):
            request = f"*{len(command)}\r\n" + "".join(f"${len(p)}\r\n{p}\r\n" for p in command)
            connection.sendall(request.encode())
            reply = connection.recv(64)
            if not reply.startswith(b"+OK"):
                raise RuntimeError(f"Redis answered {reply!r} to {command[0]}")


class Server:
    """gunicorn serving the site on 127.0.0.1:port, stopped when the `with` block ends."""

    def __init__(self, port, workers, env, log_directory, static_path):
        self.url = f"http://127.0.0.1:{port}"
        self.workers = workers
        self.static_url = self.url + static_path
        self.log = open(Path(log_directory) / f"gunicorn-{port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [GUNICORN, "unodc_site.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own session: Ctrl-C reaches this script alone, which then stops the server.
            start_new_session=True,
        )

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def get_all_at_once(self, url, count, timeout):
        """GET url `count` times at once; the slowest time, in seconds."""

        def get(_):
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=timeout):
                    pass
            except urllib.error.HTTPError:
                pass
            return time.monotonic() - started

        with ThreadPoolExecutor(count) as pool:
            return max(pool.map(get, range(count)))

    def wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read()[-3000:]}")
            try:
                with urllib.request.urlopen(self.static_url, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        # Each worker loads the URLconf and templates on its first page: a page that is not
        # there (404, never cached) does that without filling the page cache.
        for _ in range(3):
            self.get_all_at_once(f"{self.url}/en/bench-warm-up/", self.workers * 2, seconds)

    def wait_until_idle(self, seconds=120):
        """After a wrk run the workers still work through the requests wrk gave up on (a slow
        page queues many): wait until as many static files as there are workers, asked for at
        once, all come back quickly."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.get_all_at_once(self.static_url, self.workers, seconds) < 0.1:
                return
            time.sleep(0.5)
        print(f"  {self.url} still busy after {seconds} s; going on", file=sys.stderr)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def duration_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def wrk(url, duration, threads=2, connections=32):
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
        + ["-H", ACCEPT_ENCODING, url],
        check=True,
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    completed = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        # No latency when no request completed (wrk prints zeros then).
        "p50": duration_ms(latency["50"]) if completed else math.nan,
        "p99": duration_ms(latency["99"]) if completed else math.nan,
        "errors": (sum(map(int, socket_errors.groups())) if socket_errors else 0)
        + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def load(servers, url, arguments, threads=2, connections=None):
    """A wrk run on url, once every server is idle; the uncached pages' runs are as long as all
    the rounds of a cached page."""
    for server in servers:
        server.wait_until_idle()
    if connections is None:
        return wrk(url, arguments.duration, threads, arguments.connections)
    return wrk(url, arguments.duration * arguments.rounds, threads, connections)


def summary(runs):
    """A page's row from its runs, (wrk result, the ceiling's wrk result just before) a round."""
    return {
        "rps": statistics.median(result["rps"] for result, _ in runs),
        "p50": statistics.median(result["p50"] for result, _ in runs),
        "p99": max(result["p99"] for result, _ in runs),
        "errors": sum(result["errors"] for result, _ in runs),
        "share": statistics.median(result["rps"] / ceiling["rps"] for result, ceiling in runs),
    }


def verdict(passed):
    return "pass" if passed else "FAIL"


def print_load_table(runs, compared_with=None):
    """The table of the page cache's runs, and the count of targets missed. With compared_with
    (the site's runs), the points of the ceiling each page is below or above them."""
    ceilings = [ceiling for page_runs in runs.values() for _, ceiling in page_runs]
    rows = [("static CSS", summary([(ceiling, ceiling) for ceiling in ceilings]))]
    rows += [(name, summary(page_runs)) for name, page_runs in runs.items()]
    print(
        f"\n{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'of ceiling':>12}  targets (>= {MIN_SHARE_OF_CEILING:.0%} of ceiling, "
        f"p99 <= {MAX_P99_MS} ms, 0 errors)" + ("; points against 8100" if compared_with else "")
    )
    failures = 0
    for name, row in rows:
        checks = [
            ("share", row["share"] >= MIN_SHARE_OF_CEILING),
            ("p99", row["p99"] <= MAX_P99_MS),
            ("errors", row["errors"] == 0),
        ]
        failures += sum(not passed for _, passed in checks)
        marks = " ".join(f"{label} {verdict(passed)}" for label, passed in checks)
        if compared_with and name in compared_with:
            points = 100 * (row["share"] - summary(compared_with[name])["share"])
            marks += f"  {points:+.0f}"
        print(
            f"{name:<22}{row['rps']:>9.0f}{row['p50']:>9.1f}{row['p99']:>9.1f}"
            f"{row['errors']:>8}{row['share']:>11.0%}   {marks}"
        )
    return failures


def print_sql_table(title, entries):
    print(f"\n{title}")
    print(f"  {'':<20}{'queries':>8}{'ms in SQL':>11}{'slowest':>9}  seq scan  status  path")
    for entry in entries:
        times = [query["ms"] for query in entry["explains"]]
        scan = any(query["seq_scan_on_news"] for query in entry["explains"])
        print(
            f"  {entry['name']:<20}{entry['queries']:>8}{sum(times):>11.1f}"
            f"{max(times, default=0):>9.1f}  {'YES' if scan else 'no':<8}  {entry['status']:>6}"
            f"  {entry['path']}"
        )


def print_plans(entries):
    """The plan of each query that reads news_newsitem whole or is slow, once per query."""
    shown = set()
    for entry in entries:
        for query in entry["explains"]:
            # The same query at another moment: published() compares with the time now.
            shape = re.sub(r"'[\d :.+-]+'::timestamptz", "NOW", query["sql"])
            if shape in shown or not (query["seq_scan_on_news"] or query["ms"] > SLOW_QUERY_MS):
                continue
            shown.add(shape)
            reason = "Seq Scan on news_newsitem" if query["seq_scan_on_news"] else "slow"
            print(
                f"\n{reason}, {query['ms']:.1f} ms, {entry['name']} ({entry['path']}):\n"
                f"{query['sql']}\n{query['plan']}"
            )


def print_sql(report):
    print_sql_table(
        f"SQL per page at {report['news_count']:,} news items (the second request, page cache "
        "off); times from EXPLAIN ANALYZE of the queries that read the news tables:",
        report["pages"],
    )
    print_sql_table("The news list under each filter:", report["news_list"])
    print(f"\nPlans of the queries over {SLOW_QUERY_MS} ms or with a Seq Scan on news_newsitem:")
    print_plans(report["news_list"] + report["pages"])
    # The unfiltered list's count may read the table in its order: it stops at 1,001 rows.
    return sum(
        query["seq_scan_on_news"]
        for entry in report["news_list"]
        if entry["name"] not in UNFILTERED_NEWS_LISTS
        for query in entry["explains"]
    )


def main():
    arguments = parse_arguments()
    for tool in (PYTHON, GUNICORN):
        if not tool.exists():
            sys.exit(f"{tool.relative_to(ROOT)} is missing: run `make install` first.")
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: `apt-get install wrk` (Debian's package).")
    # `kill` of this script stops the servers too: SIGTERM unwinds like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    prepare_database(arguments.news, arguments.skip_data)
    report = json.loads(
        subprocess.run(
            [PYTHON, "bench/pages_and_queries.py"],
            cwd=ROOT,
            env=environment(**UNCACHED),
            check=True,
            text=True,
            stdout=subprocess.PIPE,
        ).stdout
    )
    paths = {page["name"]: page["path"] for page in report["pages"]}
    print(
        f"\n{report['news_count']:,} news items ({report['published_count']:,} published); "
        f"the filtered list has {report['filtered_count']:,}"
    )

    # Connections are kept open: by the pool if settings.py sets one up (Django refuses
    # CONN_MAX_AGE alongside it), else for a minute.
    kept = {} if report["connection_pool"] else {"CONN_MAX_AGE": "60"}
    print(f"Database connections kept open by {'a pool' if not kept else 'CONN_MAX_AGE=60'}")

    flush_redis()
    flush_redis(STOCK_CACHE_REDIS_URL)
    static_path = paths["static CSS"]
    with (
        tempfile.TemporaryDirectory(prefix="bench-load-") as logs,
        Server(CACHED_PORT, arguments.workers, environment(**kept), logs, static_path) as cached,
        Server(
            UNCACHED_PORT, UNCACHED_WORKERS, environment(**kept, **UNCACHED), logs, static_path
        ) as uncached,
        contextlib.ExitStack() as optional,
    ):
        servers = (cached, uncached)
        stock = None
        if arguments.stock_cache:
            stock = optional.enter_context(
                Server(
                    STOCK_CACHE_PORT,
                    arguments.workers,
                    environment(**kept, **STOCK_CACHE),
                    logs,
                    static_path,
                )
            )
            servers += (stock,)
        for server in servers:
            server.wait_until_ready()

        # Each page's run comes right after a run of the ceiling, and its share is taken of
        # that run: this machine's speed drifts over minutes (docs/deploy.md). Each run starts with
        # both servers idle; the first round with each page not yet in the cache.
        pages = [page for page in report["pages"] if page["name"] != "static CSS"]
        runs = {page["name"]: [] for page in pages}
        stock_runs = {page["name"]: [] for page in pages}
        for round_number in range(1, arguments.rounds + 1):
            for page in pages:
                print(
                    f"  round {round_number}, wrk -c{arguments.connections}: {page['name']}",
                    file=sys.stderr,
                )
                for server, page_runs in ((cached, runs), (stock, stock_runs)):
                    if server is None:
                        continue
                    ceiling, result = (
                        load(servers, server.url + path, arguments)
                        for path in (static_path, page["path"])
                    )
                    page_runs[page["name"]].append((result, ceiling))
        uncached_results = {}
        for name in ("news list", "news list deepest", "API news list", "API news deep"):
            print(f"  wrk -c1, page cache off: {name}", file=sys.stderr)
            uncached_results[name] = load(
                servers, uncached.url + paths[name], arguments, threads=1, connections=1
            )

    print(
        f"\nwrk -t2 -c{arguments.connections} -d{arguments.duration}s on {cached.url}, gunicorn "
        f"with {arguments.workers} workers on {os.cpu_count()} cores, the cache cold at the start; "
        f"{arguments.rounds} rounds, each page's run after one of the static file (the ceiling); "
        "medians of the rounds, but the worst p99 and all errors; timeouts (wrk: 2 s) count as "
        "errors and are left out of the latencies"
    )
    failures = print_load_table(runs)
    if stock:
        print(
            f"\nThe same pages on {stock.url}: Django's cache middleware and DRF's stock throttle "
            "(bench/stock_cache_settings.py); not counted in the targets"
        )
        print_load_table(stock_runs, compared_with=runs)
    print(
        f"\nPage cache off ({uncached.url}, {UNCACHED_WORKERS} workers), "
        f"wrk -t1 -c1 -d{arguments.duration * arguments.rounds}s:"
    )
    for name, result in uncached_results.items():
        print(
            f"  {name:<20} p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  {paths[name]}"
        )
    news_list_p50 = uncached_results["news list"]["p50"]
    passed = news_list_p50 <= MAX_UNCACHED_NEWS_LIST_P50_MS
    failures += not passed
    print(
        f"  target: uncached news list p50 <= {MAX_UNCACHED_NEWS_LIST_P50_MS} ms: "
        f"{news_list_p50:.1f} ms, {verdict(passed)}"
    )
    for first, deep in (("news list", "news list deepest"), ("API news list", "API news deep")):
        if uncached_results[first]["p50"] > 0:
            ratio = uncached_results[deep]["p50"] / uncached_results[first]["p50"]
            print(f"  {deep} / {first}: {ratio:.1f}x the first page's p50")

    seq_scans = print_sql(report)
    print(
        f"\n{failures} target(s) missed; {seq_scans} query plan(s) of a filtered news list "
        f"with a Seq Scan on news_newsitem."
    )
    return 1 if failures or seq_scans else 0


if __name__ == "__main__":
    sys.exit(main())
