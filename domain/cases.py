"""以案释法: a case card as the bot sends it (in reply, and as the weekly case)."""

import html

from content.case_library import Case
from content.mentions import numbers_in, once
from content.ui import UiTexts


def case_html(case: Case, ui: UiTexts) -> str:
    """Title, the three sections with their headings in bold, the law, the source, a note (its
    12348 left out when the case gives it: content.mentions)."""
    texts = ui.engagement
    lines = [f"<b>{html.escape(case.title)}</b>"]
    for title, text in case.sections().items():
        lines += ["", f"<b>{html.escape(title)}</b>", html.escape(text)]
    told = "\n".join([case.title, *case.sections().values()])
    footer = once([told, texts.case_footer], numbers_in(texts.case_footer))[1]
    lines += [
        "",
        texts.case_law.format(law=html.escape(case.law)),
        texts.case_source.format(source=html.escape(case.source)),
        *(["", f"<i>{html.escape(footer)}</i>"] if footer else []),
    ]
    return "\n".join(lines)


def weekly_case_html(case: Case, ui: UiTexts) -> str:
    return f"{ui.engagement.case_weekly_title}\n\n{case_html(case, ui)}"
