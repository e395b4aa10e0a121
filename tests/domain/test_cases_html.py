"""Every case card renders as Telegram HTML within one message, as a reply and as the weekly
case: its sections, law and source all there."""

from content.loader import Library
from domain.cases import case_html, weekly_case_html
from local_api.formatting import utf16_len
from local_api.markup_html import parse_html

TELEGRAM_TEXT_LIMIT = 4096


def test_every_case_renders_within_one_message(library: Library) -> None:
    assert len(library.cases) >= 30
    for case in library.cases.values():
        for rendered in (case_html(case, library.ui), weekly_case_html(case, library.ui)):
            text, entities = parse_html(rendered)
            assert utf16_len(text) <= TELEGRAM_TEXT_LIMIT, case.id
            assert text.startswith(case.title) or case.title in text
            assert case.law in text and case.source in text
            for heading in ("案情简介", "处理结果", "典型意义"):
                assert heading in text, case.id
            assert any(e["type"] == "bold" for e in entities)
