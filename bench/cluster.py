"""Two app servers behind HAProxy, sharing PostgreSQL, Redis and S3 storage: does the site hold?

    .venv/bin/python bench/cluster.py

Needs Debian's haproxy and wrk, PostgreSQL on 127.0.0.1:5432 (role unodc with CREATEDB, trust
auth), Redis on 127.0.0.1:6379 (database 5 is emptied and used) and .venv (`make install`), with
the static files collected (`manage.py collectstatic`; done here if they are not).

It starts moto_server as the S3 storage (127.0.0.1:5055, a public-read bucket), a fresh database
unodc_cluster (migrated and seeded), two gunicorn app servers on 8501 and 8502 with production
settings (DEBUG off, a random SECRET_KEY, the connection pool, media in S3), and HAProxy on 8500
(statistics on 8509) with the configuration from `haproxy_config()`, the one docs/deploy.md shows.
Then it checks, printing PASS or FAIL and figures for each:

  a) an editor who logs in through the balancer stays logged in whichever server answers;
  b) an image uploaded through server 1 is shown, from the storage, on server 2's page;
  c) publishing and unpublishing on server 1 shows on server 2 at once (the page cache too);
  d) under load through the balancer, server 2 stops (SIGTERM) midway: no failed request.

Everything it started is stopped at the end, also on failure. Exits 1 if a check fails.
"""

import csv
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import boto3
import psycopg
import redis
import requests
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
BALANCER_PORT, STATS_PORT = 8500, 8509
SERVERS = {"app1": 8501, "app2": 8502}
BALANCER = f"http://{HOST}:{BALANCER_PORT}"
MOTO_PORT = 5055
STORAGE = f"http://{HOST}:{MOTO_PORT}"
BUCKET = "roca-media"
POSTGRES = f"postgres://unodc@{HOST}:5432"
DATABASE = "unodc_cluster"
REDIS_URL = f"redis://{HOST}:6379/5"
EDITOR = "cluster-editor"
LOAD_SECONDS, LOAD_CONNECTIONS = 14, 16
# A request still unanswered after this long counts as failed (wrk: a timeout socket error).
WRK_TIMEOUT_SECONDS = 5
LOAD_PATH = "/en/news/"
NEWS_SLUG = "border-liaison-offices-meet-in-termez"
NEWS_TITLE = "Border liaison offices meet in Termez"


def haproxy_config():
    servers = "\n".join(
        f"    server {name} {HOST}:{port} check inter 1s fall 2 rise 2"
        for name, port in SERVERS.items()
    )
    fallbacks = "\n".join(
        f"    server {name}-fallback {HOST}:{port} backup" for name, port in SERVERS.items()
    )
    return f"""\
global
    maxconn 1024

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 5s
    # A request that finds its server gone (stopped, restarting) goes to another one at once.
    retries 3
    option redispatch 1
    # The retryable errors but 503: the app answers 503 when PostgreSQL is down, which another
    # server could not change. Only GET and HEAD are replayed once they reached a server (see
    # the backend); an editor's POST only when it could not be sent at all.
    retry-on conn-failure empty-response junk-response response-timeout 0rtt-rejected 500 502 504

frontend site
    bind {HOST}:{BALANCER_PORT}
    option forwardfor
    default_backend app

backend app
    balance roundrobin
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    # /healthz checks the database and Redis. The Host header is one in ALLOWED_HOSTS.
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
{servers}
    # When every server fails its check, the fault is shared (Redis or PostgreSQL down), not
    # theirs: they can still serve pages from the database or the cache, or the site's 503 page.
    option allbackups
{fallbacks}

listen stats
    bind {HOST}:{STATS_PORT}
    stats enable
    stats uri /
"""


# ------------------------------------------------------------------ the processes it starts


