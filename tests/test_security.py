"""Hardening: the Content Security Policy and other headers, the admin's sign-in (lockout, two
factors, session length), and the MDN HTTP Observatory's grade of the site as deployed."""

import datetime
import ipaddress
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPSConnection
from http.cookies import SimpleCookie
from pathlib import Path
from ssl import create_default_context

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.lib import add_static_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import expect

from images.models import Image as LibraryImage
from news.models import NewsItem
from tests.conftest import running_in_ci
from tests.html_tree import parse_html
from tests.ports import free_port, is_listening
from tests.public_pages import LANGUAGES, add_page_states, public_pages
from tests.test_site import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password-1234"
LOGIN = "/admin/login/"


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def make_staff(username="editor", **fields):
    return get_user_model().objects.create_user(
        username, f"{username}@unodc.example", PASSWORD, is_staff=True, **fields
    )


def log_in(client, username="editor", password=PASSWORD, otp_token=None, **headers):
    """Submit the admin's login form, from 192.0.2.10 unless REMOTE_ADDR says otherwise."""
    form = {"username": username, "password": password, "next": "/admin/"}
    if otp_token is not None:
        form["otp_token"] = otp_token
    return client.post(LOGIN, form, **{"REMOTE_ADDR": "192.0.2.10", **headers})


def totp_code(device):
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"


def inline_code(page):
    """What a strict policy would refuse: script elements that run, style elements, style and
    event-handler attributes."""
    found = []
    for element in parse_html(page).iter():
        tag, attributes = element.tag, element.attrs
        if tag == "script" and attributes.get("type") != "application/ld+json":
            found.append(f"<script {attributes}>")
        if tag == "style":
            found.append("<style>")
        found += [f"{tag} {name}=" for name, _ in element.attr_list if name == "style"]
        found += [f"{tag} {name}=" for name, _ in element.attr_list if name.startswith("on")]
    return found


