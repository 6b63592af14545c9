"""The French words of the demo: partner authorities with real place names, and the
phrases needs, dossiers and mission reports are written from.

Texts are composed from these pools with a seeded random generator, so that the same
seed always writes the same report. Each theme has its own vocabulary (« déchets »
belongs to the environment, « budget participatif » to governance), so that the
library's full-text search finds a realistic share of reports for a word. Nothing
here touches the database: the apps' `demo.py` modules call these functions.
"""

from __future__ import annotations

import random

# Country code → (country name in French, working language, embassy name, embassy city,
# partner authorities as (name, kind, place)). Kinds are MissionRequest.PartnerKind values.
COUNTRIES: dict[str, tuple[str, str, str, str, list[tuple[str, str, str]]]] = {
    "SN": (
        "Sénégal",
        "fr",
        "Ambassade de France au Sénégal",
        "Dakar",
        [
            ("Ville de Thiès", "municipality", "Thiès, région de Thiès"),
            ("Commune de Saint-Louis", "municipality", "Saint-Louis, région de Saint-Louis"),
            ("Commune de Ziguinchor", "municipality", "Ziguinchor, Casamance"),
            ("Ville de Dakar", "municipality", "Dakar, région de Dakar"),
            ("Commune de Kaolack", "municipality", "Kaolack, région de Kaolack"),
            ("Conseil départemental de Podor", "province", "Podor, région de Saint-Louis"),
            ("Commune de Rufisque", "municipality", "Rufisque, région de Dakar"),
            ("Commune de Mbour", "municipality", "Mbour, Petite-Côte"),
            ("Commune de Tambacounda", "municipality", "Tambacounda, Sénégal oriental"),
            ("Commune de Louga", "municipality", "Louga, région de Louga"),
        ],
    ),
    "MA": (
        "Maroc",
        "fr",
        "Ambassade de France au Maroc",
        "Rabat",
        [
            ("Commune d’Agadir", "municipality", "Agadir, région Souss-Massa"),
            ("Commune de Fès", "municipality", "Fès, région Fès-Meknès"),
            (
                "Commune de Chefchaouen",
                "municipality",
                "Chefchaouen, région Tanger-Tétouan-Al Hoceïma",
            ),
            ("Région de l’Oriental", "region", "Oujda, région de l’Oriental"),
            ("Commune d’Essaouira", "municipality", "Essaouira, région Marrakech-Safi"),
            ("Commune de Tanger", "municipality", "Tanger, région Tanger-Tétouan-Al Hoceïma"),
            ("Région Souss-Massa", "region", "Agadir, région Souss-Massa"),
        ],
    ),
    "TN": (
        "Tunisie",
        "fr",
        "Ambassade de France en Tunisie",
        "Tunis",
        [
            ("Commune de Sfax", "municipality", "Sfax, gouvernorat de Sfax"),
            ("Commune de Sousse", "municipality", "Sousse, gouvernorat de Sousse"),
            ("Commune de Bizerte", "municipality", "Bizerte, gouvernorat de Bizerte"),
            ("Commune de Kairouan", "municipality", "Kairouan, gouvernorat de Kairouan"),
            ("Commune de Tozeur", "municipality", "Tozeur, gouvernorat de Tozeur"),
            ("Commune de Mahdia", "municipality", "Mahdia, gouvernorat de Mahdia"),
        ],
    ),
    "BJ": (
        "Bénin",
        "fr",
        "Ambassade de France au Bénin",
        "Cotonou",
        [
            ("Ville de Cotonou", "municipality", "Cotonou, département du Littoral"),
            ("Ville de Porto-Novo", "municipality", "Porto-Novo, département de l’Ouémé"),
            ("Commune d’Abomey", "municipality", "Abomey, département du Zou"),
            ("Commune de Ouidah", "municipality", "Ouidah, département de l’Atlantique"),
            ("Ville de Parakou", "municipality", "Parakou, département du Borgou"),
            ("Commune de Natitingou", "municipality", "Natitingou, département de l’Atacora"),
        ],
    ),
    "MG": (
        "Madagascar",
        "fr",
        "Ambassade de France à Madagascar",
        "Antananarivo",
        [
            ("Commune urbaine d’Antananarivo", "municipality", "Antananarivo, Analamanga"),
            ("Commune urbaine de Mahajanga", "municipality", "Mahajanga, Boeny"),
            ("Commune urbaine de Toamasina", "municipality", "Toamasina, Atsinanana"),
            ("Commune urbaine de Fianarantsoa", "municipality", "Fianarantsoa, Haute Matsiatra"),
            ("Région Atsinanana", "region", "Toamasina, Atsinanana"),
            ("Commune urbaine d’Antsirabe", "municipality", "Antsirabe, Vakinankaratra"),
        ],
    ),
    "VN": (
        "Viêt Nam",
        "fr",
        "Ambassade de France au Viêt Nam",
        "Hanoï",
        [
            ("Comité populaire de la ville de Hué", "municipality", "Hué, Thừa Thiên-Huế"),
            ("Comité populaire de Da Nang", "municipality", "Da Nang, centre du Viêt Nam"),
            ("Province de Lào Cai", "province", "Lào Cai, nord du Viêt Nam"),
            ("Comité populaire de Cần Thơ", "municipality", "Cần Thơ, delta du Mékong"),
            ("Comité populaire de Hội An", "municipality", "Hội An, Quảng Nam"),
            ("Comité populaire de Hải Phòng", "municipality", "Hải Phòng, delta du fleuve Rouge"),
        ],
    ),
    "KH": (
        "Cambodge",
        "fr",
        "Ambassade de France au Cambodge",
        "Phnom Penh",
        [
            ("Province de Siem Reap", "province", "Siem Reap, Angkor"),
            ("Municipalité de Battambang", "municipality", "Battambang, nord-ouest du Cambodge"),
            ("Capitale de Phnom Penh", "municipality", "Phnom Penh"),
            ("Province de Kampot", "province", "Kampot, côte sud"),
            ("Province de Kep", "province", "Kep, côte sud"),
        ],
    ),
    "AM": (
        "Arménie",
        "en",
        "Ambassade de France en Arménie",
        "Erevan",
        [
            ("Municipalité d’Erevan", "municipality", "Erevan"),
            ("Communauté de Gumri", "municipality", "Gumri, province de Shirak"),
            ("Communauté de Vanadzor", "municipality", "Vanadzor, province de Lori"),
            ("Communauté de Dilidjan", "municipality", "Dilidjan, province de Tavush"),
            ("Province de Syunik", "province", "Goris, province de Syunik"),
        ],
    ),
    "UA": (
        "Ukraine",
        "en",
        "Ambassade de France en Ukraine",
        "Kyiv",
        [
            ("Ville d’Odessa", "municipality", "Odessa, oblast d’Odessa"),
            ("Ville de Lviv", "municipality", "Lviv, oblast de Lviv"),
            ("Ville de Tchernihiv", "municipality", "Tchernihiv, oblast de Tchernihiv"),
            ("Ville de Mykolaïv", "municipality", "Mykolaïv, oblast de Mykolaïv"),
            ("Ville de Vinnytsia", "municipality", "Vinnytsia, oblast de Vinnytsia"),
            ("Ville d’Irpin", "municipality", "Irpin, oblast de Kyiv"),
        ],
    ),
    "CO": (
        "Colombie",
        "es",
        "Ambassade de France en Colombie",
        "Bogota",
        [
            ("Alcaldía de Medellín", "municipality", "Medellín, Antioquia"),
            ("Gobernación de Antioquia", "province", "Medellín, Antioquia"),
            ("Alcaldía de Cali", "municipality", "Cali, Valle del Cauca"),
            ("Alcaldía de Cartagena de Indias", "municipality", "Carthagène des Indes, Bolívar"),
            ("Alcaldía de Manizales", "municipality", "Manizales, Caldas"),
            ("Alcaldía de Barranquilla", "municipality", "Barranquilla, Atlántico"),
        ],
    ),
}

