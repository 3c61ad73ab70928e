"""One application: the employer's pages (:mod:`.employer`: decisions, « Impression PDF »)
and the school's page (:mod:`.school`: « Valider » / « Refuser »), built from the same
blocks (:mod:`.blocks`) and frame with its decision dialog (:mod:`.detail`).  Each module
registers its pages when imported (``mystage/mystage.py`` imports them)."""
