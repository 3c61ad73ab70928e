"""Footer pages: contact, mentions légales, accessibility statement, personal data.

Every detail that belongs to the organisation deploying MyStage is written between square
brackets (« [Nom de l'organisme qui déploie MyStage] ») and highlighted on screen: fill
them in before going live.  The rest describes what the software really does.
"""

from .accessibilite import ACCESSIBILITE
from .contact import CONTACT
from .donnees import DONNEES
from .mentions import MENTIONS

PAGES = (CONTACT, MENTIONS, ACCESSIBILITE, DONNEES)
