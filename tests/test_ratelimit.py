"""Per-client rate limits (Flask-Limiter): in memory for one process, in Redis shared by every
worker and instance, in memory again while Redis is away; the client is the address the
trusted proxy saw.

Flask-Limiter's fixed windows start at a client's first request, so no test races a
window's end; the one that crosses a window moves a fake clock instead of sleeping.
Several instances sharing Redis for real: tests/test_instances.py.
"""

from __future__ import annotations

import logging
import re
import time

import pytest

from tests.conftest import REDIS, add_event
from tests.helpers import PRE_APPLICATION, QUESTION, service_rows, wait_for
from tests.tcp_proxy import TcpProxy

ELIGIBILITY = "/api/heating-grant/eligibility"
SIGN_UPS = "/api/events/assemblea/registrations"
TOO_MANY = {
    "it": "Troppi invii in poco tempo. Aspetta un minuto e riprova.",
    "en": "Too many submissions in a short time. Wait a minute and try again.",
}


def person(i: int) -> dict:
    return {"full_name": f"Persona {i}", "phone": f"035 {100000 + i}", "people": 1, "consent": True}


@pytest.fixture
def make_app(project, tmp_path):
    from forms_service import create_app

    add_event(project)

    def make(limits: str, redis_url: str = "", **settings):
        app = create_app(
            {
                "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'rate.sqlite3'}",
                "PORTAL_RATE_LIMITS": limits,
                "PORTAL_REDIS_URL": redis_url,
                "PORTAL_SECRET_KEY": "test-secret",
                **settings,
            },
            root=project,
        )
        app.config["TESTING"] = True
        return app

    return make


