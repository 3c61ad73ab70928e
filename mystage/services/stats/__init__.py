"""Statistics (« Statistiques »): référents' dashboards, public figures, off-platform figures.

Who sees what (:func:`scope_for`)
---------------------------------
- référent départemental: its ``department_code``;
- référent académique: the départements of its ``academy`` (table ``departments``);
- référent central and admin: all of France (``departments = None``); a référent central
  bound to one ministry (``users.ministry``, see :mod:`mystage.services.ministries`) sees
  only the offers of that ministry (``offers.ministry``) and the applications made to them
  (``Scope.ministry``, forced on the filters by :func:`clamp`), the schools and the
  off-platform figures stay national (they do not depend on offers);
- anyone else (pupils, parents, school staff, employers, operators, anonymous, inactive
  accounts): refused (:class:`~mystage.services.permissions.PermissionDenied`).

An offer belongs to the département of its place (``offers.department_code``); an
application to the département of its offer; a school to its own département.  So a
départemental référent sees the offers of its département, the applications made to them
(whichever the pupil's school) and the schools of its département — nothing else.

Filters (:class:`Filters`, built from anything by :func:`parse_filters`): school year,
département or académie (always intersected with the scope: a filter outside the scope
is *clamped* to the scope with a notice, never widened), sector, structure type
(public / privé / association), ministry or « institution de tutelle » of public employers
(always the bound ministry of a ministry-bound référent central), priority education of
the pupil's school (REP+, REP, REP ou REP+, QPV, hors éducation prioritaire) and level
(4e, 3e, 2de: the offer accepts the level; for applications, the pupil's level).  The
REP/QPV filter concerns pupils and schools, so it leaves offer counts and places offered
unchanged.

Figures (every one an aggregate SQL query over the data — no hand-edited numbers):

- tiles: offers published (published once and not removed, of the school year), places
  offered (sum of the places of their weeks), places filled (confirmed applications),
  fill rate, applications, pupils with a confirmed internship (distinct pupils),
  schools eligible / registered, with the REP and REP+ counts;
- charts: places offered vs filled per month (month of the internship week),
  applications by state, offers / places / fill rate by sector, by structure type, REP+ /
  REP / QPV / others, top communes and the points of a clustered map of offers by commune;
- off-platform internships (« stages pourvus hors plateforme », seed 001) by structure
  type and by sector, entered by partner associations and référents.

Live queries and the summary table
----------------------------------
Every chart is ``SELECT key, sum(measures) FROM <facts> GROUP BY key`` where ``<facts>``
is a ``UNION ALL`` of one row per offer, per offer week and per application, carrying
the dimensions the chart needs (:func:`_facts`).  At national scale (200,000 offers,
3 million applications) scanning the applications takes seconds, and even a
département's queries read national-size tables with PostgreSQL's default plans, so the
job ``stats_refresh`` (``mystage/jobs/exports.py``) stores the same aggregates per
(school year, département, key) in ``stats_summary`` (:data:`SUMMARY`), built by the same
``<facts>`` queries.  :func:`dashboard` reads the summary when it exists and is filled
for the year and no fine filter (sector, structure type, ministry, REP/QPV, level) is
set — for France, an académie or a département alike; otherwise it runs the live queries
(a fine filter is selective).  The result says which (``source``) and when the summary was
computed (``updated_at``).  Tests check that both give the same figures.

Distinct pupils cannot be added up over départements: the summary keeps exact rows for
France, each académie and each département; any other set of départements is counted
live.
"""

from mystage.services.permissions import PermissionDenied
from mystage.services.stats.charts import GROUPED_KEYS, KINDS
from mystage.services.stats.dashboard import dashboard, fmt_rate, map_html, public_figures
from mystage.services.stats.filters import Filters, clamp, filter_options, parse_filters
from mystage.services.stats.off_platform import (
    add_off_platform_figure,
    delete_off_platform_figure,
    list_off_platform_figures,
)
from mystage.services.stats.scope import (
    EP_FILTERS,
    EP_KINDS,
    LEVELS,
    MSG_COUNT,
    MSG_DENIED,
    MSG_DEPARTMENT_SCOPE,
    MSG_LEVEL,
    MSG_MINISTRY,
    MSG_MINISTRY_SCOPE,
    MSG_OFF_DENIED,
    MSG_OFF_NOT_FOUND,
    NO_SECTOR,
    STRUCTURE_TYPES,
    Scope,
    can_enter_off_platform,
    can_view_stats,
    scope_for,
)
from mystage.services.stats.sql import (
    SUMMARY,
    SUMMARY_METADATA,
    application_conditions,
    off_platform_conditions,
    offer_conditions,
    structure_type_expr,
    summary_exists,
)
from mystage.services.stats.summary import chart_rows, refresh_summary

__all__ = [
    "EP_FILTERS",
    "EP_KINDS",
    "Filters",
    "GROUPED_KEYS",
    "KINDS",
    "LEVELS",
    "MSG_COUNT",
    "MSG_DENIED",
    "MSG_DEPARTMENT_SCOPE",
    "MSG_LEVEL",
    "MSG_MINISTRY",
    "MSG_MINISTRY_SCOPE",
    "MSG_OFF_DENIED",
    "MSG_OFF_NOT_FOUND",
    "NO_SECTOR",
    "PermissionDenied",
    "STRUCTURE_TYPES",
    "SUMMARY",
    "SUMMARY_METADATA",
    "Scope",
    "add_off_platform_figure",
    "application_conditions",
    "can_enter_off_platform",
    "can_view_stats",
    "chart_rows",
    "clamp",
    "dashboard",
    "delete_off_platform_figure",
    "filter_options",
    "fmt_rate",
    "list_off_platform_figures",
    "map_html",
    "off_platform_conditions",
    "offer_conditions",
    "parse_filters",
    "public_figures",
    "refresh_summary",
    "scope_for",
    "structure_type_expr",
    "summary_exists",
]
