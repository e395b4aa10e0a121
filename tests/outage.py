"""Making the database unreachable on purpose: a SQLite file locked by another connection, or
PostgreSQL behind a loopback proxy that a test cuts (every connection dropped, new ones
refused) and restores. Both are real failures the bot meets, not mocks of our code."""

import asyncio
import contextlib
import socket
import sqlite3
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine


class SqliteLock:
    """Another connection holding the SQLite file's write lock: the bot's writes wait for
    their busy timeout, then fail with "database is locked"; reads go on (WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._release = threading.Event()
        self._held = threading.Event()
        self._thread: threading.Thread | None = None

    def _hold(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            self._held.set()
            self._release.wait()
            connection.execute("COMMIT")
        finally:
            connection.close()

    async def cut(self) -> None:
        self._thread = threading.Thread(target=self._hold, daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._held.wait, 30)

    async def restore(self) -> None:
        self._release.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 30)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to `target`; `cut` drops every connection and refuses new
    ones, `restore` listens again on the same port.

    While cut, the port stays bound by a socket that does not listen (a connection to it is
    refused, as to a stopped server), so nothing else on a busy machine can take the port
    before `restore`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self._server: asyncio.Server | None = None
        self._placeholder: socket.socket | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._cuts = 0  # a connection accepted before a cut must not survive it

    async def start(self) -> None:
        if self._placeholder is not None:
            self._placeholder.close()
            self._placeholder = None
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        self._cuts += 1
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
            self._placeholder = socket.socket()
            self._placeholder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._placeholder.bind(("127.0.0.1", self.port))
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def restore(self) -> None:
        await self.start()

    async def close(self) -> None:
        """Cut for good and free the port."""
        await self.cut()
        if self._placeholder is not None:
            self._placeholder.close()
            self._placeholder = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        cuts = self._cuts
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        if cuts != self._cuts:  # cut while this connection was being set up
            writer.close()
            up_writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            self._writers.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()


@asynccontextmanager
async def postgres_behind_proxy(admin_url: str) -> AsyncIterator[tuple[str, TcpProxy]]:
    """A fresh PostgreSQL database reached through a TcpProxy: (its URL, the proxy)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    try:
        through = url.set(host="127.0.0.1", port=proxy.port, database=name)
        yield through.render_as_string(hide_password=False), proxy
    finally:
        await proxy.close()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