class FakeClock:
    """Stands for ``time`` in limits' memory storage: windows pass when the test says so."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    import limits.storage.memory

    from forms_service.web import ratelimit

    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(ratelimit, "time", fake)
    return fake


def assert_limited(response, lang: str = "it", most: int = 60) -> int:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["code"] == "rate_limited"
    assert body["error"]["message"] == TOO_MANY[lang]
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= most
    assert "Content-Security-Policy" in response.headers
    return retry_after


def count(app, table: str) -> int:
    return service_rows(app, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]


def test_fourth_post_in_a_minute_is_429(make_app):
    client = make_app("post=3/minute").test_client()
    for _ in range(3):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert_limited(client.post(f"{ELIGIBILITY}?lang=en", json=QUESTION), "en")
    assert_limited(client.post(ELIGIBILITY, json=QUESTION))
    assert_limited(client.post(f"{ELIGIBILITY}?lang=xx", json=QUESTION))
    # Every kind of POST counts, and is refused before anything is stored.
    assert client.post(SIGN_UPS, json=person(1)).status_code == 429
    # Reading is not limited by the post limit; another client has its own count.
    assert client.get("/api/events").status_code == 200
    other = client.post(ELIGIBILITY, json=QUESTION, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_nothing_is_stored_when_limited(make_app):
    app = make_app("post=1/minute")
    client = app.test_client()
    assert client.post(SIGN_UPS, json=person(1)).status_code == 201
    assert client.post(SIGN_UPS, json=person(2)).status_code == 429
    assert count(app, "registrations") == 1


def test_get_limit(make_app):
    client = make_app("post=3/minute,get=5/minute").test_client()
    for _ in range(5):
        assert client.get("/api/health").status_code == 200
    assert_limited(client.get("/api/events?lang=en"), "en")
    assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200


def test_a_window_ends_and_retry_after_counts_down(make_app, clock):
    client = make_app("post=3/minute").test_client()
    for _ in range(3):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert assert_limited(client.post(ELIGIBILITY, json=QUESTION)) == 60
    clock.now += 45
    assert assert_limited(client.post(ELIGIBILITY, json=QUESTION)) == 15
    clock.now += 16
    assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200


@pytest.mark.parametrize("limits", ["off", "OFF", " off ", ""])
def test_off_never_limits(make_app, limits):
    app = make_app(limits)
    client = app.test_client()
    for _ in range(40):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
        assert client.get("/api/health").status_code == 200
    for i in range(12):  # no submit limit either
        assert client.post(SIGN_UPS, json=person(i)).status_code == 201
    assert count(app, "registrations") == 12


@pytest.mark.parametrize(
    "limits", ["post=lots", "post=3/fortnight", "post:3/minute", "fetch=3/minute", "submit=-1/hour"]
)
def test_unreadable_limits_stop_the_start(make_app, limits):
    with pytest.raises(ValueError, match="PORTAL_RATE_LIMITS"):
        make_app(limits)


# --- the stricter limit on what creates a sign-up or a pre-application ------------------------


def test_submissions_share_a_stricter_limit_counted_when_they_create(make_app, clock):
    app = make_app("post=30/minute,submit=3/minute,submit=4/hour")
    client = app.test_client()
    # Mistakes do not count: a resident correcting the form is never held back.
    for _ in range(5):
        assert client.post(SIGN_UPS, json={"people": 1}).status_code == 422
    assert client.post(SIGN_UPS, json=person(1)).status_code == 201
    again = client.post(SIGN_UPS, json=person(2), headers={"Idempotency-Key": "k" * 20})
    assert again.status_code == 201
    replay = client.post(SIGN_UPS, json=person(2), headers={"Idempotency-Key": "k" * 20})
    assert replay.headers["Idempotent-Replayed"] == "true"  # a retry: not counted again
    # The grant's pre-application counts in the same limit as the sign-ups.
    grant = "/api/heating-grant/pre-applications"
    assert client.post(grant, json=PRE_APPLICATION).status_code == 201
    assert_limited(client.post(grant, json=PRE_APPLICATION))
    assert_limited(client.post(f"{SIGN_UPS}?lang=en", json=person(3)), "en")
    # The same client may still post anything else, and another client may sign up.
    assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
    other = {"REMOTE_ADDR": "10.0.0.9"}
    assert client.post(SIGN_UPS, json=person(4), environ_base=other).status_code == 201
    # The minute passes; the hour's fourth one is the last.
    clock.now += 61
    assert client.post(SIGN_UPS, json=person(5)).status_code == 201
    assert assert_limited(client.post(SIGN_UPS, json=person(6)), most=3600) > 60
    assert count(app, "registrations") == 4 and count(app, "pre_applications") == 1


def test_the_html_sign_up_form_gets_the_429_page_in_its_language(make_app):
    client = make_app("submit=1/minute").test_client()
    form = {"full_name": "Anna Bianchi", "phone": "035 123456", "people": "1", "consent": "on"}
    first = client.post("/moduli/it/eventi/assemblea/", data={**form, "submission_id": "a" * 36})
    assert first.status_code == 303
    second = client.post(
        "/moduli/en/eventi/assemblea/",
        data={**form, "phone": "035 654321", "submission_id": "b" * 36},
    )
    assert second.status_code == 429 and second.mimetype == "text/html"
    assert TOO_MANY["en"] in second.get_data(as_text=True)
    assert 1 <= int(second.headers["Retry-After"]) <= 60


def test_the_grant_send_step_counts_in_the_same_limit(make_app):
    from tests.test_forms_html import answer_all, fill_details, send

    app = make_app("submit=1/minute")
    answers = []
    for lang in ("it", "en"):
        client = app.test_client()  # a new resident's session, from the same address
        answer_all(client, lang)
        answers.append(send(client, lang, fill_details(client, lang)))
    assert answers[0].status_code == 303
    assert answers[1].status_code == 429 and TOO_MANY["en"] in answers[1].get_data(as_text=True)
    assert count(app, "pre_applications") == 1


# --- Redis -------------------------------------------------------------------------------------


def limit_keys(redis_db) -> dict[str, int]:
    return {k.decode(): int(redis_db.get(k)) for k in redis_db.scan_iter("LIMITS:*")}


def test_redis_holds_the_counts(make_app, redis_db):
    client = make_app("post=3/minute", REDIS).test_client()
    for _ in range(2):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
    keys = limit_keys(redis_db)
    assert list(keys.values()) == [2]
    (key,) = keys
    assert key.startswith("LIMITS:LIMITER/portal/127.0.0.1/post/3/1/minute")
    assert 0 < redis_db.ttl(key) <= 60  # counters expire on their own
    redis_db.incr(key)  # another instance counted one more
    assert_limited(client.post(f"{ELIGIBILITY}?lang=en", json=QUESTION), "en")


def test_redis_off_limits_ignore_redis(make_app, redis_db):
    client = make_app("off", REDIS).test_client()
    for i in range(10):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
        assert client.post(SIGN_UPS, json=person(i)).status_code == 201
    assert limit_keys(redis_db) == {}


def said(caplog) -> list[str]:
    """The limiter's switches, as logged (at WARNING: operators see them)."""
    return [
        re.sub(r"rate limits: (Redis [a-z ]+);.*", r"\1", record.getMessage())
        for record in caplog.records
        if record.name == "forms_service.ratelimit" and record.levelno == logging.WARNING
    ]


