"""The « Statistiques » pages: the référents' dashboard ``/espace/statistiques``
(:mod:`.dashboard`) and the public figures ``/statistiques`` (:mod:`.public`).  Importing
the package registers both pages."""

from mystage.pages.stats.dashboard import statistics_page
from mystage.pages.stats.public import public_stats_page

__all__ = ["public_stats_page", "statistics_page"]