# ------------------------------------------------------------------ the policy and headers


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_public_pages_have_no_inline_script_or_style(client, seeded, language, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    add_page_states(settings.MEDIA_ROOT)
    for name, path, status in public_pages(language):
        response = client.get(path)
        assert response.status_code == status, name
        assert inline_code(response.text) == [], name


@pytest.mark.django_db
def test_public_pages_have_a_strict_policy_that_a_cached_copy_still_matches(
    client, seeded, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    add_page_states(settings.MEDIA_ROOT)
    for name, path, _status in public_pages("en"):
        first, second = client.get(path), client.get(path)  # the second from the page cache
        assert first["Content-Security-Policy"] == second["Content-Security-Policy"], name
        csp = policy(first)
        assert csp["default-src"] == ["'none'"], name
        assert csp["script-src"] == ["'self'"], name  # no nonce: nothing public runs inline
        assert csp["style-src"] == ["'self'"], name
        assert csp["object-src"] == csp["frame-ancestors"] == csp["base-uri"] == ["'none'"]
        assert csp["form-action"] == ["'self'"], name
        assert "unsafe" not in first["Content-Security-Policy"], name


@pytest.mark.django_db
def test_admin_scripts_and_styles_carry_the_nonce_of_the_policy(client, seeded):
    client.force_login(make_staff(is_superuser=True))
    item = NewsItem.objects.first()
    for path in ["/admin/news/newsitem/", f"/admin/news/newsitem/{item.pk}/change/"]:
        response = client.get(path)
        csp = policy(response)
        nonce = re.fullmatch(r"'nonce-([\w-]+)'", csp["script-src"][1])[1]
        assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
        assert csp["style-src"][:2] == ["'self'", f"'nonce-{nonce}'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        scripts = re.findall(r"<script\b[^>]*>", response.text)
        assert scripts and all(f'nonce="{nonce}"' in script for script in scripts), path
    assert nonce not in client.get(path)["Content-Security-Policy"]  # a new one each time


def printed_by_django(script, environment):
    """The words `script` prints, run after django.setup() in a new Python process with these
    environment variables: settings are read once, at start-up."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env | environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def test_images_from_media_on_another_host_are_allowed_by_the_policy():
    printed = printed_by_django(
        "from django.conf import settings; print(*settings.SECURE_CSP['img-src'])",
        {"MEDIA_URL": "https://media.example.org/roca/"},
    )
    assert printed == ["'self'", "https://media.example.org"]


@pytest.mark.django_db
def test_browser_features_the_site_does_not_use_are_switched_off(client):
    response = client.get("/en/")
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert features[feature] == "()"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
def test_only_the_api_is_shared_with_other_sites(client, seeded):
    origin = {"HTTP_ORIGIN": "https://elsewhere.example"}
    api = client.get("/api/v1/news/", **origin)
    assert api["Access-Control-Allow-Origin"] == "*"
    assert api["Cross-Origin-Resource-Policy"] == "cross-origin"
    for path in ["/en/", "/en/news/", "/admin/login/"]:
        assert "Access-Control-Allow-Origin" not in client.get(path, **origin), path


# ------------------------------------------------------------------ lockout (django-axes)


@pytest.mark.django_db
def test_five_wrong_passwords_lock_that_user_name_from_that_address(client):
    make_staff()
    make_staff("publisher")
    for _ in range(4):
        assert log_in(client, password="wrong-password").status_code == 200
    assert log_in(client, password="wrong-password").status_code == 429  # the fifth

    locked = log_in(client)  # now even the right password
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.text
    assert "wrong 5 times in a row" in locked.text and "Try again in 30 minutes" in locked.text
    assert "axes_reset_username" in locked.text
    assert "_auth_user_id" not in client.session

    assert log_in(client, "publisher").status_code == 302  # another user, same address
    client.logout()
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 302  # same user, elsewhere


@pytest.mark.django_db
def test_the_lockout_page_speaks_russian(client):
    make_staff()
    for _ in range(6):
        response = log_in(client, password="wrong-password", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 429
    assert '<html lang="ru">' in response.text
    assert "Вход временно приостановлен" in response.text


@pytest.mark.django_db
def test_a_lockout_ends_after_half_an_hour_or_when_an_administrator_lifts_it(client):
    make_staff()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            log_in(client, password="wrong-password")
        assert log_in(client).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert log_in(client).status_code == 302
    client.logout()

    for _ in range(5):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 429
    call_command("axes_reset_username", "editor", verbosity=0)
    assert log_in(client).status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_the_lockout_counts_the_clients_own_address(client, settings):
    """The TLS proxy appends the address it saw to X-Forwarded-For; what came before is the
    client's to write, so it cannot choose its way out of a lockout."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    make_staff()

    def from_client(address, forged="203.0.113.1"):
        return {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{forged}, {address}"}

    for number in range(5):
        log_in(client, password="wrong-password", **from_client("192.0.2.10", f"10.9.9.{number}"))
    assert log_in(client, **from_client("192.0.2.10", "10.9.9.9")).status_code == 429
    assert log_in(client, **from_client("198.51.100.7")).status_code == 302


# ------------------------------------------------------------------ two factors (django-otp)


@pytest.fixture
def require_2fa(settings):
    settings.ADMIN_REQUIRE_2FA = True


@pytest.mark.django_db
def test_with_two_factors_required_a_password_alone_does_not_open_the_admin(client, require_2fa):
    make_staff()
    response = log_in(client)
    assert response.status_code == 200
    assert "This account has no authenticator app yet" in response.text
    assert client.get("/admin/").status_code == 302

    client.force_login(get_user_model().objects.get(username="editor"))  # password checked
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.django_db
def test_with_two_factors_the_code_from_the_app_opens_the_admin(client, require_2fa):
    user = make_staff()
    device = TOTPDevice.objects.create(user=user, name="Phone")
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    now = time.time()

    with time_machine.travel(now, tick=False):
        response = log_in(client, otp_token=wrong)
        assert response.status_code == 200
        assert "That code is not right. Check it" in response.text
        assert client.get("/admin/").status_code == 302
        response = log_in(client, otp_token=totp_code(device))
        assert "wait a few seconds before trying again" in response.text  # after a wrong code

    with time_machine.travel(now + 2, tick=False):
        response = log_in(client, otp_token=totp_code(device))
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_new_staff_member_signs_in_once_with_a_code_and_sets_up_the_app(client, require_2fa):
    user = make_staff()
    one_time_code = add_static_token("editor").token  # what `manage.py addstatictoken` gives

    assert log_in(client, otp_token=one_time_code).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/two-factor/"
    page = client.get("/admin/two-factor/")
    assert "scan this code" in page.text and "<svg" in page.text
    assert "style=" not in page.text.split('class="two-factor-qr"')[1].split("</div>")[0]

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    now = time.time()
    with time_machine.travel(now, tick=False):
        response = client.post("/admin/two-factor/", {"token": "000000"})
        assert "That code is not right" in response.text
        response = client.post("/admin/two-factor/", {"token": totp_code(device)})
        assert "Too many wrong codes: wait a few seconds" in response.text
    with time_machine.travel(now + 2, tick=False):
        response = client.post("/admin/two-factor/", {"token": totp_code(device)})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed

    client.logout()
    assert log_in(client, otp_token=one_time_code).status_code == 200  # used up
    with time_machine.travel(now + 2 + device.step, tick=False):  # the code used is spent
        assert log_in(client, otp_token=totp_code(device)).status_code == 302


@pytest.mark.django_db
def test_without_two_factors_required_the_password_is_enough(client):
    make_staff()
    assert log_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


# ------------------------------------------------------------------ sessions and passwords


@pytest.mark.django_db
def test_a_staff_session_ends_with_the_browser_or_after_eight_hours(client):
    make_staff()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = log_in(client)
        cookie = response.cookies["sessionid"]
        assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
    with time_machine.travel(start + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + datetime.timedelta(hours=8, minutes=1), tick=False):
        assert client.get("/admin/").status_code == 302


def test_staff_passwords_have_at_least_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Kx9#mQ2$vLp")
    validate_password("Kx9#mQ2$vLp4")


# ------------------------------------------------------------------ the site as deployed


def certificate_authority(directory):
    """A throwaway CA and a certificate for 127.0.0.1 it signed, as PEM files (with the
    extensions Python's strict verification asks for)."""
    # OpenSSL (the server's, the scanner's, Python's ssl) checks validity by the real clock, which
    # pytest --travel does not move: the certificates are valid from two years before "now".
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    server_key = ec.generate_private_key(ec.SECP256R1())

    def certificate(subject, key, *extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test CA")]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=2 * 365))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical)
        return builder.sign(ca_key, hashes.SHA256())

    ca = certificate(
        "Test CA",
        ca_key,
        (x509.BasicConstraints(ca=True, path_length=0), True),
        (
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
    )
    server = certificate(
        "127.0.0.1",
        server_key,
        (x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False),
        (x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False),
    )
    pem = serialization.Encoding.PEM
    (directory / "ca.pem").write_bytes(ca.public_bytes(pem))
    (directory / "cert.pem").write_bytes(server.public_bytes(pem))
    (directory / "key.pem").write_bytes(
        server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return directory / "ca.pem"


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """The site as `make serve` runs it with production settings (HTTPS, two factors), over
    real TLS: gunicorn with a certificate from a throwaway CA, on its own SQLite database."""
    directory = tmp_path_factory.mktemp("production")
    ca = certificate_authority(directory)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    }
    env |= PRODUCTION_ENV | {
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{directory / 'db.sqlite3'}",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    manage("migrate", "--noinput", "-v0")
    manage("createsuperuser", "--noinput", "--username", "root", "--email", "root@unodc.example")
    one_time_code = manage("addstatictoken", "root")
    port = free_port()
    tls = ["--certfile", directory / "cert.pem", "--keyfile", directory / "key.pem"]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "unodc_site.wsgi", "--bind", f"127.0.0.1:{port}", *tls],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    context = create_default_context(cafile=ca)
    try:
        for _ in range(100):
            if is_listening(port):
                break
            time.sleep(0.2)
        yield {"port": port, "ca": ca, "context": context, "one_time_code": one_time_code}
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(production, method, path, body=None, headers=None):
    """One request over TLS, redirects not followed."""
    connection = HTTPSConnection("127.0.0.1", production["port"], context=production["context"])
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


SCANNER = ROOT / "node_modules" / "@mdn" / "mdn-http-observatory"


def test_the_http_observatory_grades_the_deployed_site_a_plus(production):
    if not (SCANNER / "src" / "scan.js").exists() or not shutil.which("node"):
        reason = "MDN HTTP Observatory not installed (npm ci --ignore-scripts)"
        if running_in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Its install script downloads the HSTS preload list; installed without scripts, it needs
    # the file to exist (an empty list: the site does not count on being preloaded).
    preload = SCANNER / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}")
    # scan.js itself: the package's wrapper would replace NODE_EXTRA_CA_CERTS with its own.
    # It asks for https:// and http:// on the one port; the TLS port refuses plain HTTP, which
    # the scanner counts as "no HTTP to redirect" (the redirect has its own test below).
    result = subprocess.run(
        ["node", SCANNER / "src" / "scan.js", f"127.0.0.1:{production['port']}"],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": str(production["ca"])},
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(result.stdout)
    failed = {name: test["result"] for name, test in report["tests"].items() if not test["pass"]}
    assert failed == {}
    assert report["scan"]["grade"] == "A+", report["scan"]
    assert report["scan"]["score"] >= 120
    results = {name: test["result"] for name, test in report["tests"].items()}
    assert results["content-security-policy"] == "csp-implemented-with-no-unsafe-default-src-none"
    assert results["strict-transport-security"] == "hsts-implemented-max-age-at-least-six-months"
    assert results["x-frame-options"] == "x-frame-options-implemented-via-csp"


def test_the_deployed_site_sends_hsts_and_only_secure_cookies(production):
    response = fetch(production, "GET", "/admin/login/")
    hsts = response.headers["Strict-Transport-Security"]
    assert int(re.search(r"max-age=(\d+)", hsts)[1]) >= 183 * 24 * 3600
    assert "includeSubDomains" in hsts
    csrf_cookie = response.headers["Set-Cookie"]
    assert all(flag in csrf_cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax"))
    assert "Set-Cookie" not in fetch(production, "GET", "/en/").headers  # the public sets none

    csrf_token = SimpleCookie(csrf_cookie)["csrftoken"].value
    form = {
        "csrfmiddlewaretoken": csrf_token,
        "username": "root",
        "password": PASSWORD,
        "otp_token": production["one_time_code"],
        "next": "/admin/",
    }
    origin = f"https://127.0.0.1:{production['port']}"
    response = fetch(
        production,
        "POST",
        "/admin/login/",
        body=urllib.parse.urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_token}",
            "Origin": origin,
            "Referer": f"{origin}/admin/login/",
        },
    )
    assert response.status == 302 and response.headers["Location"] == "/admin/"
    session = [c for c in response.headers.get_all("Set-Cookie") if c.startswith("sessionid=")]
    assert all(flag in session[0] for flag in ("Secure", "HttpOnly", "SameSite=Lax"))
    assert "expires" not in session[0].lower()  # it ends when the browser closes


def test_production_redirects_plain_http_to_https():
    printed = printed_by_django(
        "from django.test import Client; "
        "r = Client().get('/en/news/', HTTP_HOST='roca.example.org'); "
        "print(r.status_code, r['Location'])",
        {**PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "unodc_site.settings"},
    )
    assert printed == ["301", "https://roca.example.org/en/news/"]


# ------------------------------------------------------------------ in Chromium


def policy_messages(page):
    """Console messages about the Content Security Policy or the Permissions-Policy, any level."""
    messages = []
    page.on(
        "console",
        lambda message: (
            re.search(r"Content[ -]Security[ -]Policy|Permissions[ -]Policy", message.text, re.I)
            and messages.append(f"{page.url}: {message.text}")
        ),
    )
    return messages


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_admin_works_under_the_policy_without_a_violation(site, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "photo.png"
    Image.new("RGB", (640, 360), "darkgreen").save(photo)
    messages = policy_messages(page)
    get_user_model().objects.create_superuser("root", "root@unodc.example", PASSWORD)
    item = NewsItem.objects.get(slug="2018-annual-report-together-making-the-region-safer")
    news = f"{site}/admin/news/newsitem"

    page.goto(f"{site}/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Content")).to_be_visible()

    page.goto(f"{news}/")
    page.locator("#action-toggle").check()  # the admin's own JavaScript selects every row
    expect(page.locator(".action-counter")).to_contain_text("selected")

    page.goto(f"{news}/{item.pk}/change/")
    expect(page.locator(".datetimeshortcuts").first).to_be_visible()  # the admin's calendar
    editor = page.locator(".field-body_en [contenteditable=true].ProseMirror")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Checked under the policy.")
    with page.expect_popup() as opened:  # the media library, from the image chooser
        page.get_by_role("link", name="Upload a new image").click()
    library = opened.value
    library.locator("#id_file").set_input_files(photo)
    library.locator("#id_alt_text_en").fill("A green rectangle")
    with library.expect_event("close"):
        library.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".image-chooser-chosen figcaption")).to_have_text("photo")
    page.get_by_label("Comment:").fill("Checked under the policy, published at once.")
    page.get_by_role("button", name="Publish without review").click()
    expect(page.locator(".messagelist")).to_contain_text("is live without review")
    item.refresh_from_db()
    assert "Checked under the policy." in item.body

    page.goto(f"{news}/{item.pk}/history/")
    page.get_by_role("link", name="Compare two revisions").click()
    expect(page.get_by_text("Fields that differ")).to_be_visible()

    page.goto(f"{news}/{item.pk}/preview/")
    expect(page.get_by_text("Preview — not published")).to_be_visible()
    image = page.get_by_role("img", name="A green rectangle")
    expect(image).to_be_visible()
    assert image.evaluate("image => image.naturalWidth") > 0  # loaded, not refused

    image = LibraryImage.objects.get()
    page.goto(f"{site}/admin/images/image/{image.pk}/change/")
    page.locator(".focal-preview img").click(position={"x": 10, "y": 10})  # the focal point
    expect(page.locator("#id_focal_x")).not_to_have_value("50")

    page.goto(f"{site}/admin/two-factor/")
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()

    page.goto(f"{site}/admin/programmes/programme/")
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("[contenteditable=true].ProseMirror").first).to_be_visible()
    assert messages == [], "\n".join(messages)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_and_their_json_ld_raise_no_violation(site, page):
    messages = policy_messages(page)
    for path in [
        "/en/",
        "/en/news/2018-annual-report-together-making-the-region-safer/",
        "/ru/programmes/programme-for-central-asia-2015-2019/",
        "/en/countries/kazakhstan/",
        "/api/",
    ]:
        page.goto(f"{site}{path}")
        expect(page.locator("h1")).to_be_visible()
    page.goto(f"{site}/en/news/2018-annual-report-together-making-the-region-safer/")
    assert page.locator('script[type="application/ld+json"]').count() >= 1
    assert messages == [], "\n".join(messages)
    assert page.problems.all() == []


@pytest.mark.django_db
def test_a_very_long_user_name_is_a_failed_login_not_a_500(client):
    client.raise_request_exception = False
    response = client.post(
        "/admin/login/", {"username": "x" * 1000, "password": "wrong", "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.text
