"""The French messages of the school side (errors and refusals), one place for all."""

from __future__ import annotations

from mystage.services.schools.constants import MAX_RADIUS_KM

MSG_DENIED = "Vous n'avez pas accès à cet établissement ou à cette action."
MSG_HEAD_ONLY = "Action réservée au chef d'établissement."
MSG_NOT_ACTIVE_MEMBER = (
    "Votre accès à l'espace de l'établissement n'est pas encore ouvert : le chef "
    "d'établissement doit d'abord accepter votre demande."
)
MSG_SCHOOL_REQUIRED = "Choisissez votre établissement dans la liste (ville, puis nom)."
MSG_SCHOOL_CLOSED = "Cet établissement est fermé : choisissez-en un autre."
MSG_NO_ACADEMY = "L'académie de cet établissement est inconnue : contactez l'équipe MyStage."
MSG_HEAD_EMAIL = (
    "Utilisez l'adresse officielle de l'établissement ({official}) ou votre adresse "
    "académique (…@{domain})."
)
MSG_HEAD_OTHER_UAI = (
    "Cette adresse est celle d'un autre établissement (UAI {uai}). Vérifiez l'établissement "
    "choisi : son adresse officielle est {official}."
)
MSG_OTHER_ACADEMY = "Cette adresse n'est pas de {academy} : utilisez une adresse en …@{domain}."
MSG_STAFF_EMAIL = "Utilisez votre adresse académique (…@{domain})."
MSG_STAFF_OFFICIAL = (
    "Cette adresse est celle de l'établissement, réservée au chef d'établissement : "
    "utilisez votre adresse académique personnelle."
)
MSG_FUNCTION = "Choisissez votre fonction."
MSG_FUNCTION_OTHER = "Choisissez la fonction de cette personne."
MSG_CLASSES = "Choisissez des classes de l'établissement."
MSG_SCOPE = "Choisissez ce que cette personne peut voir."
MSG_SCOPE_CLASSES = "Choisissez au moins une classe, ou donnez accès à tout l'établissement."
MSG_PASSWORD_MISMATCH = "Les deux mots de passe ne sont pas identiques."
MSG_REQUEST_DONE = "Cette demande a déjà été traitée."
MSG_HEAD_NOT_REMOVABLE = "Le compte d'un chef d'établissement ne peut pas être retiré ici."
MSG_ALREADY_REMOVED = "Cette personne n'a plus accès à l'établissement."
MSG_INVITE_MEMBER = "Cette personne fait déjà partie de l'établissement."
MSG_INVITE_PENDING = (
    "Cette personne a déjà demandé à rejoindre l'établissement : acceptez sa demande "
    "dans la liste des demandes."
)
MSG_INVITE_ACCOUNT = (
    "Un compte MyStage existe déjà avec cette adresse : contactez l'équipe MyStage pour "
    "le rattacher à votre établissement."
)
MSG_INVITATION_INVALID = (
    "Cette invitation n'est plus valide (déjà utilisée, annulée ou expirée). Demandez une "
    "nouvelle invitation à votre chef d'établissement."
)
MSG_INVITATION_DONE = "Cette invitation a déjà été utilisée ou annulée."
MSG_CLASS_NAME = "Indiquez le nom de la classe (exemple : 3e A)."
MSG_CLASS_NAME_LONG = "60 caractères au maximum."
MSG_CLASS_NAME_TAKEN = "Une classe de l'établissement porte déjà ce nom."
MSG_CLASS_LEVEL = "Choisissez le niveau de la classe."
MSG_CLASS_NOT_EMPTY = (
    "Cette classe compte encore {n} élève(s) : déplacez-les d'abord dans une autre classe."
)
MSG_MOVE_SAME = "L'élève est déjà dans cette classe."
MSG_WEEK_INVALID = "Semaine invalide : choisissez des semaines dans le calendrier."
MSG_WEEK_WEEKEND = "Le {label} tombe un week-end : choisissez des semaines du lundi au vendredi."
MSG_WEEK_OUTSIDE = (
    "La semaine du {label} n'est pas dans l'année scolaire {year} (de septembre à juin)."
)
MSG_TOO_MANY_WEEKS = "Choisissez au plus {n} semaines."
MSG_YEAR = "Choisissez l'année scolaire en cours ou la suivante."
MSG_SEARCH_SCOPE = "Choisissez le périmètre de recherche des élèves."
MSG_RADIUS = f"Indiquez un rayon entre 1 et {MAX_RADIUS_KM} km."
MSG_AUTH_DATE = "Indiquez la date de l'autorisation (jj/mm/aaaa)."
MSG_AUTH_FUTURE = "La date ne peut pas être dans le futur."
MSG_AUTH_OLD = "Cette date est trop ancienne : indiquez une date de cette année scolaire."
MSG_AUTH_NONE = "Aucune autorisation n'est enregistrée pour cet élève."
# A lycée the ministry's data list without a 2de GT (shown in its space; nothing when unknown).
MSG_NO_SECONDE = (
    "D'après les données du ministère, cet établissement n'a pas de classe de 2de générale "
    "et technologique."
)
