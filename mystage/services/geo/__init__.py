"""Geography: distances, bounding boxes, geocoding and place/school autocomplete.

Geocoding works offline from the embedded communes (``communes`` table: one row per
commune × postal code, with the commune centroid).  It understands a postal code
(« 93200 »), a department (« 77 », « 2A », « 974 », « Seine-et-Marne »), a commune name
with or without department or postal code (« Saint-Denis (93) », « Nantes 44000 »,
« saint denis », « ST-ETIENNE »), former commune names (« Cherbourg-Octeville ») and a
full address, reduced to its commune (« 12 rue de la Paix 44000 Nantes »).

When ``GEOCODER_URL`` is set, addresses go first to a BAN-compatible API
(api-adresse.data.gouv.fr: ``GET {url}/search/?q=…&limit=1``) with a short timeout; any
error, timeout or weak answer falls back to the embedded data.  No function here raises on
bad input: they return ``None`` or an empty list.

The place autocomplete (:func:`suggest_communes`) answers from an in-memory index of the
communes, built once per worker (``place_index``).

Prefix searches use the b-tree indexes on ``communes.search_name`` / ``postal_code`` as
explicit ranges (``col >= 'mea' AND col <= 'meazzz…'``): SQLite does not use an index for
``LIKE`` by default, nor does PostgreSQL under a non-C collation, but both use it for a
range.  A ``LIKE`` on the same prefix then removes any collation-order false positives.
"""

from mystage.services.geo.communes import (
    PRECISION_ADDRESS,
    PRECISION_COMMUNE,
    PRECISION_DEPARTMENT,
    GeoResult,
)
from mystage.services.geo.distance import (
    EARTH_RADIUS_KM,
    KM_PER_DEGREE,
    BBox,
    bbox,
    bbox_filter,
    haversine_km,
)
from mystage.services.geo.geocoding import geocode, geocode_address
from mystage.services.geo.place_index import reset as reset_place_index
from mystage.services.geo.suggestions import (
    suggest_communes,
    suggest_communes_if_loaded,
    suggest_schools,
    warm_place_index,
)

__all__ = [
    "BBox",
    "EARTH_RADIUS_KM",
    "GeoResult",
    "KM_PER_DEGREE",
    "PRECISION_ADDRESS",
    "PRECISION_COMMUNE",
    "PRECISION_DEPARTMENT",
    "bbox",
    "bbox_filter",
    "geocode",
    "geocode_address",
    "haversine_km",
    "reset_place_index",
    "suggest_communes",
    "suggest_communes_if_loaded",
    "suggest_schools",
    "warm_place_index",
]
