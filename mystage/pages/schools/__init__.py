"""The school space's pages, one module per page or page group (each registers its pages
with ``@page`` when imported; :mod:`mystage.mystage` imports them all): :mod:`.signup`
(staff sign-up, invitation), :mod:`.dashboard`, :mod:`.class_tracking` (a class's table),
:mod:`.authorization_sheet` (its printable authorization form), :mod:`.class_roster` (its
list of pupils), :mod:`.class_signup` (signing up into a class by code or invitation),
:mod:`.pupil`, :mod:`.team`, :mod:`.classes`, :mod:`.internship_weeks`,
:mod:`.school_settings`; :mod:`.parts` holds the pieces they share."""
