"""The conventions' pages: the employer's list and form (:mod:`.employer`), the school's list,
form (:mod:`.school`) and preset (:mod:`.preset`), from the pieces of :mod:`.parts`, and the
legal representative's signing link (:mod:`.sign_link`).  Each module registers its pages
when imported."""
