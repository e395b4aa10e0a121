"""How a broadcast looks to its recipients (and, identically, in the coordinator's preview):
the message, the linked cards of a campaign reminder, and the one-tap unsubscribe button (for
an album, on a line of its own under it: Telegram puts no buttons on an album)."""

import html

from content.loader import Library
from content.models import Card
from content.privacy import mask_personal_numbers
from domain.answers import card_html
from domain.cases import weekly_case_html
from handlers.kit import callbacks
from handlers.kit.callbacks import PREVIEW_ID, Kind
from handlers.kit.votes import Choice, Subject
from scheduler.messages import Button, Outgoing, album_items
from scheduler.planning import audience_name
from storage.audience import Audience
from storage.models import Broadcast


class BroadcastRenderer:
    def __init__(self, library: Library) -> None:
        self.library = library

    def render(self, broadcast: Broadcast) -> Outgoing:
        if broadcast.content_kind == "rating":  # an event's rating request: its two buttons
            texts = self.library.ui.engagement
            up, down = (
                Button(
                    label,
                    callbacks.make(Kind.VOTE, choice, Subject.EVENT, broadcast.audience_value),
                )
                for label, choice in (
                    (texts.event_up_button, Choice.UP),
                    (texts.event_down_button, Choice.DOWN),
                )
            )
            # masked when sent: one scheduled before titles were masked holds it as typed
            title = mask_personal_numbers(broadcast.text)
            text = texts.event_rating_prompt.format(title=html.escape(title))
            return Outgoing(text=text, buttons=((up, down),))
        rows = [
            (Button(self.library.ui.related_button.format(title=card.title), card_data),)
            for card, card_data in self._cards(broadcast)
        ]
        unsubscribe = Button(
            self.unsubscribe_label(Audience(broadcast.audience), broadcast.audience_value),
            callbacks.make(Kind.UNSUBSCRIBE, broadcast.id or PREVIEW_ID),
        )
        # A contest's results go to its participants, not to subscribers: nothing to leave.
        unsubscribing = () if broadcast.audience == Audience.CONTEST else ((unsubscribe,),)
        buttons = (*rows, *unsubscribing)
        if broadcast.content_kind == "album":
            footer = self.library.ui.broadcasts.album_footer
            then = Outgoing(text=footer, buttons=buttons) if buttons else None
            return Outgoing(album=album_items(broadcast.text), then=then)
        if broadcast.content_kind == "copy":
            assert broadcast.source_chat_id is not None
            assert broadcast.source_message_id is not None
            source = (broadcast.source_chat_id, broadcast.source_message_id)
            return Outgoing(copy_from=source, buttons=buttons)
        if broadcast.content_kind == "card" and broadcast.card_id in self.library.cards:
            card = self.library.cards[broadcast.card_id]
            return Outgoing(text=card_html(card, self.library), buttons=buttons)
        if broadcast.content_kind == "case" and broadcast.card_id in self.library.cases:
            case = self.library.cases[broadcast.card_id]
            return Outgoing(text=weekly_case_html(case, self.library.ui), buttons=buttons)
        return Outgoing(text=broadcast.text, buttons=buttons)

    def _cards(self, broadcast: Broadcast) -> list[tuple[Card, str]]:
        if broadcast.content_kind == "case" and broadcast.card_id in self.library.cases:
            ids = self.library.cases[broadcast.card_id].cards  # the topics the case illustrates
            cards = [self.library.cards[i] for i in ids if i in self.library.cards]
            return [(card, callbacks.make(Kind.CARD, card.id)) for card in cards]
        if broadcast.origin != "campaign" or broadcast.audience != Audience.CATEGORIES:
            return []
        campaign = next((c for c in self.library.campaigns if c.id == broadcast.campaign_id), None)
        ids = campaign.cards if campaign else []
        cards = [self.library.cards[i] for i in ids if i in self.library.cards]
        return [(card, callbacks.make(Kind.CARD, card.id)) for card in cards]

    def unsubscribe_label(self, audience: Audience, value: str) -> str:
        ui = self.library.ui.subscriptions
        if audience is Audience.CATEGORY:
            names = {c.id: c.name for c in self.library.categories}
            return ui.unsubscribe_category.format(name=names.get(value, value))
        if audience is Audience.TOWN:
            return ui.unsubscribe_town.format(town=value)
        if audience is Audience.CASES:
            return self.library.ui.engagement.unsubscribe_cases
        labels = {
            Audience.CATEGORIES: ui.unsubscribe_campaigns,
            Audience.VOLUNTEERS: ui.unsubscribe_volunteer_calls,
            Audience.UNREPORTED: ui.unsubscribe_monthly,
        }
        return labels.get(audience, ui.unsubscribe_all)

    def audience_name(self, audience: Audience, value: str) -> str:
        """scheduler.planning.audience_name, escaped for a chat message."""
        return html.escape(audience_name(self.library, audience, value))
