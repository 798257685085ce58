#!/usr/bin/env python3
"""Slow clients against `query --serve`, and a normal client meanwhile.

Opens --slow connections that send a request line, then one header line
every --interval seconds and never finish their headers, and --silent
connections that send nothing, spread over --addrs loopback source
addresses (127.0.0.2, 127.0.0.3, ...).  While they are open, sends --probes
requests (GET PATH) from 127.0.0.1, one every --probe-every seconds, each
with a --probe-timeout, and notes how long each took.  Stops after
--duration seconds, or once the server has closed every slow and silent
connection.  Prints one JSON object: how many connections the server
accepted, how many probes were answered and how fast, and when the server
dropped the slow and silent connections (seconds after they opened).

Used by tests/cli/limits.sh, and by hand for the figures in
docs/performance.md:  tests/cli/slowloris.py --port PORT [options]
"""
import argparse
import json
import selectors
import socket
import statistics
import time


def parse():
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("--port", type=int, required=True)
    a.add_argument("--slow", type=int, default=400)
    a.add_argument("--silent", type=int, default=200)
    a.add_argument("--addrs", type=int, default=10)
    a.add_argument("--interval", type=float, default=2.0)
    a.add_argument("--probes", type=int, default=5)
    a.add_argument("--probe-every", type=float, default=1.0)
    a.add_argument("--probe-timeout", type=float, default=1.0)
    a.add_argument("--probe-path", default="/search?q=eglise")
    a.add_argument("--duration", type=float, default=40.0)
    return a.parse_args()


class Conn:
    def __init__(self, sock, slow, t0):
        self.sock, self.slow, self.t0 = sock, slow, t0
        self.closed_after = None  # seconds after opening, when dropped
        self.last_sent = t0


def open_conns(args, sel):
    conns = []
    refused = 0
    n = args.slow + args.silent
    for i in range(n):
        src = "127.0.0.%d" % (2 + i % max(args.addrs, 1))
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((src, 0))
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", args.port))
        except OSError:
            refused += 1
            s.close()
            continue
        s.setblocking(False)
        slow = i < args.slow
        c = Conn(s, slow, time.monotonic())
        if slow:
            try:
                s.send(b"GET /search?q=eglise HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                pass
        sel.register(s, selectors.EVENT_READ, c)
        conns.append(c)
    return conns, refused


def probe(args):
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", args.port),
                                     timeout=args.probe_timeout,
                                     source_address=("127.0.0.1", 0))
        s.settimeout(max(args.probe_timeout - (time.monotonic() - t0), 0.01))
        s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\n\r\n" % args.probe_path).encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    except (OSError, ValueError, IndexError):
        status = 0
    return status, time.monotonic() - t0


def pump(conns, sel, args, now):
    """Read what the server sent (EOF: it dropped the connection) and
    trickle one header line on each slow connection that is due."""
    for key, _ in sel.select(timeout=0.05):
        c = key.data
        try:
            got = c.sock.recv(4096)
        except BlockingIOError:
            continue
        except OSError:
            got = b""
        if not got:
            c.closed_after = now - c.t0
            sel.unregister(c.sock)
            c.sock.close()
    for c in conns:
        if c.slow and c.closed_after is None and now - c.last_sent >= args.interval:
            c.last_sent = now
            try:
                c.sock.send(b"X-Slow: 1\r\n")
            except OSError:
                pass


def summary(xs):
    if not xs:
        return None
    return {"min": round(min(xs), 3), "median": round(statistics.median(xs), 3),
            "max": round(max(xs), 3)}


def main():
    args = parse()
    sel = selectors.DefaultSelector()
    conns, refused = open_conns(args, sel)
    start = time.monotonic()
    probes = []
    next_probe = start + args.probe_every
    while True:
        now = time.monotonic()
        if len(probes) < args.probes and now >= next_probe:
            probes.append(probe(args))
            next_probe = time.monotonic() + args.probe_every
            continue
        pump(conns, sel, args, now)
        open_left = sum(1 for c in conns if c.closed_after is None)
        if now - start >= args.duration or (len(probes) == args.probes and open_left == 0):
            break
    ok = [t for st, t in probes if 200 <= st < 500]
    slow_closed = [c.closed_after for c in conns if c.slow and c.closed_after is not None]
    silent_closed = [c.closed_after for c in conns if not c.slow and c.closed_after is not None]
    # a connection the server closed at once was refused, not served
    print(json.dumps({
        "connections": len(conns) + refused,
        "connect_refused": refused,
        "closed_at_once": sum(1 for c in conns if c.closed_after is not None and c.closed_after < 0.2),
        "probes": len(probes),
        "answered": len(ok),
        "statuses": [st for st, _ in probes],
        "latency_s": summary(ok),
        "slow_open": args.slow,
        "slow_dropped": len(slow_closed),
        "slow_dropped_after_s": summary(slow_closed),
        "silent_open": args.silent,
        "silent_dropped": len(silent_closed),
        "silent_dropped_after_s": summary(silent_closed),
        "still_open": sum(1 for c in conns if c.closed_after is None),
        "seconds": round(time.monotonic() - start, 1),
    }))
    for c in conns:
        if c.closed_after is None:
            c.sock.close()


if __name__ == "__main__":
    main()
