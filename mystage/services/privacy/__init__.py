"""Personal data rights (RGPD): « Mes données » (access and portability, art. 15 and 20) and
« Supprimer mon compte » with the retention rules (art. 17).  Import the modules directly
(``from mystage.services.privacy import my_data``)."""
