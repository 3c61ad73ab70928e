"""The pupil's space: « Postuler », « Mes candidatures », « Mon CV », « Mes favoris » and
the pupil section of « Mon espace », one module per page (:mod:`.common`: what they share).

Thin: every handler re-derives the caller from the session cookie and hands it to
:mod:`mystage.services.pupils`, which checks the role (active pupil) and the ownership of
every id.
"""

from mystage.state.pupils.apply import MSG_BUSY, ApplyState
from mystage.state.pupils.common import APPLICATIONS_URL, CV_URL, FAVORITES_URL
from mystage.state.pupils.cv import CVState
from mystage.state.pupils.favorites import FavoritesState
from mystage.state.pupils.my_applications import MyApplicationsState, PupilSpaceState

__all__ = [
    "APPLICATIONS_URL",
    "CV_URL",
    "FAVORITES_URL",
    "MSG_BUSY",
    "ApplyState",
    "CVState",
    "FavoritesState",
    "MyApplicationsState",
    "PupilSpaceState",
]