# Theme slug → the vocabulary of its needs and reports.
# (need, expected results, activities, results, recommendations, follow-up, lessons)
THEME_WORDS: dict[str, dict[str, list[str]]] = {
    "gouvernance-locale-decentralisation": {
        "need": [
            "mettre en place un budget participatif dans plusieurs quartiers",
            "organiser la concertation des habitants sur le budget communal",
            "préparer le transfert de compétences prévu par la loi de décentralisation",
            "structurer les commissions du conseil municipal et leur suivi",
        ],
        "expected": [
            "un règlement du budget participatif adopté par le conseil",
            "une méthode de concertation partagée par les élus et les services",
            "un organigramme et des fiches de poste adaptés aux nouvelles compétences",
        ],
        "activities": [
            "Des ateliers ont réuni les élus, les chefs de quartier et les services financiers "
            "autour du cycle budgétaire et de la place des habitants dans les arbitrages.",
            "L’équipe a présenté le budget participatif d’arrondissement et ses règles de vote, "
            "puis les a adaptées avec le secrétaire général aux délais de la collectivité.",
            "Une séance publique de restitution a été organisée à la mairie, avec traduction, "
            "devant près de deux cents habitants.",
            "Les experts ont accompagné la commission des finances dans la lecture du compte "
            "administratif et la préparation des orientations budgétaires.",
            "Des entretiens avec la tutelle déconcentrée ont permis de clarifier le calendrier "
            "du transfert de compétences et des ressources qui l’accompagnent.",
        ],
        "results": [
            "Le conseil a adopté un règlement du budget participatif et réservé une enveloppe "
            "aux projets proposés par les habitants.",
            "Trois quartiers pilotes ont désigné leurs représentants et déposé leurs premiers "
            "projets.",
            "Le calendrier budgétaire intègre désormais une phase de concertation publique.",
            "Les services disposent d’un tableau de bord de l’exécution budgétaire partagé "
            "avec les élus.",
        ],
        "recommendations": [
            "Associer les associations de quartier dès la conception des règles du vote.",
            "Publier chaque année la liste des projets retenus et leur état d’avancement.",
            "Former un binôme élu-technicien référent de la participation citoyenne.",
            "Inscrire la concertation dans le règlement intérieur du conseil.",
        ],
        "follow_up": [
            "une mission de suivi après le premier vote des habitants",
            "un échange à distance avec les services financiers avant le vote du budget",
            "l’accueil d’une délégation d’élus lors du prochain forum de la démocratie locale",
        ],
        "lessons": [
            "Prévoir un temps de traduction dans la langue locale pour les réunions publiques.",
            "La gouvernance partagée avance plus vite quand la tutelle est associée tôt.",
        ],
    },
    "environnement-climat-biodiversite": {
        "need": [
            "améliorer la collecte et le traitement des déchets ménagers",
            "élaborer un plan climat territorial et un inventaire des émissions",
            "protéger une zone humide menacée par l’urbanisation",
            "mettre en place le tri à la source des déchets du marché central",
        ],
        "expected": [
            "un schéma de collecte des déchets chiffré et un calendrier de mise en œuvre",
            "un plan climat adopté, avec ses indicateurs de suivi",
            "un plan de gestion de la zone humide partagé avec les riverains",
        ],
        "activities": [
            "Les experts ont parcouru les circuits de collecte avec les agents de propreté et "
            "relevé les points de dépôt sauvage des déchets.",
            "Un diagnostic de la décharge a été conduit avec le service technique : volumes, "
            "lixiviats, brûlage à l’air libre et risques pour les riverains.",
            "Un atelier sur le compostage des déchets verts du marché a réuni les commerçants "
            "et une association de femmes maraîchères.",
            "L’équipe a présenté l’inventaire des émissions de gaz à effet de serre et la "
            "méthode du plan climat-air-énergie territorial.",
            "Une sortie de terrain dans la mangrove a permis d’identifier les espèces "
            "protégées et les zones de remblai illégal.",
        ],
        "results": [
            "Un schéma de pré-collecte des déchets par quartier a été validé, avec les "
            "groupements d’intérêt économique chargés des charrettes.",
            "Deux points de tri pilotes ont été installés près du marché central.",
            "Le conseil a délibéré sur la création d’une brigade verte et d’un numéro d’alerte.",
            "Un inventaire des émissions a été établi pour le patrimoine communal.",
        ],
        "recommendations": [
            "Fermer progressivement la décharge sauvage et aménager un centre de transfert.",
            "Financer la collecte des déchets par une redevance modulée selon les quartiers.",
            "Classer la zone humide et y interdire les remblais.",
            "Associer les écoles à une campagne de sensibilisation au tri.",
        ],
        "follow_up": [
            "un appui à la rédaction du cahier des charges du centre de transfert",
            "une mission de suivi sur la valorisation du compost",
            "une candidature commune à un appel à projets climat de la DAECT",
        ],
        "lessons": [
            "Les déchets sont d’abord une question de financement du service, avant d’être "
            "une question de matériel.",
            "La biodiversité se protège mieux avec les pêcheurs et les riverains qu’avec une "
            "seule interdiction.",
        ],
    },
    "services-publics-locaux": {
        "need": [
            "moderniser le service de l’état civil et numériser les registres",
            "améliorer la distribution de l’eau potable dans les quartiers périphériques",
            "créer un guichet unique d’accueil des usagers",
            "organiser le service de l’assainissement et la vidange des fosses",
        ],
        "expected": [
            "des registres d’état civil numérisés et une procédure de délivrance des actes",
            "un plan d’extension du réseau d’eau potable et une tarification sociale",
            "un guichet unique ouvert avec des agents formés",
        ],
        "activities": [
            "Les experts ont observé la délivrance des actes d’état civil et mesuré les délais "
            "d’attente au guichet.",
            "Un atelier sur la numérisation des registres a été conduit avec les agents et le "
            "tribunal chargé de leur contrôle.",
            "L’équipe a visité les bornes-fontaines et le château d’eau avec la régie, puis "
            "étudié les impayés et les branchements clandestins.",
            "Une formation à l’accueil des usagers a réuni les agents des trois mairies "
            "d’arrondissement.",
            "La vidange des fosses septiques a été observée avec les opérateurs privés et les "
            "services d’hygiène.",
        ],
        "results": [
            "Une procédure écrite de délivrance des actes a été adoptée ; le délai moyen est "
            "passé de dix jours à trois.",
            "Un plan d’extension du réseau d’eau potable a été chiffré quartier par quartier.",
            "Le guichet unique a ouvert avec un registre des demandes et un affichage des tarifs.",
            "Les agents de l’état civil disposent d’un guide des procédures illustré.",
        ],
        "recommendations": [
            "Sauvegarder chaque semaine les registres numérisés hors de la mairie.",
            "Instaurer une tarification sociale de l’eau pour les premiers mètres cubes.",
            "Afficher au guichet les délais et les pièces demandées pour chaque acte.",
            "Confier le contrôle des vidanges à un agent assermenté.",
        ],
        "follow_up": [
            "la formation d’agents formateurs à l’état civil numérique",
            "un appui à la régie des eaux pour le recouvrement des factures",
            "un jumelage entre les services d’accueil des deux collectivités",
        ],
        "lessons": [
            "Un service public local se juge au guichet : mesurer les délais change les pratiques.",
            "L’eau potable ne se développe pas sans un recouvrement fiable des factures.",
        ],
    },
    "amenagement-urbanisme-transports": {
        "need": [
            "élaborer un schéma des mobilités urbaines et des pistes cyclables",
            "réviser le plan d’urbanisme de la ville et ses règles de construction",
            "réorganiser la gare routière et le stationnement des taxis-motos",
            "aménager les berges du fleuve et les espaces publics du centre",
        ],
        "expected": [
            "un schéma des mobilités partagé avec les transporteurs",
            "un règlement d’urbanisme simplifié et une carte des zones constructibles",
            "un plan d’aménagement de la gare routière",
        ],
        "activities": [
            "Des comptages ont été organisés aux principaux carrefours avec les étudiants de "
            "l’université et la police municipale.",
            "Les experts ont présenté la méthode du plan de déplacements urbains et les "
            "expériences de voies réservées aux bus.",
            "Un atelier avec les syndicats de transporteurs a porté sur l’organisation de la "
            "gare routière et des arrêts.",
            "La révision du plan d’urbanisme a été discutée avec le service du cadastre et "
            "les chefs de quartier.",
            "Une marche exploratoire a été menée sur les berges avec des habitantes pour "
            "repérer les lieux mal éclairés.",
        ],
        "results": [
            "Un schéma des mobilités a été esquissé, avec trois lignes de bus prioritaires.",
            "La gare routière dispose d’un plan de circulation et de zones d’attente.",
            "Les zones inondables ont été reportées sur la carte du plan d’urbanisme.",
            "Un premier tronçon de piste cyclable a été tracé vers le lycée.",
        ],
        "recommendations": [
            "Réserver les emprises des futures lignes de bus avant toute nouvelle construction.",
            "Associer les transporteurs informels au schéma plutôt que de les exclure.",
            "Interdire la construction dans les zones inondables identifiées.",
            "Éclairer en priorité les cheminements piétons vers les écoles.",
        ],
        "follow_up": [
            "un appui à la rédaction du règlement d’urbanisme",
            "une étude de faisabilité d’une ligne de bus à haut niveau de service",
            "une mission de suivi sur l’aménagement des berges",
        ],
        "lessons": [
            "Les comptages faits avec les habitants donnent des données et une légitimité.",
            "L’urbanisme réglementaire n’est appliqué que s’il reste lisible par tous.",
        ],
    },
    "developpement-economique": {
        "need": [
            "soutenir les artisans et structurer une filière locale",
            "créer une pépinière d’entreprises et un accompagnement des jeunes créateurs",
            "réhabiliter et gérer le marché municipal",
            "développer un tourisme durable autour du patrimoine naturel",
        ],
        "expected": [
            "un plan de soutien à la filière et une charte avec les artisans",
            "un projet de pépinière chiffré et son modèle de gestion",
            "un règlement du marché et une régie des droits de place",
        ],
        "activities": [
            "Les experts ont rencontré les chambres consulaires, les coopératives et les "
            "groupements de producteurs.",
            "Un atelier sur la gestion du marché municipal a porté sur les droits de place, "
            "l’hygiène et la sécurité incendie.",
            "L’équipe a présenté le fonctionnement d’une pépinière d’entreprises et de son "
            "comité d’agrément.",
            "Une visite des zones d’activité a permis de recenser les parcelles disponibles "
            "et les besoins en électricité.",
        ],
        "results": [
            "Un règlement du marché a été rédigé et les recettes des droits de place sont "
            "désormais suivies chaque semaine.",
            "Une charte de la filière artisanale a été signée par trente artisans.",
            "Le projet de pépinière a trouvé un local et un premier partenaire bancaire.",
        ],
        "recommendations": [
            "Créer une régie de recettes distincte pour le marché.",
            "Former les artisans à la tenue d’une comptabilité simple.",
            "Mutualiser les achats de matières premières au sein d’une coopérative.",
        ],
        "follow_up": [
            "un accueil d’artisans lors d’un salon en France",
            "un appui à la recherche de financements pour la pépinière",
        ],
        "lessons": [
            "Le développement économique local commence par des recettes fiscales bien suivies.",
        ],
    },
    "agriculture-developpement-rural": {
        "need": [
            "structurer une filière maraîchère et les circuits courts",
            "préserver les terres agricoles périurbaines",
            "améliorer l’irrigation des périmètres villageois",
        ],
        "expected": [
            "un plan d’action pour la filière maraîchère",
            "une carte des terres agricoles à protéger",
        ],
        "activities": [
            "Les experts ont visité les périmètres irrigués avec les groupements de "
            "producteurs et les services agricoles.",
            "Un atelier sur les circuits courts a réuni maraîchers, restauration scolaire et "
            "commerçants.",
            "L’équipe a présenté les outils de protection du foncier agricole périurbain.",
            "Une journée a été consacrée à la gestion de l’eau d’irrigation et aux tours d’eau.",
        ],
        "results": [
            "Un marché de producteurs hebdomadaire a été créé sur la place centrale.",
            "Les cantines scolaires s’approvisionnent désormais en légumes locaux deux jours "
            "par semaine.",
            "Une carte des terres agricoles à protéger a été annexée au plan d’urbanisme.",
        ],
        "recommendations": [
            "Réserver le foncier agricole dans le document d’urbanisme.",
            "Créer une plateforme de collecte pour les petits producteurs.",
            "Former les producteurs aux techniques d’irrigation économes.",
        ],
        "follow_up": [
            "une mission de suivi sur la commande publique alimentaire",
            "un échange entre lycées agricoles",
        ],
        "lessons": [
            "La restauration scolaire est un levier rapide pour les circuits courts.",
        ],
    },
    "jeunesse-genre": {
        "need": [
            "créer un conseil municipal des jeunes",
            "ouvrir un centre de ressources pour la jeunesse",
            "favoriser l’insertion professionnelle des jeunes filles",
        ],
        "expected": [
            "un conseil des jeunes installé et son règlement",
            "un projet de centre de ressources et son programme",
        ],
        "activities": [
            "Les experts ont animé des ateliers avec des collégiens et des associations de "
            "jeunesse sur la participation à la vie locale.",
            "L’équipe a présenté le fonctionnement d’un conseil municipal des jeunes et de "
            "son budget.",
            "Une rencontre avec les organisations de jeunes filles a porté sur l’accès à la "
            "formation professionnelle.",
        ],
        "results": [
            "Un conseil municipal des jeunes paritaire a été installé.",
            "Le centre de ressources ouvre trois après-midi par semaine.",
            "Un parcours d’orientation a été conçu avec le lycée technique.",
        ],
        "recommendations": [
            "Garantir la parité dans toutes les instances de jeunes.",
            "Doter le conseil des jeunes d’un petit budget propre.",
        ],
        "follow_up": [
            "un échange de jeunes entre les deux collectivités",
            "une mission de suivi après un an de fonctionnement du conseil",
        ],
        "lessons": [
            "Les jeunes s’engagent quand leurs propositions sont financées et suivies.",
        ],
    },
    "renforcement-capacites": {
        "need": [
            "former les agents municipaux à la gestion des ressources humaines",
            "créer un plan de formation des élus",
            "renforcer la maîtrise d’ouvrage communale",
        ],
        "expected": [
            "un plan de formation des agents sur trois ans",
            "des outils de gestion des ressources humaines",
        ],
        "activities": [
            "Les experts ont conduit un diagnostic des compétences des services avec le "
            "secrétaire général.",
            "Des sessions de formation ont porté sur la passation des marchés publics et le "
            "suivi des chantiers.",
            "L’équipe a présenté les outils de gestion prévisionnelle des emplois et des "
            "compétences.",
        ],
        "results": [
            "Un plan de formation des agents a été adopté par le conseil.",
            "Les fiches de poste de quarante agents ont été rédigées.",
            "Un guide de la commande publique communale a été diffusé.",
        ],
        "recommendations": [
            "Créer une fonction de responsable des ressources humaines.",
            "Évaluer chaque année les formations suivies.",
        ],
        "follow_up": [
            "l’accueil de deux agents en immersion dans les services français",
            "des formations à distance sur la commande publique",
        ],
        "lessons": [
            "Une formation est utile quand elle répond à un diagnostic partagé.",
        ],
    },
    "culture": {
        "need": [
            "développer le réseau de lecture publique",
            "organiser un festival et sa programmation",
            "créer un conservatoire municipal",
        ],
        "expected": [
            "un projet d’établissement pour la médiathèque",
            "un plan d’organisation du festival",
        ],
        "activities": [
            "Les experts ont visité la bibliothèque municipale et les points lecture des "
            "quartiers.",
            "Un atelier a porté sur la programmation culturelle et la billetterie.",
            "L’équipe a rencontré les artistes et les associations culturelles.",
        ],
        "results": [
            "Un projet d’établissement de la médiathèque a été rédigé.",
            "Le festival dispose d’un budget prévisionnel et d’un plan de sécurité.",
        ],
        "recommendations": [
            "Ouvrir la médiathèque le samedi et en soirée.",
            "Confier la programmation à un comité associant les artistes.",
        ],
        "follow_up": [
            "un échange entre médiathèques",
            "la venue d’artistes lors du prochain festival",
        ],
        "lessons": [
            "La culture rassemble quand elle va au-devant des quartiers.",
        ],
    },
    "sport": {
        "need": [
            "gérer les équipements sportifs municipaux",
            "développer le sport pour tous dans les quartiers",
        ],
        "expected": [
            "un plan de gestion des équipements sportifs",
            "un programme d’animations sportives de proximité",
        ],
        "activities": [
            "Les experts ont visité le stade municipal et les terrains de quartier.",
            "Un atelier a porté sur le partage des créneaux entre clubs et écoles.",
        ],
        "results": [
            "Un planning partagé des équipements a été mis en place.",
            "Des animations sportives gratuites sont organisées le mercredi.",
        ],
        "recommendations": [
            "Signer une convention d’usage avec chaque club.",
            "Réserver des créneaux au sport féminin.",
        ],
        "follow_up": ["un tournoi de jeunes entre les deux villes"],
        "lessons": ["Le sport de proximité demande peu d’équipement et beaucoup d’animation."],
    },
    "egalite-femmes-hommes": {
        "need": [
            "intégrer l’égalité femmes-hommes dans les politiques municipales",
            "lutter contre les violences faites aux femmes dans l’espace public",
        ],
        "expected": [
            "un plan d’action pour l’égalité femmes-hommes",
            "un diagnostic de la sécurité des femmes dans l’espace public",
        ],
        "activities": [
            "Les experts ont présenté la budgétisation sensible au genre.",
            "Des marches exploratoires ont été organisées avec des habitantes.",
        ],
        "results": [
            "Un plan d’action pour l’égalité a été adopté par le conseil.",
            "Un réseau de référentes égalité a été constitué dans les services.",
        ],
        "recommendations": [
            "Produire des statistiques sexuées pour chaque politique municipale.",
            "Former les agents d’accueil à l’écoute des victimes de violences.",
        ],
        "follow_up": ["un échange entre référentes égalité des deux collectivités"],
        "lessons": ["L’égalité progresse quand elle se mesure."],
    },
    "patrimoine": {
        "need": [
            "inventorier et valoriser le patrimoine bâti de la médina",
            "réhabiliter un quartier historique",
        ],
        "expected": ["un inventaire du patrimoine et un plan de valorisation touristique"],
        "activities": [
            "Les experts ont conduit un inventaire du bâti ancien avec les étudiants architectes.",
            "Un atelier a porté sur les règles de restauration des façades.",
        ],
        "results": [
            "Un inventaire de deux cents édifices a été établi.",
            "Un circuit de découverte du patrimoine a été balisé.",
        ],
        "recommendations": ["Créer une aide à la restauration des façades."],
        "follow_up": ["un appui au dossier de classement du centre historique"],
        "lessons": ["Le patrimoine se protège mieux quand il fait vivre ses habitants."],
    },
    "sante": {
        "need": ["organiser les centres de santé municipaux", "prévenir les épidémies"],
        "expected": ["un plan local de santé"],
        "activities": [
            "Les experts ont visité les centres de santé et le service d’hygiène.",
            "Un atelier a porté sur la prévention et la vaccination.",
        ],
        "results": ["Un plan local de santé a été rédigé avec les agents communautaires."],
        "recommendations": ["Créer un observatoire local de la santé."],
        "follow_up": ["une mission de suivi sur la prévention"],
        "lessons": ["La santé publique locale repose sur les agents de proximité."],
    },
}

