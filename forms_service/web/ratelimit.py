"""Per-client rate limits without third parties: fixed windows counted in memory or Redis.

``PORTAL_RATE_LIMITS`` reads like ``post=20/minute,get=300/minute``; ``off`` turns
them off (benchmarks). With several workers, set ``PORTAL_REDIS_URL`` so they
share the counters.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("forms_service.ratelimit")
PERIODS = {"second": 1, "minute": 60, "hour": 3600}


@dataclass(frozen=True)
class Limit:
    kind: str  # "post" or "get"
    count: int
    seconds: int


def parse_limits(text: str) -> tuple[Limit, ...]:
    text = (text or "").strip().lower()
    if text in ("", "off", "none", "0"):
        return ()
    limits = []
    for part in text.split(","):
        try:
            kind, rate = part.strip().split("=")
            count, period = rate.split("/")
            limits.append(Limit(kind.strip(), int(count), PERIODS[period.strip()]))
        except (ValueError, KeyError) as exc:
            raise ValueError(
                f"PORTAL_RATE_LIMITS: cannot read {part!r}; write it like "
                "post=20/minute,get=300/minute, or off"
            ) from exc
    return tuple(limits)


class MemoryCounter:
    def __init__(self):
        self._counts: dict = {}
        self._lock = threading.Lock()

    def hit(self, key: str, seconds: int, now: float) -> int:
        window = int(now // seconds)
        with self._lock:
            if len(self._counts) > 100_000:  # forget old windows instead of growing forever
                self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
            count = self._counts.get((key, window), 0) + 1
            self._counts[(key, window)] = count
        return count


class RedisCounter:
    def __init__(self, url: str):
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2)

    def hit(self, key: str, seconds: int, now: float) -> int:
        window = int(now // seconds)
        name = f"portal:rate:{key}:{window}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, seconds * 2)
        return pipe.execute()[0]


class RateLimiter:
    def __init__(
        self, limits: tuple[Limit, ...], redis_url: str = "", clock: Callable[[], float] = time.time
    ):
        self.limits = limits
        self.clock = clock  # tests put a fixed time here instead of sleeping into a new window
        self.counter = RedisCounter(redis_url) if redis_url and limits else MemoryCounter()

    def retry_after(self, client: str, method: str) -> int:
        """0 when the request may go on; otherwise the seconds to wait."""
        kind = "get" if method in ("GET", "HEAD", "OPTIONS") else "post"
        now = self.clock()
        for limit in self.limits:
            if limit.kind != kind:
                continue
            try:
                count = self.counter.hit(f"{kind}:{client}", limit.seconds, now)
            except Exception as exc:  # noqa: BLE001 - Redis down must not take the forms down
                log.warning(
                    "rate limiter unavailable (%s); letting the request through", type(exc).__name__
                )
                return 0
            if count > limit.count:
                return limit.seconds - int(now) % limit.seconds
        return 0
