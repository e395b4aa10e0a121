"""The user-facing texts of `ui.zh.yaml`: a missing or misspelt key fails at start-up."""

from typing import Annotated

from pydantic import model_validator

from content.dates import DateTexts
from content.report_input import letters
from content.texts import AllFields, Fields, SaidOnce, Texts
from content.ui_broadcasts import BroadcastTexts, CampaignTexts, SubscriptionTexts
from content.ui_chat import ChatTexts
from content.ui_dashboard import DashboardTexts
from content.ui_engagement import EngagementTexts
from content.ui_quiz import QuizTexts
from content.ui_residents import ResidentTexts
from content.ui_review import ReviewTexts
from content.ui_tickets import TicketTexts
from content.ui_volunteers import VolunteerTexts


class BotCommands(Texts):
    start: str
    topics: str
    legalaid: str
    subscribe: str
    help: str
    report: str
    myreports: str
    profile: str
    invite: str
    stats: str
    export: str
    broadcast: str
    scheduled: str
    campaigns: str
    hotlines: str
    adviser: str
    quiz: str
    contest: str

    dashboard: str
    cases: str
    qr: str
    myqr: str
    certificate: str
    verify: str
    cancel: str
    deleteme: str


class UiTexts(Texts):
    welcome: Annotated[str, Fields("name")]
    help: Annotated[str, Fields("bot_username", "commands")]
    menu_ask: str
    menu_legal_aid: str
    menu_topics: str
    menu_help: str
    ask_prompt: str
    card_footer: Annotated[str, SaidOnce()]  # left out where the card gives 12348
    related_button: Annotated[str, Fields("title")]
    unsolved_button: str
    share_button: str
    feedback_thanks: str
    feedback_again: str  # a second 没解决 in a row: offers 留言给工作人员 first
    feedback_stale: str
    ambiguous_intro: str
    # the field's numbers may follow, 12348 among them
    no_match: Annotated[str, Fields("question"), SaidOnce()]
    close_match: Annotated[str, Fields("question"), SaidOnce()]
    empty_question: str
    question_no_words: str  # only emoji or punctuation: nothing to search for
    question_too_long: str
    small_talk_greeting: str
    small_talk_person: str
    small_talk_thanks: str
    small_talk_thanks_group: str  # in a group, above group_hint
    small_talk_goodbye_group: str  # in a group, above group_hint
    small_talk_goodbye: str
    topics_title: str
    category_title: Annotated[str, Fields("emoji", "name", "page", "pages")]
    page_prev: str
    page_next: str
    back_to_topics: str
    card_not_found: str
    deep_link_unknown: str  # heads the menu's own message (/start of an unknown link), never alone
    stale_button: str
    own_chat_button_only: str  # a button pressed outside the presser's private chat
    stale_step: str  # an expired button while a guided chat is open (/start would end it)
    chat_timed_out: str  # a guided chat without a text of its own ended for lack of replies
    legal_aid_prompt: str
    share_location_button: str
    pick_town_button: str
    towns_title: str
    nearest_title: str
    town_points_title: Annotated[str, Fields("town")]
    point_line: Annotated[str, Fields("address", "distance", "hours", "kind", "name", "phone")]
    distance: Annotated[str, Fields("km")]
    sample_notice: str
    no_points: str
    no_located_points: str
    none_near: Annotated[str, Fields("km", "nearest")]
    location_invalid: str
    location_removed: str
    non_text: str
    unknown_command: str
    too_fast: str
    too_fast_in_chat: str  # the same, inside a guided chat: the message was not taken
    not_allowed: str
    error: str
    group_hint: str
    inline_share_hint: str
    inline_no_result: str
    inline_open_bot: str
    unknown_town: str  # a town nobody recorded, wherever towns are listed
    list_separator: str  # between the names of a list in a sentence
    quoted: Annotated[str, Fields("name"), AllFields()]  # a name set apart in a sentence
    commands: BotCommands
    volunteers: VolunteerTexts
    review: ReviewTexts
    subscriptions: SubscriptionTexts
    broadcasts: BroadcastTexts
    campaigns: CampaignTexts
    chat: ChatTexts
    residents: ResidentTexts
    quiz: QuizTexts
    tickets: TicketTexts
    engagement: EngagementTexts
    dates: DateTexts

    dashboard: DashboardTexts

    @model_validator(mode="after")
    def _typed_words_apart(self) -> "UiTexts":
        """A word typed to end a guided chat or go back is none of the skip buttons' words,
        which typed alone answer an optional step (content.report_input.is_skip)."""
        skips = {
            letters(button)
            for button in (
                self.volunteers.skip_button,
                self.volunteers.photos_done_button,
                self.residents.skip_button,
            )
        }
        if both := skips & {*self.chat.cancel_words, *self.chat.back_words}:
            raise ValueError(f"chat: {sorted(both)} is also a skip button's word")
        return self