def timed(client, *args, **kwargs):
    start = time.perf_counter()
    response = client.post(*args, **kwargs)
    return response.status_code, time.perf_counter() - start


@pytest.mark.parametrize("failure", ["blackhole", "refuse"])
def test_redis_away_counts_in_the_process_without_delay(make_app, redis_db, caplog, failure):
    caplog.set_level(logging.INFO, logger="forms_service.ratelimit")
    with TcpProxy("127.0.0.1", 6379) as proxy:
        url = f"redis://127.0.0.1:{proxy.port}/15"
        client = make_app("post=6/minute,get=600/minute", url).test_client()
        assert [timed(client, ELIGIBILITY, json=QUESTION)[0] for _ in range(2)] == [200, 200]
        assert list(limit_keys(redis_db).values()) == [2]

        getattr(proxy, failure)()
        answers = [timed(client, ELIGIBILITY, json=QUESTION) for _ in range(8)]
        # The first request finds Redis gone within the short timeout; the others do not wait
        # (but for an occasional check whether it is back, as short).
        assert max(seconds for _, seconds in answers) < 0.6, answers
        assert sum(seconds for _, seconds in answers) < 1.5, answers
        # The limits still hold, counted in the process from the switch on.
        assert [status for status, _ in answers] == [200] * 6 + [429] * 2
        assert said(caplog) == ["Redis does not answer"]

        proxy.heal()
        wait_for(
            lambda: client.get("/api/events") and len(said(caplog)) == 2,
            timeout=40,
            interval=0.05,
        )
        redis_db.delete(*redis_db.scan_iter("LIMITS:*"))
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200  # Redis counts again
        assert list(limit_keys(redis_db).values()) == [1]
    assert said(caplog) == ["Redis does not answer", "Redis answers again"]


# --- behind a proxy ----------------------------------------------------------------------------

NGINX = {"REMOTE_ADDR": "127.0.0.1"}  # the proxy, on the same machine


def test_the_client_is_the_address_the_proxy_appended(make_app):
    client = make_app("post=2/minute", PORTAL_PROXY_HOPS="1").test_client()

    def post(forwarded_for: str):
        headers = {"X-Forwarded-For": forwarded_for}
        return client.post(ELIGIBILITY, json=QUESTION, headers=headers, environ_base=NGINX)

    # What the client wrote before nginx's own entry changes nothing: one client, one count.
    assert post("1.1.1.1, 203.0.113.7").status_code == 200
    assert post("2.2.2.2, 203.0.113.7").status_code == 200
    assert_limited(post("3.3.3.3, 203.0.113.7"))
    assert post("203.0.113.8").status_code == 200  # another client behind the same proxy
    # Without the proxy setting, the header is the client's own to forge: ignored.
    direct = make_app("post=1/minute").test_client()
    headers = {"X-Forwarded-For": "9.9.9.9"}
    assert direct.post(ELIGIBILITY, json=QUESTION, headers=headers).status_code == 200
    headers = {"X-Forwarded-For": "9.9.9.8"}
    assert_limited(direct.post(ELIGIBILITY, json=QUESTION, headers=headers))


def test_a_forged_forwarded_host_changes_nothing(make_app):
    client = make_app("off", PORTAL_PROXY_HOPS="1").test_client()
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    form = {"full_name": "Anna Bianchi", "phone": "035 123456", "people": "1", "consent": "on"}
    answer = client.post(
        "/moduli/it/eventi/assemblea/",
        data={**form, "submission_id": "c" * 36},
        headers=forged,
        environ_base=NGINX,
    )
    assert answer.status_code == 303
    assert "evil.example" not in answer.headers["Location"]
    page = client.get(answer.headers["Location"], headers=forged, environ_base=NGINX)
    shown = page.get_data(as_text=True)
    assert "evil.example" not in shown
    # The private link is on the service's own host; the scheme nginx reports is trusted.
    assert re.search(r"https://localhost/moduli/it/iscrizione/E-", shown), shown
    # The origin check, too, compares with the real host.
    evil = {**forged, "Origin": "https://evil.example"}
    refused = client.post(ELIGIBILITY, json=QUESTION, headers=evil, environ_base=NGINX)
    assert refused.status_code == 403
    own = {**forged, "Origin": "https://localhost"}
    assert (
        client.post(ELIGIBILITY, json=QUESTION, headers=own, environ_base=NGINX).status_code == 200
    )
