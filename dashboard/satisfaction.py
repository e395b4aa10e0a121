"""满意度测评 for a chosen period: residents' 👍 / 👎 by town, card, month and kind, and the
cards with the most 👎, each pointing to the content gaps asked about that card. The figures
are those /stats and the exports give (storage.votes.satisfaction)."""

from aiohttp import web

from dashboard.common import period_of, render, services
from domain.satisfaction import card_title, share_text
from storage.votes import satisfaction


async def satisfaction_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    period, problems = period_of(request)
    async with bot.db.session() as session:
        figures = await satisfaction(session=session, period=period, tz=bot.tz)
    return render(
        request,
        "satisfaction.html",
        period=period,
        problems=problems,
        figures=figures,
        titles={line.key: card_title(bot.library, line.key) for line in figures.by_card},
        kinds=bot.ui.engagement.satisfaction_dimensions,
        share=share_text,
    )
