"""Personal data rights (RGPD): « Mes données » (access and portability, art. 15 and 20),
« Supprimer mon compte » (art. 17) and the retention rules.  Import the modules directly
(``from mystage.services.privacy import my_data``)."""
