"""Pages, one package per domain (the same names as in ``state/`` and ``services/``).

Importing a page module registers its pages (``components.layout.page``);
:func:`import_all_pages` imports every module below this package, so a new page module needs
no list to be kept up to date.
"""

import importlib
import pkgutil


def import_all_pages() -> None:
    for module in pkgutil.walk_packages(__path__, __name__ + "."):
        importlib.import_module(module.name)
