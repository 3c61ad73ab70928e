"""The conventions' states, one module per page or page group: :mod:`.lists` (« Mes conventions
de stage » and the school's « Conventions », with group signing), :mod:`.employer` and
:mod:`.school` (one convention: each party's form), :mod:`.preset` (« Modèle de convention de
l'établissement »), :mod:`.base` (what a convention's page shares).  Imported module by module
(no names re-exported here: other helpers add their own modules to this package)."""
