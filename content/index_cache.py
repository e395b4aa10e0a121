"""The checked content and its search index (with the trimmed jieba dictionary) cached on
disk, so a start reads them in a fraction of a second instead of parsing, checking and
indexing everything again.

The file is named by a hash of everything the index is built from: the content files, the
code that builds it, and the versions of jieba, pypinyin and Python; any change gives a new
name, so a stale index is never read. Two processes building at once each write a temporary
file and rename it into place (atomic), so a reader never sees half a file. The cache holds
only what this program wrote into the user's own cache directory; a file that cannot be read
is rebuilt.

The KEEP most recently used files stay, older ones are removed: during a rolling upgrade the
old and the new version (or two content folders on one machine) each keep their own index
instead of removing the other's and rebuilding at every start.
"""

import contextlib
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from content.loader import CONTENT_DIR, Library, build_index, load_library
from content.search import SearchIndex

log = logging.getLogger(__name__)
PREFIX = "content-"
KEEP = 3  # cached indexes kept, the most recently used


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
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        library, index = cached
        if isinstance(library, Library) and isinstance(index, SearchIndex):
            _used(path)
            return library, index
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build it again
        log.warning("content cache %s unreadable (%r): rebuilding", path, exc)
    library = load_library(content_dir)
    index = build_index(library)
    try:
        _write(path, (library, index))
    except OSError as exc:
        log.warning("content not cached in %s (%s)", cache_dir, exc)
    return library, index


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