class Processes:
    """The servers this script starts, each in its own process group; all stopped on exit."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.running = {}

    def start(self, name, command, env=None):
        with open(self.workdir / f"{name}.log", "wb") as log:  # the process keeps its own copy
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running[name] = process
        return process

    def stop(self, name, timeout=15):
        process = self.running.pop(name)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # gunicorn: graceful, requests finish first
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def log_tail(self, name, lines=15):
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for name in reversed(list(self.running)):
            self.stop(name)


def wait_for(url, seconds=30, status=200):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if requests.get(url, timeout=3).status_code == status:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer {status} within {seconds} s")
        time.sleep(0.2)


def port_is_free(port):
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


def cluster_env():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "DATABASE_", "DB_", "REDIS_", "DJANGO_"))
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),  # one for both servers: sessions, CSRF
        ALLOWED_HOSTS=f"{HOST},localhost",
        HTTPS="false",  # no TLS here; with it off, the admin asks for no second factor
        ADMIN_REQUIRE_2FA="false",
        # One editor account publishes and unpublishes from the list: a one-person office.
        EDITORIAL_SECOND_PAIR_OF_EYES="false",
        API_NUM_PROXIES="1",  # HAProxy adds X-Forwarded-For
        DATABASE_URL=f"{POSTGRES}/{DATABASE}",
        DB_POOL="true",
        REDIS_URL=REDIS_URL,
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=STORAGE,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="cluster",
        AWS_SECRET_ACCESS_KEY="cluster",
        EMAIL_URL="dummymail://",
    )
    return env


def manage(env, *arguments):
    subprocess.run(
        [VENV_BIN / "python", "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_storage(processes):
    processes.start("moto", [VENV_BIN / "moto_server", "-H", HOST, "-p", str(MOTO_PORT)])
    wait_for(f"{STORAGE}/moto-api/", seconds=20)
    s3 = boto3.client(
        "s3",
        endpoint_url=STORAGE,
        region_name="us-east-1",
        aws_access_key_id="cluster",
        aws_secret_access_key="cluster",
    )
    s3.create_bucket(Bucket=BUCKET)
    # As in production: the bucket's policy lets anyone read its objects; uploads set no ACL.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))


def fresh_database(env):
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    redis.Redis.from_url(REDIS_URL).flushdb()  # no page or session from an earlier run
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed", "-v0")
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        manage(env, "collectstatic", "--noinput", "-v0")
    password = secrets.token_urlsafe(16)
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_superuser({EDITOR!r}, 'editor@example.org', "
        f"{password!r})",
    )
    return password


def start_app_servers(processes, env):
    for name, port in SERVERS.items():
        processes.start(
            name,
            [
                VENV_BIN / "gunicorn",
                "unodc_site.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                "2",
                "--graceful-timeout",
                "10",
                "--no-control-socket",  # its default path would be shared by both servers
            ],
            env=env,
        )
    for port in SERVERS.values():
        wait_for(f"http://{HOST}:{port}/healthz")


def start_balancer(processes, workdir):
    config = workdir / "haproxy.cfg"
    config.write_text(haproxy_config())
    checked = subprocess.run(["haproxy", "-c", "-f", config], capture_output=True, text=True)
    if checked.returncode != 0:
        raise RuntimeError(f"haproxy -c refused the configuration:\n{checked.stderr}")
    processes.start("haproxy", ["haproxy", "-db", "-f", config])
    wait_for(f"{BALANCER}/healthz")


# ------------------------------------------------------------------ checks

results = []


def report(name, passed, *figures):
    results.append(passed)
    print(f"{'PASS' if passed else 'FAIL'}  {name}")
    for figure in figures:
        print(f"      {figure}")


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]


def submit_form(session, form_url, data, post_url=None, **options):
    """POST data as the form on form_url would (to post_url, else form_url), with its CSRF
    token; redirects are not followed."""
    form = session.get(form_url)
    return session.post(
        post_url or form_url,
        data={"csrfmiddlewaretoken": csrf_token(form.text), **data},
        allow_redirects=False,
        **options,
    )


def served_by(response):
    return response.headers.get("X-Served-By", "?")


def log_in(password):
    editor = requests.Session()
    response = submit_form(
        editor,
        f"{BALANCER}/admin/login/",
        {"username": EDITOR, "password": password, "next": "/admin/"},
        post_url=f"{BALANCER}/admin/login/?next=/admin/",
    )
    return editor, response.status_code == 302 and response.headers["Location"] == "/admin/"


def check_session_on_either_server(password):
    editor, logged_in = log_in(password)
    answers = []
    for _ in range(8):
        response = editor.get(f"{BALANCER}/admin/news/newsitem/", allow_redirects=False)
        answers.append(
            (served_by(response), response.status_code == 200 and "Log out" in response.text)
        )
    servers = Counter(server for server, _ in answers)
    all_in = all(ok for _, ok in answers)
    report(
        "a) the editor's session holds whichever server answers",
        logged_in and all_in and set(servers) == set(SERVERS),
        f"login through the balancer: {'ok' if logged_in else 'refused'}",
        f"{len(answers)} admin requests: "
        + ", ".join(f"{server} answered {count}" for server, count in sorted(servers.items()))
        + f"; logged in on {sum(ok for _, ok in answers)} of {len(answers)}",
    )
    return editor


def png_bytes():
    picture = Image.new("RGB", (800, 500), "#0b6ab0")
    ImageDraw.Draw(picture).rectangle((200, 150, 600, 350), fill="#f2b705")
    output = io.BytesIO()
    picture.save(output, "PNG")
    return output.getvalue()


def check_upload_on_one_served_by_the_other(editor):
    server1, server2 = (f"http://{HOST}:{port}" for port in SERVERS.values())
    started = time.monotonic()
    upload = submit_form(
        editor,
        f"{server1}/admin/images/image/add/",
        {
            "title": "Border post",
            "alt_text_en": "Officers at a border post",
            "credit_en": "Photo: UNODC",
            "focal_x": "50",
            "focal_y": "50",
            "_continue": "Save and continue editing",
        },
        files={"file": ("border-post.png", png_bytes(), "image/png")},
    )
    image_id = re.search(r"/(\d+)/change/", upload.headers.get("Location", ""))
    response = submit_form(
        editor,
        f"{server1}/admin/news/newsitem/add/",
        {
            "title_en": NEWS_TITLE,
            "slug": NEWS_SLUG,
            "date": "2024-03-01",
            "action": "publish",
            "summary_en": "Officers from the five countries compared notes on the border.",
            "body_en": "<p>Border liaison officers met in Termez.</p>",
            "image": image_id[1] if image_id else "",
            "original_publisher": "",
            "_continue": "Save and continue editing",
        },
    )
    upload_ms = (time.monotonic() - started) * 1000
    item_id = re.search(r"/(\d+)/change/", response.headers.get("Location", ""))
    page = requests.get(f"{server2}/en/news/{NEWS_SLUG}/")
    src = re.search(r'<img src="([^"]+)"', page.text)
    image = requests.get(src[1]) if src else None
    served = image is not None and image.status_code == 200
    if served:
        width, height = Image.open(io.BytesIO(image.content)).size
    report(
        "b) an image uploaded through server 1 is served on server 2's page",
        response.status_code == 302
        and item_id is not None
        and page.status_code == 200
        and served
        and image.headers["Content-Type"] == "image/png",
        f"upload to the library and news form on app1: {upload.status_code}, "
        f"{response.status_code} in {upload_ms:.0f} ms (the original stored in S3; the "
        "renditions by the worker)",
        f"page on app2: {page.status_code}; image: {src[1] if src else 'none found'}",
        f"image from the storage: {image.status_code if image else '-'}"
        + (
            f", {image.headers['Content-Type']}, {width}x{height}, {len(image.content)} bytes,"
            f" Cache-Control: {image.headers.get('Cache-Control')}"
            if served
            else ""
        ),
    )
    return int(item_id[1]) if item_id else None


def news_action(editor, action, item_id):
    server1 = f"http://{HOST}:{SERVERS['app1']}"
    response = submit_form(
        editor,
        f"{server1}/admin/news/newsitem/",
        {"action": action, "_selected_action": item_id, "index": 0},
    )
    return response.status_code == 302


def check_publish_on_one_visible_on_the_other(editor, item_id):
    server2 = f"http://{HOST}:{SERVERS['app2']}"
    detail, news_list = f"{server2}/en/news/{NEWS_SLUG}/", f"{server2}/en/news/"
    steps = []
    cached = requests.get(detail), requests.get(detail)  # the second one from the page cache

    def after(action, expected_detail):
        done = news_action(editor, action, item_id)
        started = time.monotonic()
        page, listing = requests.get(detail), requests.get(news_list)
        listed = NEWS_TITLE in listing.text
        steps.append(
            (
                action,
                done,
                page.status_code,
                listed,
                (time.monotonic() - started) * 1000,
                page.status_code == expected_detail and listed == (expected_detail == 200),
            )
        )

    if item_id is not None:
        after("unpublish", 410)  # it was public: gone
        after("publish", 200)
    report(
        "c) publishing on server 1 shows on server 2 at once",
        item_id is not None and all(step[1] and step[-1] for step in steps),
        f"before: app2's page {cached[0].status_code}, and again {cached[1].status_code} (by then"
        " from the page cache)",
        *(
            f"{action} on app1 ({'done' if done else 'refused'}); the next request to app2: page "
            f"{status}, {'in' if listed else 'not in'} the news list ({ms:.0f} ms for both)"
            for action, done, status, listed, ms, _ in steps
        ),
    )


def haproxy_stats():
    text = requests.get(f"http://{HOST}:{STATS_PORT}/;csv", timeout=5).text.lstrip("# ")
    return {
        row["svname"]: row for row in csv.DictReader(io.StringIO(text)) if row["pxname"] == "app"
    }


def wrk_figures(output):
    def number(pattern, default=0):
        found = re.search(pattern, output)
        return found[1] if found else default

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests": int(number(r"(\d+) requests in")),
        "per_second": float(number(r"Requests/sec:\s+([\d.]+)")),
        "non_2xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
        if errors
        else {},
        "p50": number(r"(?m)^\s+50%\s+(\S+)", "?"),
        "p99": number(r"(?m)^\s+99%\s+(\S+)", "?"),
    }


def check_server_stopped_under_load(processes):
    before = haproxy_stats()
    wrk = subprocess.Popen(
        [
            "wrk",
            "-t2",
            f"-c{LOAD_CONNECTIONS}",
            f"-d{LOAD_SECONDS}s",
            "--latency",
            f"--timeout={WRK_TIMEOUT_SECONDS}s",
            f"{BALANCER}{LOAD_PATH}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    time.sleep(LOAD_SECONDS / 2)
    stopping = time.monotonic()
    processes.stop("app2")
    stop_seconds = time.monotonic() - stopping
    output, _ = wrk.communicate(timeout=LOAD_SECONDS + 30)
    figures = wrk_figures(output)
    after = haproxy_stats()
    answers = [requests.get(f"{BALANCER}{LOAD_PATH}") for _ in range(6)]
    still_serving = all(response.status_code == 200 for response in answers)

    def served(name):
        return int(after[name]["stot"]) - int(before[name]["stot"])

    retried = sum(int(after[name]["wretr"] or 0) for name in SERVERS)
    redispatched = sum(int(after[name]["wredis"] or 0) for name in SERVERS)
    report(
        "d) a server stopped under load: no failed request",
        figures["requests"] > 0
        and figures["non_2xx"] == 0
        and not any(figures["socket_errors"].values())
        and still_serving,
        f"wrk {LOAD_SECONDS} s, {LOAD_CONNECTIONS} connections, {LOAD_PATH} through HAProxy: "
        f"{figures['requests']} requests, {figures['per_second']:.0f} req/s, "
        f"latency p50 {figures['p50']}, p99 {figures['p99']}",
        f"app2 stopped (SIGTERM) at {LOAD_SECONDS / 2:.0f} s, gone after {stop_seconds:.1f} s; "
        f"non-2xx: {figures['non_2xx']}, socket errors: "
        + (", ".join(f"{kind} {n}" for kind, n in figures["socket_errors"].items()) or "none"),
        "HAProxy sessions per server (retries included): "
        + ", ".join(f"{name} {served(name)}" for name in SERVERS)
        + f"; retried {retried}, redispatched {redispatched}",
        f"afterwards: app2 is {after['app2']['status']} in HAProxy; "
        + ", ".join(f"{r.status_code} from {served_by(r)}" for r in answers[:3])
        + ", …",
    )


# ------------------------------------------------------------------ main


def main():
    missing = [tool for tool in ("haproxy", "wrk") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"Not found: {', '.join(missing)} (Debian: apt-get install haproxy wrk).")
    busy = [
        port
        for port in (BALANCER_PORT, STATS_PORT, MOTO_PORT, *SERVERS.values())
        if not port_is_free(port)
    ]
    if busy:
        sys.exit(f"Ports in use: {busy}. Is another run of bench/cluster.py going on?")
    # Stopped by a signal (a CI timeout, Ctrl-C): exit through the clean-up below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory(prefix="cluster-") as workdir,
        Processes(Path(workdir)) as processes,
    ):
        env = cluster_env()
        start_storage(processes)
        password = fresh_database(env)
        start_app_servers(processes, env)
        start_balancer(processes, Path(workdir))
        print(
            f"Cluster up in {time.monotonic() - started:.0f} s: HAProxy {BALANCER} -> "
            + ", ".join(f"{name} :{port}" for name, port in SERVERS.items())
            + f" (gunicorn, 2 workers each); PostgreSQL {DATABASE} (pooled); "
            f"Redis {REDIS_URL}; S3 {STORAGE}/{BUCKET} (moto)\n"
        )
        try:
            editor = check_session_on_either_server(password)
            item_id = check_upload_on_one_served_by_the_other(editor)
            check_publish_on_one_visible_on_the_other(editor, item_id)
            check_server_stopped_under_load(processes)
        except Exception:
            for name in processes.running:
                print(f"\n--- last lines of {name}'s log ---\n{processes.log_tail(name)}")
            raise
        if not all(results):
            for name in processes.running:
                print(f"\n--- last lines of {name}'s log ---\n{processes.log_tail(name)}")
    passed = sum(results)
    print(f"\n{passed} of {len(results)} checks passed in {time.monotonic() - started:.0f} s.")
    return 0 if passed == len(results) == 4 else 1


if __name__ == "__main__":
    sys.exit(main())