# Sentences any report may use, to vary the texts beyond the theme's own words.
CONTEXT = [
    "La mission répond à une demande {of_partner}, relayée par {embassy}, qui souhaitait "
    "s’appuyer sur l’expérience {of_collectivity}.",
    "{The_partner} conduit depuis plusieurs années une réforme de son administration locale ; "
    "la mission s’inscrit dans la coopération décentralisée engagée avec {collectivity}.",
    "La demande exprimée par {the_partner} portait sur un besoin précis et urgent : {need}.",
    "Le contexte local est marqué par une croissance démographique rapide et des "
    "ressources propres limitées, ce qui rend le besoin de {need} d’autant plus pressant.",
    "Les élus {of_partner} avaient identifié ce besoin lors de l’élaboration de leur plan "
    "de développement communal.",
]
METHOD = [
    "La mission s’est déroulée sur {days} jours, à {place}, avec {experts} experts "
    "{of_collectivity}.",
    "Le programme avait été préparé à distance avec les services {of_partner} et le "
    "service de coopération de l’ambassade.",
    "Chaque journée alternait visites de terrain, ateliers de travail et restitution aux élus.",
    "Les échanges se sont tenus en {language}, avec l’appui d’un interprète pour les "
    "réunions publiques.",
]
GENERIC_RESULTS = [
    "Les élus ont exprimé leur satisfaction et souhaitent poursuivre la coopération.",
    "Les documents produits pendant la mission ont été remis aux services sous forme numérique.",
    "Un compte rendu a été présenté au conseil municipal à la fin de la mission.",
]
GENERIC_RECOMMENDATIONS = [
    "Désigner un interlocuteur unique chargé du suivi des recommandations.",
    "Présenter un point d’étape au conseil dans six mois.",
    "Rechercher des cofinancements auprès des bailleurs présents dans le pays.",
]
GENERIC_LESSONS = [
    "Une préparation à distance soignée fait gagner deux jours sur place.",
    "La présence d’un élu dans l’équipe facilite le dialogue avec l’exécutif local.",
    "Le format court et ciblé d’EXPE-CT convient bien aux demandes précises des "
    "collectivités partenaires.",
]
LANGUAGES = {"fr": "français", "en": "anglais", "es": "espagnol"}

