"""What the residents' help stores: anonymous pre-check outcomes and the village advisers."""

from datetime import date

from sqlmodel import select

from storage.db import Database
from storage.models import AidPrecheck
from storage.residents import (
    adviser_towns,
    advisers_in,
    count_advisers,
    precheck_counts,
    record_precheck,
    replace_advisers,
)


async def test_precheck_outcomes_are_counted_by_period_and_keep_no_person(db: Database) -> None:
    async with db.session() as session:
        for day, rule, result in [
            (date(2026, 3, 1), "migrant-worker", "likely_yes"),
            (date(2026, 3, 9), "migrant-worker", "likely_yes"),
            (date(2026, 3, 9), "not-hard-up", "likely_no"),
            (date(2026, 4, 1), "other-matter", "depends"),
        ]:
            await record_precheck(session=session, day=day, rule=rule, result=result)
    async with db.session() as session:
        march = await precheck_counts(
            session=session, start=date(2026, 3, 1), end=date(2026, 3, 31)
        )
        columns = set(AidPrecheck.model_fields)
        rows = (await session.exec(select(AidPrecheck))).all()
    assert march == {("likely_yes", "migrant-worker"): 2, ("likely_no", "not-hard-up"): 1}
    assert columns == {"id", "day", "rule", "result"} and len(rows) == 4


async def test_advisers_are_replaced_as_a_whole(db: Database) -> None:
    def adviser(town: str, village: str) -> dict[str, object]:
        return {"town": town, "village": village, "name": "示例律师", "contact": "示例电话 0"}

    async with db.session() as session:
        await replace_advisers(
            session=session, entries=[adviser("乙镇", "一村"), adviser("甲镇", "二村")]
        )
    async with db.session() as session:
        assert set(await adviser_towns(session=session)) == {"乙镇", "甲镇"}
        stored = await replace_advisers(session=session, entries=[adviser("甲镇", "三村")])
    async with db.session() as session:
        assert stored == 1 and await count_advisers(session=session) == 1
        assert [a.village for a in await advisers_in(session=session, town="甲镇")] == ["三村"]
        assert await advisers_in(session=session, town="乙镇") == []
