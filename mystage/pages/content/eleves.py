"""/eleves — written for pupils of 14: « tu », short sentences, concrete advice."""

from __future__ import annotations

from .blocks import Action, Actions, Bullets, Callout, Faq, Page, Para, Section, Steps, Sub
from .common import (
    DEFAULT_RADIUS_KM,
    EMERGENCY_NUMBERS,
    HOURS_RULE,
    MAX_INTERNSHIPS_PER_YEAR,
    REPLY_DAYS,
)

CTA_OFFERS = Action("Consulter les offres", "/offres", True, "cta-offres")
CTA_SIGNUP = Action("Créer mon compte élève", "/inscription?role=eleve", False, "cta-compte-eleve")

PAGE = Page(
    route="/eleves",
    title="Élèves",
    heading="Élèves : ton stage d'observation",
    lead=(
        "Une semaine pour découvrir un métier et le monde du travail. Voici comment trouver "
        "ton stage sur MyStage, étape par étape, et comment bien le vivre.",
    ),
    actions=(CTA_OFFERS, CTA_SIGNUP),
    sections=(
        Section(
            "stage",
            "C'est quoi, le stage d'observation ?",
            (
                Para(
                    "En 3e, tous les élèves font une « séquence d'observation en milieu "
                    "professionnel » : c'est le stage de 3e. Ton collège peut aussi en "
                    "organiser un en 4e. En 2de générale et technologique, le stage a lieu en "
                    "juin, aux dates fixées pour toute la France."
                ),
                Para(
                    "Pendant environ une semaine (cinq jours), tu es accueilli dans une "
                    "entreprise, une association, une administration ou une mairie. Tu "
                    "regardes comment les gens travaillent, tu poses des questions, tu "
                    "découvres des métiers. Tu n'es pas là pour travailler à la place de "
                    "quelqu'un : tu restes un élève, sous la responsabilité de ton "
                    "établissement, et tu n'es pas payé."
                ),
                Para(
                    "Il n'y a pas de « bon » ou de « mauvais » stage. Même un métier qui ne "
                    "t'attire pas au départ peut t'apprendre ce que tu aimes, ou pas, et "
                    "t'aider à choisir ton orientation."
                ),
            ),
        ),
        Section(
            "etapes",
            "Étape par étape",
            (
                Steps(
                    (
                        (
                            "Crée ton compte",
                            "Clique sur « Créer mon compte élève ». Indique ton adresse "
                            "électronique ou ton numéro de téléphone portable : tu reçois un "
                            "lien ou un code pour activer ton compte. Choisis ensuite ton "
                            "établissement et ta classe.",
                        ),
                        (
                            "Ton établissement t'autorise à postuler",
                            "Ton professeur principal te donne un formulaire d'autorisation "
                            "pour tes parents. Quand l'établissement a reçu leur accord, il "
                            "l'enregistre sur MyStage et tu peux postuler. En attendant, tu "
                            "peux déjà chercher des offres.",
                        ),
                        (
                            "Cherche une offre",
                            "Cherche par métier ou mot-clé, par ville et par semaine de stage. "
                            f"Au départ, tu vois les offres à moins de {DEFAULT_RADIUS_KM} km "
                            "de ton établissement, pendant tes semaines de stage. La carte "
                            "t'aide à repérer les lieux faciles d'accès depuis chez toi.",
                        ),
                        (
                            "Postule avec ta lettre de motivation et ton CV",
                            "Sur l'offre qui t'intéresse, clique sur « Postuler ». Écris un "
                            "texte de motivation pour cette offre et complète ton CV (il est "
                            "gardé pour les candidatures suivantes). Dans certains "
                            "établissements, un professeur vérifie ta candidature avant "
                            "qu'elle parte chez l'employeur.",
                        ),
                        (
                            "Suis tes réponses dans « Mes candidatures »",
                            "Tu vois où en est chaque candidature : envoyée, lue, à l'étude, "
                            "acceptée ou refusée. Tu reçois aussi un message par courriel ou "
                            "par SMS quand quelque chose change. L'employeur a "
                            f"{REPLY_DAYS} jours pour te répondre.",
                        ),
                        (
                            "Confirme ton stage",
                            "Quand un employeur accepte ta candidature, c'est à toi de "
                            "confirmer, après en avoir parlé avec tes parents. Tu ne confirmes "
                            "qu'une offre : tes autres candidatures pour la même semaine sont "
                            "alors retirées automatiquement, et les places libérées profitent "
                            "à d'autres élèves.",
                        ),
                        (
                            "La convention est signée avant le premier jour",
                            "La convention de stage est signée par ton établissement, par "
                            "l'employeur et par tes parents. Sans convention signée, le stage "
                            "ne peut pas commencer. Ton établissement t'explique comment elle "
                            "circule.",
                        ),
                    )
                ),
                Actions((CTA_OFFERS,)),
            ),
        ),
        Section(
            "conseils",
            "Nos conseils",
            (
                Sub(
                    "Ta lettre de motivation",
                    (
                        Bullets(
                            (
                                "Écris une lettre pour chaque offre : explique pourquoi ce "
                                "métier et cette structure t'intéressent.",
                                "Parle de toi : ce que tu aimes faire (sport, musique, "
                                "dessin, bricolage, jeux, bénévolat…) et une qualité que tu "
                                "peux montrer (curieux, ponctuel, à l'écoute, soigneux…).",
                                "Dis ce que tu aimerais découvrir pendant la semaine.",
                                "Reste simple : quelques phrases suffisent. Commence par "
                                "« Madame, Monsieur, » et termine par « Je vous remercie de "
                                "l'attention que vous porterez à ma candidature. »",
                                "Relis-toi et fais relire ta lettre (professeur, parent, "
                                "documentaliste) : l'orthographe compte.",
                                "Écris avec tes mots : l'employeur veut te connaître, toi.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Ton CV",
                    (
                        Bullets(
                            (
                                "Ta scolarité : ta classe, ton établissement, les matières que "
                                "tu préfères.",
                                "Tes centres d'intérêt et tes activités : ils en disent "
                                "beaucoup sur toi.",
                                "Les langues que tu parles, même un peu.",
                                "Pas besoin d'expérience professionnelle : c'est normal à ton âge.",
                                "Pas besoin de photo ni de ton adresse : l'employeur n'en a "
                                "pas besoin pour te répondre.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Le premier contact et l'entretien",
                    (
                        Bullets(
                            (
                                "Si l'employeur t'appelle ou t'écrit, réponds vite et note "
                                "la date, l'heure et l'adresse du rendez-vous.",
                                "Renseigne-toi avant : que fait cette entreprise ou ce "
                                "service ? Relis la fiche de l'offre.",
                                "Prépare deux ou trois questions : les horaires, la tenue à "
                                "prévoir, ce que tu vas voir.",
                                "Le jour du rendez-vous : arrive un peu en avance, dis "
                                "bonjour, présente-toi, range ton téléphone et regarde ton "
                                "interlocuteur.",
                                "Au téléphone ou par écrit, vouvoie l'employeur. Si tu ne peux "
                                "pas venir, préviens avant.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Pendant la semaine",
                    (
                        Bullets(
                            (
                                "Sois à l'heure tous les jours. En cas de retard ou "
                                "d'absence, préviens tout de suite ton tuteur et ton "
                                "établissement.",
                                "Respecte le règlement, les consignes de sécurité et la "
                                "confidentialité de ce que tu vois et entends.",
                                "Pose des questions : « En quoi consiste votre métier ? », "
                                "« Quelle formation avez-vous suivie ? », « Qu'est-ce qui "
                                "vous plaît le plus, et le moins ? », « Quelles qualités "
                                "faut-il pour ce métier ? ».",
                                "Demande avant de prendre des photos : ce n'est pas toujours "
                                "autorisé.",
                                "Prends des notes chaque jour : ce que tu as fait, les "
                                "personnes rencontrées, ce que tu as appris.",
                                "Le dernier jour, remercie ton tuteur et l'équipe.",
                            )
                        ),
                    ),
                ),
                Sub(
                    "Ton rapport de stage",
                    (
                        Para(
                            "Au retour, ton établissement te demande souvent un rapport ou "
                            "une présentation orale. Tes notes t'aideront : présente la "
                            "structure et ses métiers, raconte ce que tu as observé et dis ce "
                            "que tu en retiens pour ton orientation. Demande à ton tuteur les "
                            "documents que tu as le droit d'utiliser."
                        ),
                    ),
                ),
            ),
        ),
        Section(
            "vigilance",
            "Points de vigilance",
            (
                Callout(
                    "Tu ne paies jamais rien : ni pour postuler, ni pour obtenir une place, ni "
                    "pour une « formation » ou du matériel. Une offre qui te demande de "
                    "l'argent est une arnaque : parles-en à tes parents et à ton professeur "
                    "principal.",
                    title="Le stage est gratuit",
                    kind="vigilance",
                ),
                Bullets(
                    (
                        f"Tes horaires sont limités : {HOURS_RULE}. Ils sont écrits dans la "
                        "convention.",
                        "Tu observes : tu ne remplaces pas un salarié, tu n'utilises pas de "
                        "machine ou de produit dangereux, tu ne travailles pas en hauteur ni "
                        "sur des installations électriques.",
                        "Personne ne doit te demander tes mots de passe, des photos de toi ou "
                        "des informations personnelles qui n'ont rien à voir avec le stage, ni "
                        "te donner rendez-vous ailleurs que sur le lieu de stage.",
                        "Si quelque chose te met mal à l'aise (une remarque, un geste, une "
                        "consigne dangereuse, des horaires qui dépassent), tu as le droit de "
                        "dire non. Parles-en tout de suite à tes parents et à ton professeur "
                        "principal ou au CPE.",
                    )
                ),
                Callout(
                    "Numéros à connaître :",
                    title="En cas d'urgence",
                    kind="info",
                    items=EMERGENCY_NUMBERS,
                ),
            ),
        ),
        Section(
            "questions",
            "Questions fréquentes",
            (
                Faq(
                    (
                        (
                            "Combien de stages puis-je faire dans l'année ?",
                            "MyStage te permet de faire jusqu'à "
                            f"{MAX_INTERNSHIPS_PER_YEAR} stages dans l'année, si ton "
                            "établissement a prévu plusieurs semaines de stage. Le stage "
                            "obligatoire de 3e, lui, dure une semaine.",
                        ),
                        (
                            "Puis-je postuler à plusieurs offres ?",
                            "Oui, autant que tu veux, et c'est même conseillé. Écris une "
                            "lettre adaptée à chaque offre. Quand tu confirmes un stage, tes "
                            "autres candidatures pour la même semaine sont retirées "
                            "automatiquement.",
                        ),
                        (
                            "Je ne trouve pas d'offre, que faire ?",
                            (
                                "Élargis ta recherche : un métier proche, une autre ville, un "
                                "autre secteur. Reviens souvent : de nouvelles offres arrivent "
                                "toute l'année.",
                                "Tu peux aussi chercher autour de toi (commerces, mairie, "
                                "associations, entourage) : une structure qui n'est pas sur "
                                "MyStage peut t'accueillir, avec la convention de ton "
                                "établissement.",
                                "Surtout, parles-en tôt à ton professeur principal : il peut "
                                "t'aider et connaît des employeurs qui accueillent des élèves.",
                            ),
                        ),
                        (
                            "L'employeur ne me répond pas.",
                            f"Il a {REPLY_DAYS} jours pour répondre. Passé ce délai, ta "
                            "candidature expire : tu es prévenu et tu es libre de postuler "
                            "ailleurs. Continue tes recherches en attendant.",
                        ),
                        (
                            "Ma candidature a été refusée. Est-ce grave ?",
                            "Non. Les places sont limitées et les employeurs reçoivent souvent "
                            "plusieurs candidatures. Relis ta lettre, demande conseil et "
                            "postule à d'autres offres.",
                        ),
                        (
                            "Je ne peux pas cliquer sur « Postuler ».",
                            "Ton établissement doit d'abord enregistrer l'autorisation de tes "
                            "parents. Vérifie aussi que la semaine de l'offre correspond à "
                            "l'une de tes semaines de stage. Si le problème continue, demande "
                            "à ton professeur principal.",
                        ),
                        (
                            "Je n'ai pas d'adresse électronique.",
                            "Tu peux créer ton compte avec ton numéro de téléphone portable : "
                            "tu reçois un code par SMS, puis les nouvelles de tes "
                            "candidatures par SMS.",
                        ),
                        (
                            "Puis-je annuler un stage que j'ai confirmé ?",
                            "Seulement pour une vraie raison, et en prévenant l'employeur et "
                            "ton établissement : l'employeur a réservé du temps pour toi. Tu "
                            "peux annuler depuis « Mes candidatures » en expliquant pourquoi.",
                        ),
                        (
                            "Je suis en situation de handicap.",
                            "Certaines offres décrivent l'accessibilité des locaux et "
                            "l'environnement de travail : tu peux aussi chercher parmi ces "
                            "offres. Parle de tes besoins à ton établissement : il peut "
                            "prendre contact avec l'employeur pour préparer ton accueil.",
                        ),
                    )
                ),
                Actions((CTA_OFFERS, CTA_SIGNUP)),
            ),
        ),
    ),
)
