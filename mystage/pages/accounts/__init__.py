"""Account pages: login, sign-up, activation, recovery, « Mon espace » / « Mon compte », the
administrators' validation screen and the development mailbox.  Each module registers its
pages when imported (:mod:`mystage.mystage` imports them all)."""
