"""French material for the password strength estimator (:mod:`mystage.services.accounts.passwords`).

zxcvbn ships English dictionaries and QWERTY/Dvorak keyboards only: French passwords built on
« soleil », « jetaime », « azertyuiop » or « qsdfghjklm » score far too well without this.
Written for MyStage from common knowledge of how French-speaking people choose passwords
(words of affection, pets, football clubs, towns, first names, school words, French keyboard
rows); the order is a rough popularity order (rank 1 = guessed first).
"""

from __future__ import annotations

# Rows and walks of the French keyboards (AZERTY, BÉPO), also matched as keyboard patterns.
KEYBOARD_WALKS = (
    "azerty azertyuiop azertyuiopqsdfghjklmwxcvbn azertyu azertyui azertyuio azert azer "
    "qsdfghjklm qsdfghjkl qsdfghjk qsdfgh qsdfg qsdf wxcvbn wxcvb wxcv poiuytreza poiuytrez "
    "poiuyt mlkjhgfdsq mlkjhg nbvcxw ytreza aqwzsx aqwzsxedc aqwzsxedcrfv azqswx azqsdf "
    "azeqsd azeqsdwxc wxcqsdaze aqwxsz qsdfazer azerqsdf azertyqsdfgh nbvcxwmlkjhg "
    "bepo bepoe bepoevdljzw auie auiectsrn auiectsr ctsrn aqwzsxedcrfvtgbyhnujikolpm "
    "azerty123 azerty1234 azerty12345 azerty123456 azertyuiop123 azertyuiop1234 "
    "1234azerty 123azerty qsdf1234 wxcvbn123 azerty2020 azerty2024 azerty2025 azerty2026"
).split()

# Common French password words (no accents: the estimator also checks the password with its
# accents removed).
COMMON_WORDS = (
    "motdepasse jetaime soleil bonjour doudou loulou chouchou nicolas marseille "
    "chocolat camille princesse julien amour coucou naruto football bonheur bisous "
    "papillon olivier patrick thomas vincent caroline isabelle nathalie sandrine "
    "stephanie celine aurelie julie laura marine pauline manon chloe emma lea ines "
    "jade louise alice lina rose anna mila ambre lucas hugo louis nathan enzo gabriel "
    "jules arthur adam raphael mohamed rayan leo noah tom theo maxime antoine kevin "
    "alexandre romain quentin clement mathis baptiste florian guillaume sebastien "
    "frederic philippe christophe laurent pierre michel jeanne marie sophie catherine "
    "mamour moncoeur monamour mabiche mapuce macherie monchou moncheri bebe bebou "
    "nounours nounou cheval chevaux chaton chatte minou minette chien chienne lapin "
    "tigre lion loup licorne dragon dauphin panda fleur etoile lune ciel arcenciel "
    "paradis liberte famille maman papa mamie papi papy frere soeur enfant enfants "
    "garcon fille copain copine amitie amoureux amoureuse bisou calin tendresse "
    "motdepasse1 monmotdepasse pasdemotdepasse secret confidentiel tresor chance "
    "merci bravo salut bonsoir bienvenue toto titi tata tutu lolo lili nono nana "
    "azerty qwerty allezlesbleus lesbleus allezlom allezparis olympique om psg "
    "parisien paris lyon lille toulouse nantes bordeaux nice lens rennes strasbourg "
    "montpellier brest reims metz nancy rouen caen dijon angers tours grenoble "
    "meaux chelles melun provins fontainebleau bretagne alsace normandie corse "
    "france francais francaise marseillais ajaccio bastia saintetienne asse ogcnice "
    "foot basket rugby tennis handball judo danse musique guitare piano batterie "
    "vacances plage soleil123 ete hiver printemps automne noel paques anniversaire "
    "ecole college lycee classe eleve eleves professeur prof maitresse maitre "
    "stage monstage mystage stages stagiaire troisieme quatrieme seconde brevet bac "
    "diplome devoirs cantine recre recreation cahier cartable trousse vacances "
    "minecraft fortnite roblox pokemon pikachu dragonball onepiece tiktok snapchat "
    "instagram youtube netflix playstation nintendo xbox mario zelda sonic batman "
    "spiderman superman harrypotter starwars marvel barbie disney reinedesneiges "
    "blanche cendrillon bambi simba nemo chocolatine croissant baguette fromage "
    "pizza frites nutella crepe gateau bonbon sucre miel cerise fraise framboise "
    "pomme banane orange citron vanille caramel cafe the biere vin pastis "
    "jesus dieu ange angel demon diable enfer vampire zombie ninja pirate "
    "jaime jetadore jeteaime toujours pourtoujours avecmoi cestmoi moimeme "
    "nimportequoi nimporte quoi rien tout toutlemonde personne quelquun "
    "utilisateur administrateur admin invite test essai demo"
).split()

# French surnames seen most often (the English list already has the shared ones).
SURNAMES = (
    "martin bernard dubois thomas robert richard petit durand leroy moreau simon "
    "laurent lefebvre michel garcia david bertrand roux vincent fournier morel "
    "girard andre lefevre mercier dupont lambert bonnet francois martinez legrand "
    "garnier faure rousseau blanc guerin muller henry roussel nicolas perrin morin "
    "mathieu clement gauthier dumont lopez fontaine chevalier robin masson sanchez "
    "gerard nguyen boyer denis lemaire duval joly gautier roger roche roy noel "
    "meyer lucas meunier jean perez marchand dufour blanchard marie barbier brun "
    "dumas brunet schmitt leroux colin fernandez pierre renard arnaud rolland caron "
    "aubert giraud leclerc vidal bourgeois renaud lemoine picard gaillard philippe "
    "leclercq lacroix fabre dupuis olivier rodriguez da silva hubert louis charles "
    "guillot riviere le gall guillaume adam rey moulin gonzalez berger lecomte "
    "menard fleury deschamps carpentier julien benoit paris maillard marchal aubry "
    "vasseur le roux renault jacquet collet prevost poirier charpentier royer huet "
    "baron dupuy pons paul laine carre breton remy schneider perrot guyot barre "
    "marty cousin"
).split()

FRENCH_WORDS: tuple[str, ...] = tuple(dict.fromkeys(KEYBOARD_WALKS + COMMON_WORDS))
FRENCH_SURNAMES: tuple[str, ...] = tuple(dict.fromkeys(w for w in SURNAMES if len(w) > 2))

# Words of the site itself: a password made of them is guessed first.
SITE_WORDS = (
    "mystage",
    "monstage",
    "stage",
    "stages",
    "stagiaire",
    "college",
    "collège",
    "eleve",
    "élève",
    "lycee",
    "lycée",
    "ecole",
    "école",
    "stage3e",
    "troisieme",
    "employeur",
    "entreprise",
    "education",
    "academie",
    "1eleve1stage",
    "monstagedetroisieme",
)
