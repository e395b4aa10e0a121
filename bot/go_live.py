"""What a production start (`pufa run`, `pufa webhook`; not the demo) still takes from the
packaged sample data: one WARNING naming it, so that a district does not go live with
residents' messages sent to a sample desk nobody reads, or an invented economic-hardship
standard shown with the legal-aid pre-check's outcome (README: Deployment, go-live checklist)."""

import logging

from content.advisers import SAMPLE_MARK
from handlers.kit.context import Services
from storage.directory import count_points
from storage.residents import count_advisers

log = logging.getLogger(__name__)


async def sample_data_in_use(services: Services) -> list[str]:
    """What is still sample data, in words for the log: the content's desks, towns and
    legal-aid hardship standard, the database's service points and advisers (imported lists
    replace the samples)."""
    library = services.library
    criteria = library.legal_aid
    async with services.db.session() as session:
        points = await count_points(session=session, samples_only=True)
        advisers = await count_advisers(session=session, samples_only=True)
    found = {
        "desks (desks.yaml)": sum(desk.sample for desk in library.desks),
        "towns (towns.yaml)": sum(SAMPLE_MARK in town.town for town in library.towns),
        "legal-aid hardship standard (legal_aid.yaml hardship_standard)": int(
            criteria is not None and criteria.hardship_standard.sample
        ),
        "legal service points (pufa directory import)": points,
        "village advisers (pufa advisers import)": advisers,
    }
    return [f"{n} {what}" for what, n in found.items() if n]


async def warn_about_sample_data(services: Services) -> None:
    if samples := await sample_data_in_use(services):
        log.warning(
            "still sample data: %s; replace them in the district's own copy of content/ "
            "(PUFA_CONTENT_DIR) and import the real lists before going live",
            ", ".join(samples),
        )
