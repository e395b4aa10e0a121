"""The checked content and its search index (with the trimmed jieba dictionary) cached on
disk, so a start reads them in a fraction of a second instead of parsing, checking and
indexing everything again.

The file is named by a hash of everything the index is built from: the content files, the
code that builds it, and the versions of jieba, pypinyin and Python; any change gives a new
name, so a stale index is never read. A process that finds no index builds it holding a lock
in the cache directory; another that finds none meanwhile waits, then reads what the first
wrote, instead of building the same index beside it (an active and a standby instance started
together, the test suite's workers). The file is written to a temporary name and renamed into
place (atomic), so a reader never sees half a file. The cache holds
only what this program wrote into the user's own cache directory; a file that cannot be read
is rebuilt.

The KEEP most recently used files stay, older ones are removed: during a rolling upgrade the
old and the new version (or two content folders on one machine) each keep their own index
instead of removing the other's and rebuilding at every start.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import pickle
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path

from content.loader import CONTENT_DIR, Library, build_index, load_library
from content.search import SearchIndex

log = logging.getLogger(__name__)
PREFIX = "content-"
KEEP = 3  # cached indexes kept, the most recently used
BUILD_LOCK = ".build.lock"
# How long a process that finds no index waits for another that is building it.
BUILD_WAIT_SECONDS = 120
BUILD_WAIT_POLL_SECONDS = 0.2


def content_key(content_dir: Path | None) -> str:
    """A hash of the content, the code that turns it into an index, and the library versions."""
    digest = hashlib.sha256()
    for part in ("jieba", "pypinyin"):
        digest.update(f"{part}={version(part)}\n".encode())
    digest.update(f"python={sys.version}\n".encode())
    # The packaged folder holds the code that builds the index beside the packaged content, so
    # its files always count. Another folder's files count after a mark of their own: one that
    # is missing or empty holds no files, and must not pass for the packaged content (loading
    # it then says what is wrong). Where a folder is does not count: copies of the same
    # content (each test's bot, a deployment moved elsewhere) read one index.
    packaged = CONTENT_DIR.resolve()
    chosen = (content_dir or packaged).resolve()
    for root in [packaged] if chosen == packaged else [packaged, chosen]:
        digest.update(b"\0folder\0")
        for path in _files(root):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def cached_content(content_dir: Path | None, cache_dir: Path) -> tuple[Library, SearchIndex]:
    """The library loaded (and checked) from `content_dir` and its index: from the cache,
    or built now and cached. Content that fails its checks raises, as `load_library` does."""
    path = cache_dir / f"{PREFIX}{content_key(content_dir)}.pickle"
    cached = _read(path)
    if cached is not None:
        return cached
    library = load_library(content_dir)  # content failing its checks raises before any write
    with _one_builder(cache_dir):
        cached = _read(path)  # built by another process while this one waited
        if cached is not None:
            return cached
        index = build_index(library)
        try:
            _write(path, (library, index))
        except OSError as exc:
            log.warning("content not cached in %s (%s)", cache_dir, exc)
    return library, index


def _read(path: Path) -> tuple[Library, SearchIndex] | None:
    """The cached library and index, or None for no file or one that cannot be read."""
    try:
        with path.open("rb") as handle:
            library, index = pickle.load(handle)
        if isinstance(library, Library) and isinstance(index, SearchIndex):
            _used(path)
            return library, index
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build it again
        log.warning("content cache %s unreadable (%r): rebuilding", path, exc)
    return None


@contextlib.contextmanager
def _one_builder(cache_dir: Path) -> Iterator[None]:
    """Held while building: an exclusive flock on a file in the cache directory, which the
    system frees if the builder dies. A builder that holds it for BUILD_WAIT_SECONDS (stopped,
    not dead) is waited for no longer; where the directory cannot be written there is no lock:
    each process then builds its own index, as without a cache."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        lock = os.open(cache_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    try:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    log.warning(
                        "the index took another builder over %d s: building it here too",
                        BUILD_WAIT_SECONDS,
                    )
                    break
                # a timed wait, not time.sleep, which fails under libfaketime (campaign-eve runs)
                threading.Event().wait(BUILD_WAIT_POLL_SECONDS)
        yield
    finally:
        os.close(lock)  # closing the descriptor frees the lock


def _write(path: Path, built: tuple[Library, SearchIndex]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(built, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _used(path)


def _used(path: Path) -> None:
    """Marks `path` as just used (its modification time) and removes all but the KEEP most
    recently used caches."""
    try:
        os.utime(path)
    except OSError:  # a read-only cache still serves
        return
    cached = []
    for found in path.parent.glob(f"{PREFIX}*.pickle"):
        with contextlib.suppress(FileNotFoundError):  # another process removed it meanwhile
            cached.append((found.stat().st_mtime_ns, found))
    for _, old in sorted(cached, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)
