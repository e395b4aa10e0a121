"""The content and its search index cached on disk: read back when nothing changed, rebuilt
when the content (or jieba) changes or the file is damaged, and safe when two builders race."""

import fcntl
import threading
from pathlib import Path

import pytest

from content import index_cache
from content.index_cache import cached_content, content_key
from content.loader import ContentError, Library, build_index
from content.search import SearchIndex
from tests.content.content_copy import copy_content, edit, quick_content

QUESTION = "老板拖欠工资三个月了怎么办"


def cache_files(cache: Path) -> list[Path]:
    """What the cache directory holds beside the builders' lock file."""
    return sorted(p for p in cache.iterdir() if p.name != index_cache.BUILD_LOCK)


def test_a_second_start_reads_the_index_back(tmp_path: Path) -> None:
    content, cache = quick_content(tmp_path), tmp_path / "cache"
    built, first = cached_content(content, cache)
    [stored] = cache_files(cache)
    read, second = cached_content(content, cache)
    assert second is not first and cache_files(cache) == [stored]
    assert read.cards == built.cards and read.ui == built.ui
    for question in (QUESTION, "离昏", "借钱不还", "今天天气怎么样", *dict(built.asked)):
        assert second.search(question) == first.search(question), question
    assert second.analyzer.words(QUESTION) == first.analyzer.words(QUESTION)


def test_changed_content_or_jieba_gets_a_new_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = copy_content(tmp_path)
    before = content_key(content)
    card = next((content / "cards").rglob("*.md"))
    text = card.read_text(encoding="utf-8")
    card.write_text(text + "\n", encoding="utf-8")
    assert content_key(content) != before
    card.write_text(text, encoding="utf-8")
    assert content_key(content) == before
    real = index_cache.version
    monkeypatch.setattr(
        index_cache, "version", lambda name: "9.9" if name == "jieba" else real(name)
    )
    assert content_key(content) != before


def test_copies_of_the_same_content_share_one_index(tmp_path: Path) -> None:
    """Where the content folder is does not count: each test's bot, or a deployment moved to
    another folder, reads the index a copy built instead of building its own."""
    first, second = quick_content(tmp_path / "a"), quick_content(tmp_path / "b")
    assert content_key(first) == content_key(second) != content_key(None)
    cache = tmp_path / "cache"
    cached_content(first, cache)
    [stored] = cache_files(cache)
    built = stored.stat().st_ino  # a rebuild would rename a new file into place
    assert cached_content(second, cache)[1].search(QUESTION).matched
    assert cache_files(cache) == [stored] and stored.stat().st_ino == built


def test_a_missing_or_empty_content_folder_is_not_the_cached_packaged_content(
    tmp_path: Path, index: SearchIndex, content_cache: Path
) -> None:
    """With the packaged content's index cached (`index`), a content folder that is gone or
    empty (it holds no files, like the packaged content beside it) is loaded, and refused."""
    empty = tmp_path / "empty"
    empty.mkdir()
    for folder in (tmp_path / "missing", empty):
        assert content_key(folder) != content_key(None)
        with pytest.raises(ContentError):
            cached_content(folder, content_cache)


def test_an_edited_card_is_found_after_the_rebuild(tmp_path: Path) -> None:
    content = quick_content(tmp_path)
    cache = tmp_path / "cache"
    cached_content(content, cache)
    [card] = [p for p in (content / "cards").rglob("*.md") if "unpaid-wages" in p.name]
    edit(card, "title: 老板拖欠工资怎么办？", "title: 老板拖欠工资怎么办？（新版）")
    library, rebuilt = cached_content(content, cache)
    best = rebuilt.search(QUESTION).best
    assert library.cards["unpaid-wages"].title.endswith("（新版）")
    assert best is not None and best.title.endswith("（新版）")
    assert len(cache_files(cache)) == 2  # the old version's index stays (a rolling upgrade)


def test_only_the_most_recently_used_indexes_stay(tmp_path: Path) -> None:
    """Versions used in turns (the old and the new one of a rolling upgrade) each read their
    own index; the least recently used beyond KEEP is removed."""
    versions = []
    for number in range(index_cache.KEEP + 1):
        content = quick_content(tmp_path / f"v{number}", asked=0)
        card = content / "cards" / "unpaid-wages.md"
        edit(card, "title: 老板拖欠工资怎么办？", f"title: 老板拖欠工资怎么办？（第{number}版）")
        versions.append(content)
    cache = tmp_path / "cache"
    for content in versions[:-1]:
        cached_content(content, cache)
    first = cache / f"{index_cache.PREFIX}{content_key(versions[0])}.pickle"
    built = first.stat().st_ino
    library, _ = cached_content(versions[0], cache)  # the old version starts again
    assert first.stat().st_ino == built  # read back, not rebuilt
    assert library.cards["unpaid-wages"].title.endswith("（第0版）")
    cached_content(versions[-1], cache)
    kept = {content_key(versions[n]) for n in (0, *range(2, index_cache.KEEP + 1))}
    assert {p.stem.removeprefix(index_cache.PREFIX) for p in cache_files(cache)} == kept


def test_a_damaged_file_is_rebuilt(tmp_path: Path) -> None:
    content, cache = quick_content(tmp_path), tmp_path / "cache"
    cached_content(content, cache)
    [stored] = cache_files(cache)
    stored.write_bytes(stored.read_bytes()[:1000])
    assert cached_content(content, cache)[1].search(QUESTION).matched
    assert cached_content(content, cache)[1].search(QUESTION).matched  # rewritten whole


def test_content_failing_its_checks_is_refused_not_cached(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    card = content / "cards" / "unpaid-wages.md"
    edit(card, "title: 老板拖欠工资怎么办？", "title: ")
    with pytest.raises(ContentError):
        cached_content(content, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_two_builders_at_once_build_once_and_leave_one_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second waits for the first's build and reads its file (an active and a standby
    instance started together)."""
    content, cache = quick_content(tmp_path), tmp_path / "cache"
    built: list[SearchIndex] = []

    def build_and_count(library: Library) -> SearchIndex:
        built.append(build_index(library))
        return built[-1]

    monkeypatch.setattr(index_cache, "build_index", build_and_count)
    results: list[tuple[Library, SearchIndex]] = []
    builders = [
        threading.Thread(target=lambda: results.append(cached_content(content, cache)))
        for _ in range(2)
    ]
    for builder in builders:
        builder.start()
    for builder in builders:
        builder.join()
    assert len(results) == 2 and len(built) == 1
    [stored] = cache_files(cache)  # no temporary file left behind
    assert cached_content(content, cache)[1].search(QUESTION).matched
    assert stored.exists()


def test_an_unwritable_cache_still_gives_an_index(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    content = quick_content(tmp_path)
    assert cached_content(content, blocked / "cache")[1].search(QUESTION).matched


def test_a_builder_holding_the_lock_too_long_is_waited_for_no_longer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stopped builder (its lock held, its process not dead) does not stop a start."""
    content, cache = quick_content(tmp_path), tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setattr(index_cache, "BUILD_WAIT_SECONDS", 0.5)
    with (cache / index_cache.BUILD_LOCK).open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert cached_content(content, cache)[1].search(QUESTION).matched
    assert len(cache_files(cache)) == 1