# Names for the people of the demo: experts, agents, partners' contacts.
FIRST_NAMES = [
    "Camille", "Nicolas", "Julie", "Mathieu", "Élodie", "Antoine", "Hélène", "Olivier",
    "Aurélie", "Sébastien", "Nathalie", "Yannick", "Fatou", "Mamadou", "Leïla", "Hugo",
    "Inès", "Bertrand", "Chloé", "Rémi", "Agnès", "Jérôme", "Sandrine", "Thierry",
]  # fmt: skip
LAST_NAMES = [
    "Moreau", "Girard", "Rousseau", "Fontaine", "Chevalier", "Garnier", "Faure", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Perrin", "Morel", "Mercier", "Dupuis",
    "Lambert", "Bonnet", "François", "Martinez", "Legrand", "Gauthier", "Diallo", "Ndiaye",
]  # fmt: skip
POSITIONS = [
    "Ingénieure en gestion des déchets", "Directeur des finances", "Chargée de la démocratie "
    "participative", "Responsable de l’état civil", "Ingénieur voirie et mobilités",
    "Directrice de l’urbanisme", "Chargé de mission climat", "Responsable du service de l’eau",
    "Développeuse économique", "Directeur des ressources humaines",
]  # fmt: skip


# How French names a foreign authority: « la commune de Fès », « du comité populaire ».
ARTICLES = {
    "Commune": "la",
    "Ville": "la",
    "Province": "la",
    "Région": "la",
    "Comité": "le",
    "Municipalité": "la",
    "Communauté": "la",
    "Capitale": "la",
    "Conseil": "le",
    "Alcaldía": "la",
    "Gobernación": "la",
}
# Spanish titles keep their capital; French common nouns lose it after the article.
PROPER = ("Alcaldía", "Gobernación")
VOWELS = "aeiouyàâéèêëîïôûüh"


