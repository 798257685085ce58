#!/usr/bin/env python3
"""Send HTTP GET requests at set times, concurrently, and time each answer.

    tests/cli/timed_requests.py [--timeout S] BASE_URL DELAY:PATH...

Each DELAY:PATH is sent DELAY seconds after the start (each in its own
thread, on its own connection).  Prints one JSON list, in the order given:
{"path", "sent_s", "status" (0 when no answer), "seconds", "body"}.
Used by tests/cli/shards.sh (a hung shard) and by hand for
docs/performance.md.
"""
import json
import sys
import threading
import time
import urllib.error
import urllib.request


def main():
    args = sys.argv[1:]
    timeout = 120.0
    if len(args) >= 2 and args[0] == "--timeout":
        timeout = float(args[1])
        args = args[2:]
    base, specs = args[0].rstrip("/"), args[1:]
    out = [None] * len(specs)
    t0 = time.monotonic()

    def one(i, delay, path):
        time.sleep(max(0.0, t0 + delay - time.monotonic()))
        start = time.monotonic()
        status, body = 0, ""
        try:
            with urllib.request.urlopen(base + path, timeout=timeout) as r:
                status, body = r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read().decode("utf-8", "replace")
        except Exception as e:  # no answer: timeout, reset...
            body = str(e)
        out[i] = {"path": path, "sent_s": round(start - t0, 3),
                  "status": status,
                  "seconds": round(time.monotonic() - start, 3),
                  "body": body[:300]}

    threads = []
    for i, spec in enumerate(specs):
        delay, path = spec.split(":", 1)
        t = threading.Thread(target=one, args=(i, float(delay), path))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
