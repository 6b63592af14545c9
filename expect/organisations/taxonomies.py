"""The taxonomies the programme starts with: SDGs, themes and working languages.

The migration seeds them once; `seed_demo` seeds them again (idempotently), since
tests that flush the database lose what migrations created.
"""

from django.apps import apps as global_apps

SDGS = [
    (1, "Pas de pauvreté", "No poverty"),
    (2, "Faim « zéro »", "Zero hunger"),
    (3, "Bonne santé et bien-être", "Good health and well-being"),
    (4, "Éducation de qualité", "Quality education"),
    (5, "Égalité entre les sexes", "Gender equality"),
    (6, "Eau propre et assainissement", "Clean water and sanitation"),
    (7, "Énergie propre et d'un coût abordable", "Affordable and clean energy"),
    (8, "Travail décent et croissance économique", "Decent work and economic growth"),
    (9, "Industrie, innovation et infrastructure", "Industry, innovation and infrastructure"),
    (10, "Inégalités réduites", "Reduced inequalities"),
    (11, "Villes et communautés durables", "Sustainable cities and communities"),
    (12, "Consommation et production responsables", "Responsible consumption and production"),
    (13, "Mesures relatives à la lutte contre les changements climatiques", "Climate action"),
    (14, "Vie aquatique", "Life below water"),
    (15, "Vie terrestre", "Life on land"),
    (16, "Paix, justice et institutions efficaces", "Peace, justice and strong institutions"),
    (17, "Partenariats pour la réalisation des objectifs", "Partnerships for the goals"),
]

# (slug, French name, English name, SDG numbers)
THEMES = [
    (
        "agriculture-developpement-rural",
        "Agriculture et développement rural",
        "Agriculture and rural development",
        [1, 2, 15],
    ),
    ("jeunesse-genre", "Jeunesse et genre", "Youth and gender", [4, 5, 10]),
    ("patrimoine", "Patrimoine", "Heritage", [8, 11]),
    (
        "amenagement-urbanisme-transports",
        "Aménagement du territoire, urbanisme et transports",
        "Spatial planning, urban planning and transport",
        [9, 11],
    ),
    ("renforcement-capacites", "Renforcement des capacités", "Capacity building", [16, 17]),
    (
        "environnement-climat-biodiversite",
        "Environnement, climat et biodiversité",
        "Environment, climate and biodiversity",
        [6, 7, 13, 14, 15],
    ),
    (
        "gouvernance-locale-decentralisation",
        "Gouvernance locale et décentralisation",
        "Local governance and decentralisation",
        [16, 17],
    ),
    ("services-publics-locaux", "Services publics locaux", "Local public services", [3, 6, 11]),
    ("developpement-economique", "Développement économique", "Economic development", [8, 9]),
    ("culture", "Culture", "Culture", [4, 11]),
    ("sante", "Santé", "Health", [3]),
    ("sport", "Sport", "Sport", [3, 4]),
    ("egalite-femmes-hommes", "Égalité femmes-hommes", "Gender equality", [5, 10]),
]

LANGUAGES = [
    ("fr", "français", "French"),
    ("en", "anglais", "English"),
    ("es", "espagnol", "Spanish"),
    ("pt", "portugais", "Portuguese"),
    ("ar", "arabe", "Arabic"),
    ("de", "allemand", "German"),
    ("it", "italien", "Italian"),
    ("ru", "russe", "Russian"),
    ("zh", "chinois", "Chinese"),
    ("ja", "japonais", "Japanese"),
    ("vi", "vietnamien", "Vietnamese"),
    ("ro", "roumain", "Romanian"),
    ("pl", "polonais", "Polish"),
    ("uk", "ukrainien", "Ukrainian"),
    ("tr", "turc", "Turkish"),
    ("sw", "swahili", "Swahili"),
    ("wo", "wolof", "Wolof"),
    ("mg", "malgache", "Malagasy"),
    ("ht", "créole haïtien", "Haitian Creole"),
    ("km", "khmer", "Khmer"),
    ("hy", "arménien", "Armenian"),
    ("he", "hébreu", "Hebrew"),
]


def seed_taxonomies(apps=global_apps) -> None:
    Sdg = apps.get_model("organisations", "Sdg")
    Theme = apps.get_model("organisations", "Theme")
    Language = apps.get_model("organisations", "Language")
    for number, name, name_en in SDGS:
        Sdg.objects.update_or_create(number=number, defaults={"name": name, "name_en": name_en})
    for position, (slug, name, name_en, sdgs) in enumerate(THEMES):
        theme, _ = Theme.objects.update_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )
        theme.sdgs.set(sdgs)
    for code, name, name_en in LANGUAGES:
        Language.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en})
