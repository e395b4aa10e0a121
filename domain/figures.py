"""The exports of counts only (no personal data), by name. Each takes the same arguments
(session, period, fmt, library, tz), so `pufa export` and `/export` share this one list."""

from collections.abc import Awaitable, Callable

from documents.tables import Table
from domain.reach import export_reach
from domain.satisfaction import export_satisfaction
from domain.tickets import export_tickets

FIGURES: dict[str, Callable[..., Awaitable[Table]]] = {
    "satisfaction": export_satisfaction,
    "reach": export_reach,
    "tickets": export_tickets,
}
