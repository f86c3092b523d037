"""What one caller holding connections costs `roster serve` (issue 34, #1): prints figures, asserts nothing.

    ROSTER_BIN=.build/release/roster python3 Tests/Security/bench_slow_clients.py [--seconds 20] [--connections 2000]
        [--limits PER_ADDRESS,HEAD_SECONDS]

A fresh server with the default limits (256 connections per address, 10 s for a request's head)
on a free loopback port. From 127.0.0.2, an attacker keeps 2,000 connections open that start a
request and never finish its head: each one the server closes is opened again at once, for the
whole run. From 127.0.0.1, a client asks `/healthz` every 50 ms. Printed: the /healthz latency
(p50, p99, max, failures), the attacker's connections the server held at most, how many it opened
in all, and the server's resident memory (idle, then at its peak). Bounded: it stops after
`--seconds` and closes everything. `--limits 100000,300` shows the same load without the limits
to compare.
"""
import argparse
import os
import selectors
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time

ROSTER = os.environ.get("ROSTER_BIN", ".build/release/roster")
PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


def memory_mib(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1]) // 1024
    return 0


def start_server(directory, limits):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {name: value for name, value in os.environ.items() if not name.startswith("ROSTER_")}
    if limits:
        per_address, head_seconds = limits.split(",")
        environment.update(ROSTER_MAX_CONNECTIONS_PER_ADDRESS=per_address, ROSTER_REQUEST_HEAD_SECONDS=head_seconds)
    process = subprocess.Popen([ROSTER, "serve", "--host", "127.0.0.1", "--port", str(port), "--database",
                                f"sqlite://{directory}/bench.sqlite", "--log-level", "error"], env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
                connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if connection.recv(16).startswith(b"HTTP/1.1 200"):
                    return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


class Attacker(threading.Thread):
    """Keeps `count` unfinished requests open from 127.0.0.2, reopening each one the server closes."""

    def __init__(self, port, count, until):
        super().__init__(daemon=True)
        self.port, self.count, self.until = port, count, until
        self.selector = selectors.DefaultSelector()
        self.opened = self.held_max = 0

    def open_one(self):
        connection = socket.socket()
        connection.bind(("127.0.0.2", 0))
        try:
            connection.connect(("127.0.0.1", self.port))
            connection.sendall(PARTIAL)
        except OSError:
            connection.close()
            return
        connection.setblocking(False)
        self.selector.register(connection, selectors.EVENT_READ)
        self.opened += 1

    def run(self):
        while time.monotonic() < self.until:
            while len(self.selector.get_map()) < self.count and time.monotonic() < self.until:
                self.open_one()
            for key, _ in self.selector.select(timeout=0.05):
                try:
                    if key.fileobj.recv(1024):
                        continue
                except OSError:
                    pass
                self.selector.unregister(key.fileobj)
                key.fileobj.close()
            # Held: open on our side and not yet seen closed by the server.
            self.held_max = max(self.held_max, self.server_held())
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()

    def server_held(self):
        held = 0
        for key in self.selector.get_map().values():
            try:
                if key.fileobj.recv(1, socket.MSG_PEEK) == b"":
                    continue
            except BlockingIOError:
                held += 1
            except OSError:
                continue
        return held


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--limits", help="PER_ADDRESS,HEAD_SECONDS instead of the defaults (256,10)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="roster-bench-slow-") as directory:
        process, port = start_server(directory, arguments.limits)
        try:
            idle = memory_mib(process.pid, "VmRSS")
            until = time.monotonic() + arguments.seconds
            attacker = Attacker(port, arguments.connections, until)
            attacker.start()
            latencies, failures = [], 0
            while time.monotonic() < until:
                start = time.monotonic()
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
                        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        if not connection.recv(16).startswith(b"HTTP/1.1 200"):
                            failures += 1
                except OSError:
                    failures += 1
                latencies.append(time.monotonic() - start)
                time.sleep(0.05)
            attacker.join()
            latencies.sort()
            print(f"slow_clients: {arguments.connections} unfinished requests kept open from 127.0.0.2 for {arguments.seconds:.0f} s "
                  f"(reopened as closed: {attacker.opened} opened in all); the server held at most {attacker.held_max}")
            print(f"healthz_from_another_client: {len(latencies)} requests, p50 {statistics.median(latencies) * 1000:.1f} ms, "
                  f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms, failures {failures}")
            print(f"server_memory_mib: idle {idle}, peak {memory_mib(process.pid, 'VmHWM')}")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
