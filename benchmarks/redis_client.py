"""Does one redis client per connection pool (caching.backend.OneClientPerPool) still pay?

Django's Redis backend builds a `redis.Redis` for every operation. This times `cache.get_many`
round trips to the local Redis through ResilientRedisCache, with Django's client class and with
OneClientPerPool, alternating round by round, and prints the medians of the rounds (CPU and
wall time per round trip). A warm lesson makes two round trips (benchmarks/README.md). Run from
the project folder (Redis database 12 unless told; the keys it writes are deleted):

    .venv/bin/python -m benchmarks.redis_client [--trips 20000] [--rounds 7] [--db 12]
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.common import announce, setup_django

KEYS = ["version:pages", "version:user:1", "version:admin-access", "session", "user:1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trips", type=int, default=20000, help="round trips per round")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of each client")
    parser.add_argument("--db", type=int, default=12, help="the Redis database to use")
    options = parser.parse_args()
    setup_django("elearning.settings.test")
    from django.core.cache.backends.redis import RedisCacheClient

    from elearning.infrastructure.caching.backend import OneClientPerPool, ResilientRedisCache

    def backend(client_class):
        cache = ResilientRedisCache(f"redis://127.0.0.1:6379/{options.db}", {})
        cache._class = client_class
        return cache

    caches = {"Django's": backend(RedisCacheClient), "one per pool": backend(OneClientPerPool)}
    cpu: dict[str, list[float]] = {name: [] for name in caches}
    wall: dict[str, list[float]] = {name: [] for name in caches}
    announce()
    caches["Django's"].set_many({key: "x" * (2000 if key == "user:1" else 20) for key in KEYS})
    try:
        for _ in range(options.rounds):
            for name, cache in caches.items():
                cache.get_many(KEYS)  # its connection open before the clock starts
                started, started_cpu = time.perf_counter(), time.process_time()
                for _ in range(options.trips):
                    cache.get_many(KEYS)
                cpu[name].append((time.process_time() - started_cpu) / options.trips * 1e6)
                wall[name].append((time.perf_counter() - started) / options.trips * 1e6)
    finally:
        caches["Django's"].delete_many(KEYS)

    print(f"{options.trips} get_many of {len(KEYS)} keys a round, {options.rounds} rounds each")
    for name in caches:
        rounds = ", ".join(f"{value:.0f}" for value in cpu[name])
        print(
            f"{name:>12} client: CPU {statistics.median(cpu[name]):.1f} µs, wall "
            f"{statistics.median(wall[name]):.1f} µs a round trip (medians; CPU by round {rounds})"
        )
    saved = statistics.median(cpu["Django's"]) - statistics.median(cpu["one per pool"])
    print(f"one per pool saves {saved:.1f} µs of CPU a round trip, {2 * saved:.0f} µs a lesson")


if __name__ == "__main__":
    main()
