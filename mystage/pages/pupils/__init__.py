"""The pupil's pages, one module per page: « Postuler » (:mod:`.apply`), « Mes candidatures »
(:mod:`.my_applications`), « Mon CV » (:mod:`.cv`), « Mes favoris » (:mod:`.favorites`);
:mod:`.common`: the sub-menu and the page frame they share.  Each module registers its
page when imported (``mystage/mystage.py`` imports them all)."""
