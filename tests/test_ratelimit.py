"""Per-client rate limits: in memory for one process, in Redis shared by several workers.

Limits count fixed windows. Each app's limiter reads a fixed clock, five seconds into a
window, so no test races the minute's end or sleeps into the next one.
"""

from __future__ import annotations

import pytest

from tests.conftest import REDIS, add_event

ELIGIBILITY = "/api/heating-grant/eligibility"
QUESTION = {
    "tenancy_start": "2020-01-15",
    "heating": "centralized",
    "band": "accesso",
    "isee": "12.345,67",
    "arrears": False,
}


WINDOW_START = 1_800_000_000  # a whole hour, so also the start of a minute's window


def fixed_clock() -> float:
    return WINDOW_START + 5.0


@pytest.fixture
def make_app(project, tmp_path):
    from forms_service import create_app

    add_event(project)

    def make(limits: str, redis_url: str = ""):
        app = create_app(
            {
                "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'rate.sqlite3'}",
                "PORTAL_RATE_LIMITS": limits,
                "PORTAL_REDIS_URL": redis_url,
                "PORTAL_SECRET_KEY": "test-secret",
            },
            root=project,
        )
        app.config["TESTING"] = True
        app.extensions["portal_rate_limiter"].clock = fixed_clock
        return app

    return make


@pytest.fixture
def redis_db():
    """Redis db 15 with no rate-limit counters; fails (never skips) when Redis is down."""
    import redis

    client = redis.Redis.from_url(REDIS, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS}: {exc}")

    def flush():
        keys = list(client.scan_iter("portal:rate:*"))
        if keys:
            client.delete(*keys)

    flush()
    yield client
    flush()
    client.close()


def assert_limited(response, lang_text: str):
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"]["code"] == "rate_limited"
    assert body["error"]["message"] == lang_text
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert "Content-Security-Policy" in response.headers


def test_fourth_post_in_a_minute_is_429(make_app):
    client = make_app("post=3/minute").test_client()
    for _ in range(3):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert_limited(
        client.post(f"{ELIGIBILITY}?lang=en", json=QUESTION),
        "Too many submissions in a short time. Wait a minute and try again.",
    )
    assert_limited(
        client.post(ELIGIBILITY, json=QUESTION),
        "Troppi invii in poco tempo. Aspetta un minuto e riprova.",
    )
    assert_limited(
        client.post(f"{ELIGIBILITY}?lang=xx", json=QUESTION),
        "Troppi invii in poco tempo. Aspetta un minuto e riprova.",
    )
    # Every kind of POST counts, and is refused before anything is stored.
    response = client.post(
        "/api/events/assemblea/registrations",
        json={"full_name": "Anna", "email": "a@example.it", "people": 1, "consent": True},
    )
    assert response.status_code == 429
    # Reading is not limited by the post limit; another client has its own count.
    assert client.get("/api/events").status_code == 200
    other = client.post(ELIGIBILITY, json=QUESTION, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_nothing_is_stored_when_limited(make_app):
    app = make_app("post=1/minute")
    client = app.test_client()
    person = {"full_name": "Anna Bianchi", "email": "a@example.it", "people": 1, "consent": True}
    assert client.post("/api/events/assemblea/registrations", json=person).status_code == 201
    assert client.post("/api/events/assemblea/registrations", json=person).status_code == 429
    db = app.extensions["portal_db"]
    conn = db.connect()
    try:
        assert db.one(conn, "SELECT COUNT(*) AS n FROM registrations")["n"] == 1
    finally:
        conn.close()


def test_get_limit(make_app):
    client = make_app("post=3/minute,get=5/minute").test_client()
    for _ in range(5):
        assert client.get("/api/health").status_code == 200
    assert_limited(
        client.get("/api/events?lang=en"),
        "Too many submissions in a short time. Wait a minute and try again.",
    )
    assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200


@pytest.mark.parametrize("limits", ["off", "OFF", " off ", ""])
def test_off_never_limits(make_app, limits):
    client = make_app(limits).test_client()
    for _ in range(40):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
        assert client.get("/api/health").status_code == 200


@pytest.mark.parametrize("limits", ["post=lots", "post=3/fortnight", "post:3/minute"])
def test_unreadable_limits_stop_the_start(make_app, limits):
    with pytest.raises(ValueError, match="PORTAL_RATE_LIMITS"):
        make_app(limits)


def test_redis_shares_counts_between_workers(make_app, redis_db):
    first = make_app("post=3/minute", REDIS).test_client()
    second = make_app("post=3/minute", REDIS).test_client()  # another worker, same Redis
    assert first.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert second.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert first.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert_limited(
        second.post(f"{ELIGIBILITY}?lang=en", json=QUESTION),
        "Too many submissions in a short time. Wait a minute and try again.",
    )
    assert_limited(
        first.post(ELIGIBILITY, json=QUESTION),
        "Troppi invii in poco tempo. Aspetta un minuto e riprova.",
    )
    keys = [k.decode() for k in redis_db.scan_iter("portal:rate:*")]
    assert len(keys) == 1 and keys[0].startswith("portal:rate:post:127.0.0.1:")
    assert 0 < redis_db.ttl(keys[0]) <= 120  # counters expire on their own
    # Without Redis, each worker counts alone: the same traffic is not limited.
    alone = make_app("post=3/minute").test_client()
    assert alone.post(ELIGIBILITY, json=QUESTION).status_code == 200


def test_redis_off_limits_ignore_redis(make_app, redis_db):
    client = make_app("off", REDIS).test_client()
    for _ in range(10):
        assert client.post(ELIGIBILITY, json=QUESTION).status_code == 200
    assert list(redis_db.scan_iter("portal:rate:*")) == []
