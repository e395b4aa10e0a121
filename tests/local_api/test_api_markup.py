"""Telegram's markup rules as ported from tdlib, and the demo's safe HTML rendering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from local_api import ApiError
from local_api.formatting import detect_entities, entities_to_html, parse_text, utf16_len


def error_of(text: str, parse_mode: str) -> str:
    with pytest.raises(ApiError) as caught:
        parse_text(text, parse_mode)
    return caught.value.description.removeprefix("Bad Request: can't parse entities: ")


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_text("😀<b>法</b>", "HTML")

    assert text == "😀法"
    assert entities == [{"type": "bold", "offset": 2, "length": 1}]
    assert utf16_len(text) == 3


def test_html_entities_and_unknown_named_ones() -> None:
    assert parse_text("&lt;&gt;&amp;&quot;&#20013;&#x6587;&nbsp;", "HTML")[0] == '<>&"中文&nbsp;'


def test_html_pre_with_language_and_links() -> None:
    source = '<pre><code class="language-python">x</code></pre><a href="https://a.cn">链</a>'

    _, entities = parse_text(source, "HTML")

    assert entities == [
        {"type": "pre", "offset": 0, "length": 1, "language": "python"},
        {"type": "text_link", "offset": 1, "length": 1, "url": "https://a.cn"},
    ]


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("🏟 🏟&lt;<abac>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<b></b></", "Unexpected end tag at byte offset 20"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        (
            "🏟 🏟&lt;<i>a</em   >",
            'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
        ),
    ],
)
def test_html_errors_match_tdlib(source: str, error: str) -> None:
    assert error_of(source, "HTML") == error


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("版本 1.0", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("a-b", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("*粗体", "Can't find end of Bold entity at byte offset 0"),
        ("[链接](https://a.cn", "Can't find end of a URL at byte offset 9"),
    ],
)
def test_markdown_v2_errors_match_tdlib(source: str, error: str) -> None:
    assert error_of(source, "MarkdownV2") == error


def test_markdown_v2_entities() -> None:
    text, entities = parse_text(
        "*粗* _斜_ __下__ ~删~ ||隐|| `代\\.码` [链](https://a.cn)", "MarkdownV2"
    )

    assert text == "粗 斜 下 删 隐 代.码 链"  # escapes work inside code too
    assert [entity["type"] for entity in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]


def test_legacy_markdown() -> None:
    assert parse_text("*粗* _斜_ 1.0", "Markdown")[0] == "粗 斜 1.0"
    assert error_of("*粗", "Markdown") == "Can't find end of the entity starting at byte offset 0"


def test_detects_commands_mentions_hashtags_and_links() -> None:
    found = detect_entities("/start@pufa_demo_bot 问 @pufa_demo_bot #普法 https://a.cn/x")

    assert [(e["type"], e["offset"], e["length"]) for e in found] == [
        ("bot_command", 0, 20),
        ("mention", 23, 14),
        ("hashtag", 38, 3),
        ("url", 42, 14),
    ]


def test_rendered_html_escapes_everything_and_drops_unsafe_links() -> None:
    text, entities = parse_text(
        '&lt;script&gt;<b>粗</b><a href="javascript:alert(1)">坏</a><a href="https://a.cn">好</a>',
        "HTML",
    )

    rendered = entities_to_html(text, entities)

    assert rendered == (
        '&lt;script&gt;<b>粗</b>坏<a href="https://a.cn" target="_blank" rel="noopener">好</a>'
    )


def test_rendered_html_nests_and_handles_surrogate_pairs() -> None:
    text, entities = parse_text("<b>😀<i>斜</i></b>", "HTML")

    assert entities_to_html(text, entities) == "<b>😀<i>斜</i></b>"


MARKUP_CHARS = st.sampled_from([*"<>/&;#x=\"' \\*_~|`[]()!.-\n", "b", "i", "a", "法", "😀"])


@pytest.mark.parametrize("parse_mode", ["HTML", "MarkdownV2", "Markdown"])
@settings(max_examples=300, deadline=None)
@given(source=st.text(MARKUP_CHARS, max_size=40) | st.text(max_size=40))
def test_parsers_accept_or_refuse_but_never_crash(parse_mode: str, source: str) -> None:
    try:
        text, entities = parse_text(source, parse_mode)
    except ApiError as error:
        refused: ApiError | None = error
    else:
        refused = None
        size = utf16_len(text)
        for entity in entities:
            assert 0 <= entity["offset"] < entity["offset"] + entity["length"] <= size
        entities_to_html(text, entities)
    assert refused is None or refused.error_code == 400