def de(name: str) -> str:
    """« de Lyon », « d’Île-de-France »."""
    return f"d’{name}" if name[:1].lower() in VOWELS else f"de {name}"


def the(name: str) -> str:
    """« la commune de Fès », « l’Alcaldía de Cali », « le comité populaire de Hué »."""
    first, _space, rest = name.partition(" ")
    article = ARTICLES.get(first)
    if article is None:
        return name
    noun = first if first in PROPER else first.lower()
    if noun[:1].lower() in VOWELS:
        return f"l’{noun} {rest}"
    return f"{article} {noun} {rest}"


def of(name: str) -> str:
    """« de la commune de Fès », « du comité populaire de Hué », « de l’Alcaldía »."""
    named = the(name)
    if named.startswith("le "):
        return "du " + named[3:]
    return f"de {named}" if named != name else de(name)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _embassy(country: str) -> str:
    for name, _language, embassy, _city, _partners in COUNTRIES.values():
        if name == country:
            return "l’a" + embassy[1:]
    return "l’ambassade de France"


def words(slug: str) -> dict[str, list[str]]:
    return THEME_WORDS.get(slug, THEME_WORDS["gouvernance-locale-decentralisation"])


def need_texts(rng: random.Random, slug: str, partner: str) -> tuple[str, str]:
    """(description of the need, expected results) for a need of this theme."""
    vocabulary = words(slug)
    need = rng.choice(vocabulary["need"])
    description = (
        f"{capitalised(the(partner))} souhaite {need}. "
        + rng.choice(CONTEXT[3:]).format(need=need, of_partner=of(partner))
        + " "
        + rng.choice(vocabulary["activities"])
    )
    expected = rng.choice(vocabulary["expected"]).capitalize() + "."
    return description, expected


