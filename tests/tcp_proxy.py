"""A small threaded TCP proxy that tests put between the service and a dependency.

It stands for the network between the service and PostgreSQL or Redis, so a test
can make that dependency refuse, stop answering or drop its connections, and
then come back, without touching the real server::

    with TcpProxy("127.0.0.1", 5432) as proxy:
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test"
        ...                     # mode "pass": bytes are forwarded both ways
        proxy.refuse()          # new connections are refused (RST), current ones cut
        proxy.blackhole()       # new connections are accepted and never answered;
                                # bytes on current ones are swallowed (a partition)
        proxy.cut()             # drop the current connections, keep the mode
        proxy.heal()            # back to "pass"

``proxy.port`` is a free port on 127.0.0.1 chosen at start, ``proxy.url`` is
``tcp://127.0.0.1:<port>`` and ``proxy.address`` is ``(host, port)``; the
port stays the same in every mode, so the service keeps its settings. In
``refuse`` mode the listening socket is closed, so a client gets a real
"connection refused" (ECONNREFUSED), as from a stopped server; leaving that mode
listens again on the same port. Connections are dropped with SO_LINGER 0 (the peer
sees a reset). ``stop()`` (or leaving the ``with`` block) closes everything.
"""

from __future__ import annotations

import select
import socket
import struct
import threading
from contextlib import suppress

MODES = ("pass", "refuse", "blackhole")


class TcpProxy:
    def __init__(self, target_host: str, target_port: int, mode: str = "pass"):
        self.target = (target_host, target_port)
        self.mode = mode
        self._lock = threading.Lock()
        self._conns: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self._listen()
        self.address = ("127.0.0.1", self.port)
        self.url = f"tcp://127.0.0.1:{self.port}"
        if mode == "refuse":
            self._unlisten()

    def _listen(self) -> None:
        if self._listener is not None:
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._thread.start()

    def _unlisten(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone may not.
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    # --- modes -----------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        if mode == "refuse":
            self._unlisten()
            self.cut()
        else:
            self._listen()

    def refuse(self) -> None:
        self.set_mode("refuse")

    def blackhole(self) -> None:
        self.set_mode("blackhole")

    def heal(self) -> None:
        self.set_mode("pass")

    def cut(self) -> None:
        """Drop every current connection (both sides get a reset)."""
        with self._lock:
            conns, self._conns = self._conns, set()
        for sock in conns:
            _reset(sock)

    def stop(self) -> None:
        self._unlisten()
        self.cut()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- plumbing --------------------------------------------------------------------------
    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            mode = self.mode
            if mode == "refuse" or listener is not self._listener:
                _reset(client)
                return
            self._track(client)
            if mode == "blackhole":
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            threading.Thread(target=self._open_and_pipe, args=(client,), daemon=True).start()

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._conns.update(socks)

    def _forget(self, *socks: socket.socket) -> None:
        with self._lock:
            for sock in socks:
                self._conns.discard(sock)

    def _swallow(self, client: socket.socket) -> None:
        """Read and drop whatever the client sends until the connection ends."""
        try:
            while client.recv(65536):
                pass
        except OSError:
            pass
        self._forget(client)

    def _open_and_pipe(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            self._forget(client)
            _reset(client)
            return
        upstream.settimeout(None)
        self._track(upstream)
        self._pipe(client, upstream)

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        peers = {client: upstream, upstream: client}
        try:
            while True:
                if self.mode == "blackhole":
                    # A partition: keep both ends open, forward nothing.
                    for sock in peers:
                        sock.setblocking(False)
                    readable, _, _ = select.select(list(peers), [], [], 0.2)
                    for sock in readable:
                        if not sock.recv(65536):
                            raise ConnectionError
                    continue
                readable, _, _ = select.select(list(peers), [], [], 0.2)
                with self._lock:
                    if client not in self._conns:
                        raise ConnectionError
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        raise ConnectionError
                    peers[sock].setblocking(True)
                    peers[sock].sendall(data)
        except (OSError, ValueError, ConnectionError):
            pass
        finally:
            self._forget(client, upstream)
            _reset(client)
            _reset(upstream)


def _reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0: the peer gets an RST rather than an orderly end. The shutdown
    first wakes a pump thread blocked reading the socket: until it lets go, close() alone
    does not end the connection, and the peer would learn of the cut only when it next
    sent something."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with suppress(OSError):
        sock.close()
