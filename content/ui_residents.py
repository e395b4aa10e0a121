"""Texts of the residents' help beyond a card: the /legalaid menu, the legal-aid pre-check,
the hotlines and the village legal advisers (the `residents:` block of ui.zh.yaml)."""

from typing import Annotated

from pydantic import model_validator

from content.hotlines import GROUPS
from content.legal_aid import RESULTS, Result
from content.models import CARD_OFFERS
from content.texts import Fields, SaidOnce, Texts, exact_keys


class ResidentTexts(Texts):
    aid_menu_title: str
    aid_menu_check: str
    aid_menu_where: str
    aid_menu_adviser: str
    aid_menu_hotlines: str
    private_only: str
    private_button: str

    check_intro: str
    check_question: Annotated[str, Fields("n", "text")]
    check_wrong_input: str
    check_ask_town: str
    skip_button: str
    back_button: str
    cancel_button: str
    check_cancelled: str
    check_outdated: str
    results: dict[Result, str]
    result_hardship_sample: str  # under a hardship standard that is still legal_aid.yaml's sample
    result_all_sample: str  # under sample points, when the hardship standard is the sample too
    result_article: Annotated[str, Fields("article")]
    result_bring: Annotated[str, Fields("items")]
    bring_item: Annotated[str, Fields("item")]
    result_points_title: str
    result_points_ask_title: str
    result_no_points: str
    result_hotline: Annotated[str, SaidOnce()]  # a service point may give 12348
    again_button: str

    hotlines_title: str
    hotline_groups: dict[str, str]
    hotline_line: Annotated[str, Fields("for_", "hours", "name", "number")]
    hotline_hours: Annotated[str, Fields("hours")]
    hotlines_footer: Annotated[str, SaidOnce()]  # under the lines of numbers
    hotlines_button: str
    card_offers: dict[str, str]  # a card's `offers`: the button of each
    card_hotlines_title: Annotated[str, Fields("title")]
    fallback_hotlines: str
    # a message that signals danger (safety.yaml): one notice per kind's `text` key
    safety_notices: dict[str, str]

    adviser_ask_town: str
    adviser_location_hint: str
    adviser_ask_village: Annotated[str, Fields("town")]
    adviser_by_location: Annotated[str, Fields("town")]
    adviser_none: str
    adviser_card: Annotated[str, Fields("contact", "duty", "name", "office", "place")]
    adviser_sample: str
    adviser_other_button: str
    adviser_wrong_input: str
    typed_unknown: Annotated[str, Fields("typed")]
    typed_several: Annotated[str, Fields("typed")]
    # a question typed where a town or village is asked, and the button that answers it
    adviser_looks_like_question: str
    adviser_ask_it_button: str
    adviser_not_listed_button: str
    adviser_back_button: str  # under 我的村（社区）不在这里: the town's villages again
    adviser_towns_button: str  # under a town's villages: the towns again
    adviser_not_listed: Annotated[str, Fields("town")]
    adviser_or_12348: Annotated[str, SaidOnce()]  # under the town's service points
    adviser_cancelled: str
    stats_prechecks: Annotated[str, Fields("total", *RESULTS)]  # a count per pre-check result

    @model_validator(mode="after")
    def _complete(self) -> "ResidentTexts":
        exact_keys("hotline_groups", self.hotline_groups, GROUPS)
        exact_keys("results", self.results, RESULTS)
        exact_keys("card_offers", self.card_offers, CARD_OFFERS)
        return self