def expertise_text(rng: random.Random, slug: str, collectivity: str) -> tuple[str, str]:
    """(description of the expertise, actions on its own territory) for a dossier."""
    vocabulary = words(slug)
    lines = rng.sample(vocabulary["results"], min(2, len(vocabulary["results"])))
    expertise = (
        f"{collectivity} met au service de ses partenaires une expertise reconnue : "
        f"{rng.choice(vocabulary['need'])}. " + " ".join(lines)
    )
    actions = " ".join(rng.sample(vocabulary["activities"], min(2, len(vocabulary["activities"]))))
    return expertise, actions.replace("Les experts ont", "Nos services ont")


def _pick(rng: random.Random, pool: list[str], count: int) -> list[str]:
    return rng.sample(pool, min(count, len(pool)))


def report_texts(
    rng: random.Random,
    *,
    slug: str,
    partner: str,
    place: str,
    country: str,
    collectivity: str,
    days: int = 8,
    experts: int = 2,
    language: str = "fr",
) -> dict[str, str]:
    """The six structured fields of a report, 2 to 5 KB of French in all."""
    vocabulary = words(slug)
    need = rng.choice(vocabulary["need"])
    values = {
        "the_partner": the(partner),
        "The_partner": capitalised(the(partner)),
        "of_partner": of(partner),
        "place": place,
        "embassy": _embassy(country),
        "collectivity": collectivity,
        "of_collectivity": de(collectivity),
        "need": need,
        "days": days,
        "experts": experts,
        "language": LANGUAGES.get(language, "français"),
    }
    context = " ".join(s.format(**values) for s in _pick(rng, CONTEXT, rng.randint(2, 4)))
    method = " ".join(s.format(**values) for s in _pick(rng, METHOD, rng.randint(2, 4)))
    texts = {
        "summary": f"{context}\n\n{method}",
        "activities": "\n\n".join(_pick(rng, vocabulary["activities"], rng.randint(3, 5))),
        "results": " ".join(
            _pick(rng, vocabulary["results"], rng.randint(2, 4))
            + _pick(rng, GENERIC_RESULTS, rng.randint(0, 2))
        ),
        "recommendations": "\n".join(
            f"– {line}"
            for line in _pick(rng, vocabulary["recommendations"], rng.randint(2, 4))
            + _pick(rng, GENERIC_RECOMMENDATIONS, rng.randint(1, 2))
        ),
        "follow_up": "Suite proposée : "
        + " ; ".join(_pick(rng, vocabulary["follow_up"], rng.randint(1, 3)))
        + ".",
        "lessons": " ".join(
            _pick(rng, vocabulary["lessons"], 2) + _pick(rng, GENERIC_LESSONS, rng.randint(1, 3))
        ),
    }
    return _within_size(rng, texts, vocabulary)


MIN_REPORT_BYTES, MAX_REPORT_BYTES = 2_000, 5_000


def report_size(texts: dict[str, str]) -> int:
    return sum(len(value.encode()) for value in texts.values())


def _within_size(rng: random.Random, texts: dict[str, str], vocabulary) -> dict[str, str]:
    # Short themes get more of the shared sentences; long draws lose their last activities.
    extra = [*GENERIC_RESULTS, *GENERIC_LESSONS, *vocabulary["results"]]
    while report_size(texts) < MIN_REPORT_BYTES:
        texts["results"] += " " + rng.choice(extra)
        texts["activities"] += "\n\n" + rng.choice(vocabulary["activities"])
    while report_size(texts) > MAX_REPORT_BYTES and "\n\n" in texts["activities"]:
        texts["activities"] = texts["activities"].rsplit("\n\n", 1)[0]
    return texts


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
