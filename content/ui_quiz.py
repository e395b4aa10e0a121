"""Texts of the 普法 quiz and contests (`ui.zh.yaml`, section `quiz`): a missing key fails at
start-up."""

from typing import Annotated

from content.texts import Fields, Texts


class QuizTexts(Texts):
    question: Annotated[str, Fields("kind", "n", "question", "timer", "total")]
    single: str
    multiple: str
    timer: Annotated[str, Fields("seconds")]
    option: Annotated[str, Fields("letter", "text")]
    ticked: Annotated[str, Fields("letter", "text")]
    unticked: Annotated[str, Fields("letter", "text")]
    submit_button: str
    pick_first: str
    right: str
    wrong: Annotated[str, Fields("answer")]
    late: Annotated[str, Fields("seconds")]
    explanation: Annotated[str, Fields("text")]
    card_button: Annotated[str, Fields("title")]
    practice_done: Annotated[str, Fields("score", "total")]
    practice_done_none: Annotated[str, Fields("score", "total")]  # score 0: no 🎉
    contest_done: Annotated[str, Fields("close", "score", "seconds", "title", "total")]
    contest_done_none: Annotated[str, Fields("close", "score", "seconds", "title", "total")]
    already_answered: str
    ended: str  # a question of a practice quiz that has ended (/cancel, a new /quiz)
    cancelled_practice: str
    not_yours: str
    no_questions: str
    contest_closed: str  # a group round's press after the close
    # a press on one's own attempt after the close: the score it ended with
    contest_ended_score: Annotated[str, Fields("score", "title", "total")]
    contest_not_open: str
    contest_once: Annotated[str, Fields("title")]
    contest_intro: Annotated[str, Fields("questions", "seconds", "title")]
    contests_title: str
    contest_line: Annotated[str, Fields("close", "questions", "seconds", "title")]
    no_contests: str
    join_button: Annotated[str, Fields("title")]
    new_button: str
    export_button: Annotated[str, Fields("id")]  # the button formats the contest id
    export_csv_button: str
    recent_title: str
    recent_line: Annotated[str, Fields("close", "id", "opens", "status", "title")]
    status_waiting: str
    status_open: str
    status_closed: str
    group_title: Annotated[str, Fields("town")]
    group_button: Annotated[str, Fields("title")]
    group_footer: str
    next_button: str
    finish_button: str
    recorded_right: str
    recorded_wrong: str
    recorded_late: str
    group_twice: str
    group_elsewhere: str
    question_over: str
    question_closed: Annotated[
        str, Fields("answer", "answered", "explanation", "n", "question", "total")
    ]
    round_board_title: Annotated[str, Fields("town")]
    round_board_line: Annotated[str, Fields("name", "rank", "score", "seconds")]
    round_board_empty: str
    round_running: str
    round_closed_early: str
    board_title: Annotated[str, Fields("people", "title")]
    board_empty: str
    board_people: str
    board_person: Annotated[str, Fields("name", "questions", "rank", "score", "seconds", "town")]
    board_towns: str
    board_town: Annotated[str, Fields("average", "people", "rank", "town")]
    someone: str
    audience: str
    export_caption: Annotated[str, Fields("people", "title")]
    export_headers: list[str]
    mode_alone: str
    mode_group: str
    contest_title: Annotated[str, Fields("campaign")]
    new_campaign: str
    campaign_button: Annotated[str, Fields("count", "name")]
    unknown_campaign: str
    ask_opens: Annotated[str, Fields("day", "iso")]
    ask_closes: Annotated[str, Fields("day", "iso")]
    closes_before: Annotated[str, Fields("opens")]
    bad_time: str
    ask_count: Annotated[str, Fields("high", "low")]
    ask_seconds: Annotated[str, Fields("high", "low")]
    bad_number: Annotated[str, Fields("high", "low")]
    confirm: Annotated[str, Fields("close", "opens", "questions", "seconds", "title")]
    confirm_button: str
    cancel_button: str
    created: Annotated[str, Fields("id", "title")]
    already_created: str
    cancelled: str
    timed_out: str
    wrong_input: str
