"""One caller holding connections can't keep the server from others (issue 34, #1).

A load bounded in time, on loopback: 2,000 connections from 127.0.0.2 that start a request and
never finish its head. The server keeps at most `ROSTER_MAX_CONNECTIONS_PER_ADDRESS` of them
(100 here) and closes the rest at once; it closes the kept ones once `ROSTER_REQUEST_HEAD_SECONDS`
(6 here) have passed, even when they trickle a byte at a time; `/healthz` from 127.0.0.1 answers
meanwhile. A connection idle between two requests is not cut by the head deadline, and a trusted
proxy's address has no cap.
"""
import errno
import socket
import time

import pytest

from conftest import Roster

CAP = 100
HEAD_SECONDS = 6
PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "


@pytest.fixture(scope="module")
def roster():
    server = Roster(environment={"ROSTER_MAX_CONNECTIONS_PER_ADDRESS": str(CAP), "ROSTER_REQUEST_HEAD_SECONDS": str(HEAD_SECONDS),
                                 "ROSTER_TRUSTED_PROXIES": "127.0.0.3"})
    server.start()
    yield server
    assert server.stop() == 0


def open_partial(roster, source, count):
    """`count` connections from `source`, each having sent the start of a request head."""
    sockets = []
    for _ in range(count):
        connection = socket.socket()
        connection.bind((source, 0))
        connection.connect(("127.0.0.1", roster.port))
        connection.sendall(PARTIAL)
        connection.setblocking(False)
        sockets.append(connection)
    return sockets


def closed_by_server(connection):
    try:
        return connection.recv(1) == b""
    except BlockingIOError:
        return False
    except OSError as error:
        return error.errno in (errno.ECONNRESET, errno.EPIPE)


def wait_until(what, predicate, seconds):
    deadline = time.monotonic() + seconds
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.05)
    return value


def healthz_within(roster, seconds):
    connection = socket.create_connection(("127.0.0.1", roster.port), timeout=seconds)
    try:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return connection.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        connection.close()


def test_an_address_keeps_at_most_its_cap_and_unfinished_heads_are_closed(roster):
    started = time.monotonic()
    sockets = open_partial(roster, "127.0.0.2", 2_000)
    try:
        # The server closes everything past the cap as it accepts it; the others keep answering.
        wait_until("connections past the cap closed", lambda: sum(not closed_by_server(s) for s in sockets) <= CAP, 10)
        kept = [s for s in sockets if not closed_by_server(s)]
        counted = time.monotonic() - started
        assert healthz_within(roster, 5)
        assert 0 < len(kept) <= CAP
        # Exactly the cap is kept unless the first ones already met their head deadline (a
        # loaded machine slow to open 2,000 connections): then fewer are, never more.
        if counted < HEAD_SECONDS:
            assert len(kept) == CAP
        # A kept one that trickles a byte now and then is still closed at the head deadline.
        trickling = kept[0]
        start = time.monotonic()
        while not closed_by_server(trickling):
            assert time.monotonic() - start < HEAD_SECONDS + 5, "a trickled head outlived its deadline"
            try:
                trickling.send(b"x")
            except OSError:
                break
            time.sleep(0.3)
        wait_until("unfinished heads closed", lambda: all(closed_by_server(s) for s in kept), HEAD_SECONDS + 5)
        # The address's connections are counted out again: a new one is served.
        assert wait_until("a new connection from the address served", lambda: healthz_from(roster, "127.0.0.2"), 5)
    finally:
        for connection in sockets:
            connection.close()


def healthz_from(roster, source):
    connection = socket.socket()
    connection.settimeout(5)
    connection.bind((source, 0))
    try:
        connection.connect(("127.0.0.1", roster.port))
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        return connection.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False
    finally:
        connection.close()


def test_a_connection_idle_between_requests_is_not_cut_by_the_head_deadline(roster):
    connection = socket.create_connection(("127.0.0.1", roster.port), timeout=10)
    try:
        for _ in range(2):
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
                answer += connection.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200"), answer
            connection.setblocking(False)
            # Longer than the head deadline, shorter than the idle timeout (75 s).
            time.sleep(HEAD_SECONDS + 1)
            assert not closed_by_server(connection)
            connection.setblocking(True)
    finally:
        connection.close()


def test_a_trusted_proxy_has_no_cap(roster):
    sockets = open_partial(roster, "127.0.0.3", CAP + 50)
    try:
        # Each connection past the cap is served: its head finished, it answers.
        for connection in sockets:
            connection.setblocking(True)
            connection.settimeout(10)
            connection.sendall(b"1\r\nConnection: close\r\n\r\n")
            assert connection.recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for connection in sockets:
            connection.close()
