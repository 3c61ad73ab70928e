"""The French messages of the account forms and logins (shown next to a field or
above a form).  Pupils get their own wording (:mod:`pupil_signup`)."""

from __future__ import annotations

MSG_BAD_CREDENTIALS = "Identifiant ou mot de passe incorrect."
MSG_LOCKED = (
    "Votre compte est temporairement bloqué après plusieurs mots de passe incorrects. "
    "Réessayez dans 15 minutes, ou débloquez-le tout de suite : choisissez un nouveau mot "
    "de passe avec « Mot de passe oublié ? » ou recevez un lien de connexion par courriel."
)
MSG_SLOWED = (
    "Beaucoup de connexions ont échoué depuis votre réseau : chaque essai y est ralenti de "
    "quelques secondes, mais le bon mot de passe est toujours accepté."
)
MSG_RATE_LIMITED = "Trop de tentatives. Patientez quelques minutes avant de réessayer."
MSG_SIGNUP_RATE_LIMITED = (
    "Beaucoup de comptes ont été créés depuis votre connexion internet ces dernières "
    "heures. Réessayez dans une heure ou depuis une autre connexion."
)
MSG_NOT_ACTIVATED = (
    "Votre compte n'est pas encore activé : ouvrez le lien ou saisissez le code que nous "
    "vous avons envoyé. Vous pouvez demander un nouvel envoi."
)
# Accounts awaiting validation are validated by the MyStage team (a référent, a head who
# signed up with another address than the school's official mailbox): the wording says who,
# by role (a référent has no établissement).
MSG_PENDING_VALIDATION = (
    "Votre compte est en attente de validation par l'équipe MyStage. Vous recevrez un "
    "message dès qu'il sera validé."
)
MSG_PENDING_REFERENT = (
    "Votre compte de référent est en attente de validation par l'équipe MyStage, qui vérifie "
    "chaque demande d'accès aux statistiques d'un territoire. Vous recevrez un courriel dès "
    "qu'il sera validé."
)
MSG_PENDING_HEAD = (
    "Votre compte de chef d'établissement est en attente de validation par l'équipe MyStage "
    "(vous vous êtes inscrit avec une autre adresse que la boîte officielle de "
    "l'établissement). Vous recevrez un courriel dès qu'il sera validé."
)
MSG_REFUSED = "Votre demande d'inscription a été refusée. Contactez l'équipe MyStage."
MSG_DISABLED = "Ce compte est désactivé. Contactez l'équipe MyStage."
MSG_BLOCKED = (
    "Ce compte est bloqué par l'équipe MyStage : la connexion est impossible. "
    "Contactez l'équipe MyStage pour en savoir plus."
)
MSG_ACTIVATION_INVALID = (
    "Ce lien d'activation n'est plus valide (déjà utilisé ou expiré). "
    "Demandez un nouveau lien depuis la page de connexion."
)
MSG_CODE_INVALID = "Code incorrect ou expiré. Vérifiez le SMS reçu ou demandez un nouveau code."
MSG_RESET_INVALID = (
    "Ce lien n'est plus valide (déjà utilisé ou expiré). "
    "Demandez un nouveau lien de réinitialisation."
)
MSG_MAGIC_INVALID = (
    "Ce lien de connexion n'est plus valide (déjà utilisé ou expiré). Demandez-en un nouveau."
)
MSG_EMAIL_TAKEN = "Un compte existe déjà avec cette adresse."
MSG_PHONE_TAKEN = "Un compte existe déjà avec ce numéro."
MSG_EMAIL_INVALID = "Adresse e-mail invalide (exemple : prenom.nom@exemple.fr)."
MSG_PHONE_INVALID = "Numéro de téléphone portable invalide (exemple : 06 12 34 56 78)."
MSG_IDENTIFIER_REQUIRED = "Indiquez une adresse e-mail ou un numéro de téléphone portable."
MSG_FIRST_NAME_REQUIRED = "Indiquez votre prénom."
MSG_LAST_NAME_REQUIRED = "Indiquez votre nom."
MSG_NAME_TOO_LONG = "100 caractères au maximum."
MSG_TERMS_REQUIRED = "Vous devez accepter les conditions générales d'utilisation."
MSG_ROLE_INVALID = "Choisissez votre profil."
MSG_CURRENT_PASSWORD = "Mot de passe actuel incorrect."
MSG_SAME_PASSWORD = "Choisissez un mot de passe différent de l'actuel."
MSG_STAFF_SIGNUP = (
    "Les personnels d'établissement (chef d'établissement, professeurs, CPE…) créent leur "
    "compte sur la page « Espace établissement : créer un compte », avec leur établissement."
)
MSG_EMPLOYER_SIGNUP = (
    "Les employeurs créent leur compte avec leur structure sur la page « Créer un compte "
    "employeur »."
)
MSG_DEPARTMENT_INVALID = "Choisissez votre département dans la liste."
MSG_ACADEMY_INVALID = "Choisissez votre académie dans la liste."
MSG_REFERENT_EMAIL = (
    "Indiquez votre adresse électronique professionnelle : elle sert à confirmer votre "
    "compte, puis à vous prévenir de sa validation."
)
MSG_JOB_TITLE_TOO_LONG = "150 caractères au maximum."
