"""« Rechercher un stage »: the public offer search, its URL form, the home counter, the map.

Criteria (:class:`SearchCriteria`) live in the URL of ``/offres`` (:meth:`SearchCriteria.
to_query` / :meth:`SearchCriteria.from_query`); :func:`search` answers one page of small
dicts with the total, errors per field (French) and, when nothing matches, suggestions of
wider searches that do return offers.

What a search shows
-------------------
- Published offers with places left whose application window has opened
  (``application_start <= today``, a missing bound is open).  An offer whose window has
  ended (« Suspendre les candidatures », seed 003) stays listed with
  ``applications_closed`` (« Candidatures closes », no « Postuler »).  With
  « Voir toutes les offres » (``show_all``) published and full offers whatever their
  places and window — never drafts, unpublished, past or removed ones.
- Eligibility (``viewer``: the dict of :func:`viewer_context`, or a ``User``):

  * offers reserved to named schools (``reserved_schools`` + ``offer_schools``) show only
    to pupils of one of those schools;
  * ``reserved_rep`` offers only to pupils whose school is REP or REP+;
  * ``reserved_qpv`` offers only to pupils whose school is in a QPV;
  * an offer with several reservations needs all of them (conjunction: no restriction
    ever leaks through another one);
  * anonymous visitors and accounts that are not pupils (no school of their own to be
    eligible with) see REP- and QPV-reserved offers — with the badges ``reserved_rep`` /
    ``reserved_qpv`` so the UI says « Réservé aux élèves de collèges REP/REP+ » — because
    they tell families and schools what the platform offers, but never offers reserved to
    named schools, which are private to those schools.
- Keywords: ``offers.search_text`` holds every folded word of the offer and its stem
  (:func:`mystage.services.text.index_tokens`); every word typed must match (AND), either
  as a prefix of the offer's words (« boul » → « boulangerie ») or by its stem as a whole
  stem (« boulangère » → ``boulang`` → « Boulangerie du coin », « bancaire » → ``banc``
  → the sector « Banque et assurance ») — never as a prefix of its stem: « électricien »
  does not find « électronique » (``electr*``), and a trade in « -icien » keeps its name
  (« mécanicien » ≠ « mécanique »).  Offers holding more of the words exactly come first
  (:func:`sql.keyword_rank`), then the usual order.  SQLite: FTS5 ``offers_fts``
  (``("boulangere"* OR "boulang")``); PostgreSQL: ``to_tsvector('simple', search_text)
  @@ to_tsquery('simple', '(boulangere:* | boulang)')`` (the GIN index of migration
  0002).  Terms are reduced to ``[a-z0-9]`` and bound as parameters: anything typed, SQL
  included, is only ever words to look for.  After a change of what the index holds,
  ``python -m mystage reindex-search`` (run by ``setup``) rewrites the stored words.
- Place (``where``) through :func:`mystage.services.geo.geocode`: a department (« 77 »,
  « Seine-et-Marne ») filters ``department_code`` with no radius and no distance; a
  postal code, commune or address gives a center and a radius of 0–60 km (indexed
  bounding box, then the exact great-circle distance in SQL; results sorted by distance
  then newest).  Radius 0 means « this commune only »: offers of the same INSEE commune,
  plus any offer within 3 km of the center (a commune's offers geocoded at the street
  level, or a place given by its address).
- Weeks: offers with at least one of the given Mondays with places left (any of those
  weeks with ``show_all``), or offers open all year.  With a level, an offer's national
  2de weeks (June, ``seconde_period``) count only for a 2de search (and « toute l'année »
  does not: it is the collégiens' calendar), never for a collège level; the cards show
  the weeks of the level asked.

Query design (figures: ``bench/search.py``, 200,000 offers)
---------------------------------------------------------
- The filters are one WHERE clause shared by the page query, the COUNT, the
  suggestions' COUNTs and the map, the same SQL on SQLite and PostgreSQL but for the
  keyword condition.  The page query picks the 30 ids of the page in a derived table and
  only then joins the sector and aggregates those 30 offers' weeks into one string: ONE
  statement per page, plus at most ONE COUNT.
- Total: when the order has to see every match anyway (by distance, or keyword matches)
  the page query also counts them with ``count(*) OVER ()``; newest-first searches stop
  at the 30th offer of the ``published_at`` order and take the total from a COUNT (see
  :attr:`_Plan.sorts_all`).  Suggestions count up to 101 only.
- Distance: indexed bounding box on latitude/longitude, then the haversine term
  ``a = hav(Δφ) + cos φ0 · cos φ · hav(Δλ)`` compared with ``hav(r / R)`` (monotonic in
  the distance: no asin/sqrt in SQL, and the sort uses ``a`` as well); Python turns ``a``
  back into kilometres for the 30 rows shown.  Only ``cos`` is needed from SQL:
  PostgreSQL has it, SQLite has it when compiled with math functions (3.35+), otherwise
  a Python ``cos`` is registered on each connection.
- Weeks: ``all_year OR id IN (SELECT offer_id FROM offer_weeks WHERE week_start IN …
  AND places > places_taken)`` — not correlated, so the set is built once from the
  partial index ``ix_offer_weeks_free`` and probed per candidate; with keywords (a few
  thousand candidates at most) a correlated EXISTS, cheaper than building that set.
- Indexes (migration 0004): three covering b-tree indexes hold the base filter and the
  usual criteria (level, sector, all year), so counts and the choice of a page read index
  entries, never the wide offer rows: ``ix_offers_search_geo`` (latitude, longitude, …)
  for places, ``ix_offers_search_recent`` (state, published_at, …) for newest first,
  ``ix_offers_search_count`` (state, places_left, …) for the total of France.
- With keywords « newest first » sorts on ``coalesce(published_at, created_at)``, which
  no index provides: PostgreSQL keeps the GIN index instead of walking ``published_at``
  and testing every row's text.
- The app's own layer stays thin (``bench/search.py``: within 1.2× of the same SQL on a
  raw cursor): the SQL expressions that repeat (base filter per viewer and day, place and
  radius, weeks, keywords, the cards' columns) are built once and reused — they are
  immutable; the cards are mapped from row tuples with memoised week dates and labels;
  arithmetic stays in floats (no ``NUMERIC`` division on PostgreSQL); no ping per
  checkout (``db._ping_if_idle``).
"""

from mystage.services.search.criteria import (
    DEFAULT_RADIUS_KM,
    MAX_RADIUS_KM,
    MSG_PLACE,
    MSG_RADIUS,
    MSG_WEEK,
    SUGGESTION_CAP,
    SearchCriteria,
    from_query,
    normalize,
)
from mystage.services.search.overview import count_available, map_points
from mystage.services.search.page import (
    SearchResult,
    criteria_count,
    plural,
    results_place,
    weeks_summary,
)
from mystage.services.search.run import search
from mystage.services.search.sql import fts_terms
from mystage.services.search.viewer import viewer_context

__all__ = [
    "DEFAULT_RADIUS_KM",
    "MAX_RADIUS_KM",
    "MSG_PLACE",
    "MSG_RADIUS",
    "MSG_WEEK",
    "SUGGESTION_CAP",
    "SearchCriteria",
    "SearchResult",
    "count_available",
    "criteria_count",
    "from_query",
    "fts_terms",
    "map_points",
    "normalize",
    "plural",
    "results_place",
    "search",
    "viewer_context",
    "weeks_summary",
]
