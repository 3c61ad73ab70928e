"""State of the « Statistiques » pages: the référents' dashboard (:mod:`.dashboard`) and the
public figures (:mod:`.public`), also shown on the home page."""

from mystage.state.stats.dashboard import StatsState
from mystage.state.stats.public import (
    PublicStatsState,
    clear_cache,
    figures,
    parse_year,
    territory_department,
)

__all__ = [
    "PublicStatsState",
    "StatsState",
    "clear_cache",
    "figures",
    "parse_year",
    "territory_department",
]
