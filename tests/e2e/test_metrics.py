"""/healthz and /metrics of a running bot, scraped as Prometheus would."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.instance import Instance, InstanceRole
from bot.server import build_web_app
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from storage.models import ActivityReport
from tests.broadcasting import add_subscribers, draft
from tests.e2e.conftest import Harness
from tests.e2e.test_questions import card_ids
from tests.waiting import eventually

WAGES = "老板拖欠工资不给怎么办"
TOKEN = "scrape-me"


@asynccontextmanager
async def web(bot: Harness, instance: Instance) -> AsyncIterator[TestClient]:
    server = build_web_app(bot.app, instance=instance, metrics_token=TOKEN)
    async with TestClient(TestServer(server)) as client:
        yield client


async def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    samples = {}
    for family in text_string_to_metric_families(await response.text()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


async def test_metrics_count_updates_answers_feedback_reports_and_deliveries(
    bot: Harness,
) -> None:
    async with web(bot, Instance(InstanceRole.ACTIVE)) as client:
        assert (await client.get("/metrics")).status == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status == 401
        user = bot.api.user(51_001, "居民")
        card = await bot.ask(user, WAGES)
        [ref] = card_ids(card, Kind.FEEDBACK)
        await bot.press(user, card, callbacks.make(Kind.FEEDBACK, ref))
        await bot.api.wait_for_messages(user.id)
        await bot.ask(user, "今天天气怎么样")
        await bot.services.question_log.flush()
        async with bot.services.db.session() as session:
            session.add(
                ActivityReport(
                    volunteer_id=1,
                    activity_type="lecture",
                    activity_date=bot.clock().date(),
                    submission_key="k",
                )
            )
        await add_subscribers(bot.services.db, [51_101, 51_102, 51_103])
        row = await bot.services.broadcasting.create(draft())

        async def delivered() -> bool:
            return (await scrape(client)).get(("pufa_deliveries", (("state", "sent"),))) == 3

        await eventually(delivered)
        samples = await scrape(client)
        assert samples[("pufa_active", ())] == 1 and samples[("pufa_database_up", ())] == 1
        assert samples[("pufa_updates_total", (("type", "message"),))] >= 2
        assert samples[("pufa_updates_total", (("type", "callback_query"),))] == 1
        assert samples[("pufa_handler_seconds_count", ())] >= 3
        assert samples[("pufa_questions", (("outcome", "matched"),))] == 1
        assert samples[("pufa_questions", (("outcome", "fallback"),))] == 1
        assert samples[("pufa_questions", (("outcome", "ambiguous"),))] == 0
        assert samples[("pufa_answer_feedback", (("feedback", "unsolved"),))] == 1
        assert samples[("pufa_reports", (("status", "submitted"),))] == 1
        assert samples[("pufa_deliveries", (("state", "failed"),))] == 0
        assert samples[("pufa_deliveries", (("state", "pending"),))] == 0
        assert samples[("pufa_delivery_429_total", ())] == 0
        assert row.id is not None
        health = await client.get("/healthz")
        assert health.status == 200
        body = await health.json()
        assert body["ok"] and body["role"] == "active" and body["database"] and body["scheduler"]
        assert body["last_update_at"] is not None


async def test_broadcast_progress_is_shown_while_it_is_sent(bot: Harness) -> None:
    bot.api.latency(0.3, methods=["sendMessage"])
    async with web(bot, Instance(InstanceRole.ACTIVE)) as client:
        await add_subscribers(bot.services.db, range(52_001, 52_021))
        row = await bot.services.broadcasting.create(draft())

        async def in_progress() -> bool:
            samples = await scrape(client)
            sent = samples.get(
                ("pufa_broadcast_recipients", (("broadcast", str(row.id)), ("state", "sent"))), 0
            )
            return 0 < sent < 20

        await eventually(in_progress)


async def test_a_standby_reports_itself_and_nothing_from_the_database(bot: Harness) -> None:
    """Only whether its database answers: an alert on `pufa_database_up == 0` must not fire
    for every healthy standby."""
    async with web(bot, Instance(InstanceRole.STANDBY)) as client:
        samples = await scrape(client)
        assert samples[("pufa_active", ())] == 0 and samples[("pufa_database_up", ())] == 1
        assert not [name for name, _ in samples if name == "pufa_questions"]
        health = await client.get("/healthz")
        assert health.status == 503 and (await health.json())["role"] == "standby"


async def test_a_bot_served_without_an_instance_of_its_own_is_watched_too(bot: Harness) -> None:
    """As `pufa demo` serves it: /healthz names the last update handled, /metrics counts it."""
    async with TestClient(TestServer(build_web_app(bot.app))) as client:
        before = await (await client.get("/healthz")).json()
        await bot.ask(bot.api.user(51_009, "居民"), WAGES)
        health = await (await client.get("/healthz")).json()
        metrics = await client.get("/metrics")
        assert before["last_update_at"] is None and health["last_update_at"] is not None
        assert metrics.status == 200 and "pufa_updates_total" in await metrics.text()
