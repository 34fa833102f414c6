# ruff: noqa: E501  (a data table: one line per indicator reads best)
"""The quality frameworks as data: Qualiopi (RNQ) and the EDUFORM label (SPEC §11).

Numbers, applicability and the non-conformity grading are facts of the official texts; titles,
expected levels and evidence examples are written in our own words. The data migration loads
this module once; changing it later takes a new data migration (an audit refers to the version
a self-assessment followed).

Applicability rules are data too: `{"categories": [...], "activities": [...]}` means the
indicator applies when the profile holds at least one of the listed categories (when given) and
every listed activity (when given). No rule: the indicator always applies.
"""

from __future__ import annotations

from typing import Any

TRAINING, SKILLS_ASSESSMENT, VAE, APPRENTICESHIP = (
    "training",
    "skills_assessment",
    "vae",
    "apprenticeship",
)
CATEGORIES = (TRAINING, SKILLS_ASSESSMENT, VAE, APPRENTICESHIP)
CERTIFICATIONS, ALTERNANCE, WORK_BASED, SUBCONTRACTING = (
    "certifications",
    "alternance",
    "work_based_periods",
    "subcontracting",
)
ACTIVITIES = (CERTIFICATIONS, ALTERNANCE, WORK_BASED, SUBCONTRACTING)

QUALIOPI_VERSION = (
    "Référentiel national qualité (décret n° 2019-564 du 6 juin 2019), "
    "guide de lecture version 9 (janvier 2024)"
)
EDUFORM_VERSION = (
    "Référentiel qualité du label EDUFORM (MENESR, DGESCO), "
    "édition prenant en compte le décret n° 2015-790 du 30 juin 2015"
)

# The reading guide's list: these indicators can only give a major non-conformity.
QUALIOPI_MAJOR_ONLY = frozenset({4, 5, 6, 7, 10, 11, 14, 15, 16, 20, 21, 22, 26, 27, 29, 31, 32})

_RNCP = {"activities": [CERTIFICATIONS]}
_TRAINING_OR_APPRENTICESHIP = {"categories": [TRAINING, APPRENTICESHIP]}
_APPRENTICESHIP_ONLY = {"categories": [APPRENTICESHIP]}

QUALIOPI_APPLICABILITY: dict[int, dict[str, list[str]]] = {
    3: _RNCP,
    7: _RNCP,
    8: _TRAINING_OR_APPRENTICESHIP,
    13: {"categories": [TRAINING, APPRENTICESHIP], "activities": [ALTERNANCE]},
    14: _APPRENTICESHIP_ONLY,
    15: _APPRENTICESHIP_ONLY,
    16: {"categories": [TRAINING, APPRENTICESHIP, VAE], "activities": [CERTIFICATIONS]},
    20: _APPRENTICESHIP_ONLY,
    27: {"activities": [SUBCONTRACTING]},
    28: {"categories": [TRAINING, APPRENTICESHIP], "activities": [WORK_BASED]},
    29: _APPRENTICESHIP_ONLY,
}

QUALIOPI_CRITERIA: list[tuple[int, str]] = [
    (1, "Informer le public sur l'offre, ses délais d'accès et les résultats obtenus"),
    (2, "Définir des objectifs précis et adapter les prestations aux publics dès leur conception"),
    (3, "Adapter l'accueil, l'accompagnement, le suivi et l'évaluation aux bénéficiaires"),
    (4, "Disposer de moyens pédagogiques, techniques et d'encadrement à la hauteur"),
    (5, "Qualifier les intervenants et faire progresser leurs compétences"),
    (6, "S'inscrire dans son environnement professionnel et s'y investir"),
    (7, "Recueillir et exploiter les appréciations et les réclamations des parties prenantes"),
]

# number: (criterion, title, expected level, evidence examples)
QUALIOPI_INDICATORS: dict[int, tuple[int, str, str, str]] = {
    1: (
        1,
        "Offre publiée, complète et vérifiable",
        "Une information datée et tenue à jour couvre chaque point : prérequis, objectifs, "
        "durée, accès et délais, tarifs, contacts, méthodes, évaluation, accessibilité.",
        "Fiches d'offre, site, plaquettes, conditions générales, informations d'accessibilité.",
    ),
    2: (
        1,
        "Indicateurs de résultats publiés",
        "Des chiffres de réussite et de satisfaction adaptés aux prestations sont rendus publics.",
        "Page de résultats datée, bilans d'activité, résultats d'enquêtes.",
    ),
    3: (
        1,
        "Taux d'obtention et suites de parcours des certifications",
        "Le public connaît les taux d'obtention, les blocs, équivalences, passerelles et débouchés.",
        "Page de l'offre certifiante, taux d'obtention, fiches RNCP ou RS.",
    ),
    4: (
        2,
        "Analyse du besoin avec l'entreprise ou le financeur",
        "Le besoin de chaque bénéficiaire est analysé au regard de la finalité de la prestation.",
        "Entretiens de cadrage, notes de cadrage signées, diagnostics préalables.",
    ),
    5: (
        2,
        "Objectifs opérationnels et évaluables",
        "Chaque prestation énonce des objectifs que l'on peut observer et mesurer.",
        "Objectifs des modules, indicateurs de suivi, supports contractuels.",
    ),
    6: (
        2,
        "Contenus et modalités adaptés aux objectifs et aux publics",
        "Le déroulé, les durées et les modalités servent les objectifs fixés pour ce public.",
        "Structure des modules, durées, modalités à distance, grilles d'évaluation.",
    ),
    7: (
        2,
        "Adéquation du contenu à la certification visée",
        "Le contenu couvre les compétences et les épreuves de la certification préparée.",
        "Tableau croisé contenus / référentiel de compétences.",
    ),
    8: (
        2,
        "Positionnement et évaluation des acquis à l'entrée",
        "Une procédure de positionnement adaptée est appliquée, ou l'absence de prérequis est dite.",
        "Tests de positionnement, prérequis affichés, entretiens d'entrée.",
    ),
    9: (
        3,
        "Information des bénéficiaires sur le déroulement",
        "Les conditions d'accueil et de déroulement sont écrites et remises aux bénéficiaires.",
        "Invitations et convocations envoyées, règlement, conditions d'utilisation, référents.",
    ),
    10: (
        3,
        "Prestation, accompagnement et suivi adaptés",
        "Contenus, rythmes et suivi s'ajustent à la situation de chaque bénéficiaire.",
        "Suivi individuel, échéances, relances, aménagements accordés.",
    ),
    11: (
        3,
        "Évaluation de l'atteinte des objectifs",
        "Un processus d'évaluation formalisé mesure l'atteinte des objectifs.",
        "Résultats d'évaluation, taux de réussite, attestations délivrées.",
    ),
    12: (
        3,
        "Engagement des bénéficiaires et prévention des abandons",
        "Des mesures écrites favorisent l'assiduité et sont appliquées (relances, suivi).",
        "Relances des inactifs et retardataires, abandons et leurs causes.",
    ),
    13: (
        3,
        "Coordination centre / entreprise en alternance",
        "Les apprentissages en centre et en entreprise sont articulés et progressifs.",
        "Livrets de liaison, comptes rendus de visites, plannings partagés.",
    ),
    14: (
        3,
        "Accompagnement socio-professionnel, éducatif et citoyen des apprentis",
        "Des actions spécifiques d'accompagnement sont organisées pour les apprentis.",
        "Projets culturels ou sportifs, aides, intervenants sociaux.",
    ),
    15: (
        3,
        "Droits, devoirs, santé et sécurité des apprentis",
        "Les apprentis sont informés de leurs droits et devoirs et des règles de sécurité.",
        "Livret d'accueil, règlement intérieur, réunions d'information.",
    ),
    16: (
        3,
        "Présentation à la certification conforme aux exigences du certificateur",
        "Les conditions de présentation respectent les règles de l'autorité de certification.",
        "Procès-verbaux de sessions, livrets d'évaluation, attestations.",
    ),
    17: (
        4,
        "Moyens humains et techniques et environnement adaptés",
        "Locaux, équipements, plateforme et personnes sont à la mesure des prestations.",
        "Disponibilité de la plateforme (rapport SLA), registre de maintenance, équipements.",
    ),
    18: (
        4,
        "Coordination des intervenants internes et externes",
        "Les fonctions nécessaires à chaque prestation sont identifiées et coordonnées.",
        "Affectations par mission, organigramme fonctionnel, référents.",
    ),
    19: (
        4,
        "Ressources pédagogiques mises à disposition",
        "Les ressources existent, sont à jour, accessibles et leur appropriation est facilitée.",
        "Modules actifs et leurs supports, accès en ligne, aménagements d'accès.",
    ),
    20: (
        4,
        "Mobilité, référent handicap et conseil de perfectionnement (apprentissage)",
        "Le CFA désigne ses référents et réunit son conseil de perfectionnement.",
        "Composition et compte rendu du conseil, référents mobilité et handicap.",
    ),
    21: (
        5,
        "Compétences des intervenants déterminées, mobilisées, évaluées",
        "Les compétences requises sont définies à l'avance et leur maîtrise est vérifiée.",
        "Fiches de compétences du personnel, attestations de formation interne, CV.",
    ),
    22: (
        5,
        "Développement des compétences des salariés",
        "Un plan de développement des compétences couvre tout le personnel.",
        "Formations suivies, attestations, entretiens professionnels.",
    ),
    23: (
        6,
        "Veille légale et réglementaire exploitée",
        "Une veille réglementaire est tenue et ses effets sur l'offre sont tracés.",
        "Registre de veille, mises à jour des supports qui en découlent.",
    ),
    24: (
        6,
        "Veille sur les compétences, métiers et emplois",
        "Les évolutions des métiers des secteurs servis sont suivies et exploitées.",
        "Registre de veille, évolutions de contenus qui en découlent.",
    ),
    25: (
        6,
        "Veille sur les innovations pédagogiques et technologiques",
        "Les innovations pédagogiques et techniques sont suivies et font évoluer l'offre.",
        "Registre de veille, nouvelles versions de modules, re-certifications.",
    ),
    26: (
        6,
        "Expertises et réseaux pour l'accueil des personnes handicapées",
        "Un référent et un réseau de partenaires sont mobilisables ; les aménagements sont tracés.",
        "Référent handicap, partenaires, aménagements accordés, contrôles d'accessibilité.",
    ),
    27: (
        6,
        "Conformité des sous-traitants et salariés portés",
        "La sélection et le pilotage des sous-traitants garantissent le respect du référentiel.",
        "Registre des sous-traitants, contrats, justificatifs, revues.",
    ),
    28: (
        6,
        "Réseau de partenaires pour les périodes en situation de travail",
        "Des partenaires socio-économiques co-construisent et accueillent les périodes en entreprise.",
        "Conventions de partenariat, comités de pilotage, liste d'entreprises.",
    ),
    29: (
        6,
        "Insertion professionnelle et poursuite d'études des apprentis",
        "Des actions concrètes soutiennent l'insertion ou la poursuite d'études.",
        "Ateliers CV, visites d'entreprises, réseau d'anciens.",
    ),
    30: (
        7,
        "Recueil des appréciations des parties prenantes",
        "Les appréciations sont recueillies régulièrement, avec relances et expression libre.",
        "Enquêtes à chaud et à froid, taux de réponse, analyses.",
    ),
    31: (
        7,
        "Traitement des difficultés, réclamations et aléas",
        "Chaque réclamation ou aléa reçoit un accusé de réception et une réponse tracée.",
        "Registre des réclamations et aléas, réponses, médiation.",
    ),
    32: (
        7,
        "Amélioration continue à partir des appréciations et réclamations",
        "Les causes d'insatisfaction et d'abandon sont analysées et donnent lieu à des actions.",
        "Plan d'actions d'amélioration relié aux causes, vérification d'efficacité.",
    ),
}

# EDUFORM: part → criteria (title, [detail titles]). The seed gives the details as paragraphs;
# we number them in order within the framework (1 to 73), 36 + 29 + 8.
EDUFORM_PARTS: list[tuple[int, str, list[tuple[str, list[str]]]]] = [
    (
        1,
        "Tenir ses engagements envers les clients et les bénéficiaires",
        [
            (
                "Information accessible, structurée et à jour",
                [
                    "Descriptif à jour de toute l'offre et de ses financements, publié en ligne",
                    "Supports de communication harmonisés, avec identité, implantations et horaires",
                    "Communication sur le label selon sa charte",
                    "Publication des modalités, délais d'accès et résultats ; promotion locale de l'offre",
                ],
            ),
            (
                "Accueil facilité",
                [
                    "Signalétique vers les lieux d'accueil",
                    "Traitement rapide des demandes (accusé de réception, délai de réponse)",
                    "Premier niveau d'information donné par l'accueil",
                ],
            ),
            (
                "Conseil personnalisé sur les prestations et leur financement",
                [
                    "Demande étudiée par un interlocuteur spécialisé",
                    "Conseil fondé sur l'analyse des besoins et le projet de chacun",
                    "Conseil sur les financements et la prise en charge",
                    "Étude préalable avec un conseiller ou réorientation si hors champ",
                ],
            ),
            (
                "Offre adaptée aux besoins",
                [
                    "Réponse sur mesure construite à partir de l'analyse de la demande",
                    "Adaptation du type, du rythme, des objectifs, de la durée et des modalités",
                    "Formats variés : présentiel, distance, hybride, alternance, entrées permanentes",
                ],
            ),
            (
                "Réponse sur mesure",
                [
                    "Conseiller identifié pendant l'élaboration de la proposition",
                    "Méthode définie de construction de la réponse",
                    "Proposition décrivant objectifs, certifications, évaluation et tarif",
                    "Ingénierie pédagogique et de parcours décrite (intervenants, contenus, ajustements)",
                ],
            ),
            (
                "Reconnaissance des acquis et certification adaptée",
                [
                    "Attestation des acquis proposée au minimum",
                    "Certification la plus adaptée identifiée et proposée",
                    "Aide au choix du mode de certification et à l'inscription",
                ],
            ),
            (
                "Contractualisation avec le client",
                [
                    "Convention signée avant le début de la prestation",
                    "Contrat de formation quand le client est aussi le bénéficiaire",
                    "Avenant signé en cas d'évolution de la prestation",
                ],
            ),
            (
                "Évaluation diagnostique et positionnement",
                [
                    "Évaluation diagnostique pour tout parcours",
                    "Parcours construit sur ce diagnostic, positionnement réglementaire si requis",
                ],
            ),
            (
                "Contractualisation avec le bénéficiaire",
                [
                    "Document contractuel remis à chaque bénéficiaire avant le début",
                    "Contenu du document : objectifs, modalités, référents, durée, suivi, évaluation",
                ],
            ),
            (
                "Accompagnement du bénéficiaire",
                [
                    "Référent administratif identifié tout au long de la prestation",
                    "Référent pédagogique et points d'étape planifiés",
                    "Référent pour les démarches auprès du monde économique",
                ],
            ),
            (
                "Évaluations et réajustements du parcours",
                [
                    "Évaluations tout au long du parcours, périodes en entreprise comprises",
                    "Remédiations et réajustements proposés avec l'accord des intéressés",
                ],
            ),
            (
                "Méthodes, supports, outils et rythmes adaptés à chacun",
                [
                    "Adaptation au contexte, aux acquis, aux besoins, à la progression et aux contraintes",
                ],
            ),
            (
                "Conseil après la formation",
                [
                    "Entretien personnalisé sur la suite du projet et les parcours complémentaires",
                    "Conseil pour l'insertion professionnelle",
                ],
            ),
        ],
    ),
    (
        2,
        "Maîtriser son organisation",
        [
            (
                "Personnels qualifiés et compétents pour les prestations",
                [
                    "Plan de développement des compétences pour tout le personnel",
                    "Intégration des nouveaux arrivants dans la stratégie et les engagements de service",
                    "Diplômes, qualifications et habilitations adaptés des intervenants",
                    "Vérification des compétences des intervenants occasionnels au recrutement",
                    "Suivi annuel des compétences",
                ],
            ),
            (
                "Locaux",
                [
                    "Locaux adaptés à la prestation et à sa capacité d'accueil",
                ],
            ),
            (
                "Matériels, ressources techniques et documentaires à jour",
                [
                    "Équipements en état de marche et en nombre suffisant",
                    "Ressources adaptées, actualisées et suffisantes",
                    "Accès facilité à internet",
                    "Environnement à distance tenu à jour",
                ],
            ),
            (
                "Suivi administratif et financier",
                [
                    "Contact du suivi administratif communiqué pour chaque prestation",
                    "Documents administratifs traités dans les délais convenus",
                    "Suivi et recouvrement des créances organisés",
                    "Enregistrement, classement et archivage des pièces",
                ],
            ),
            (
                "Évaluation de la prestation pour l'améliorer",
                [
                    "Conformité des prestations réalisées à la convention vérifiée",
                    "Satisfaction mesurée : objectifs, méthodes, supports, organisation",
                    "Écoute interne des suggestions d'amélioration",
                    "Résultats mesurés : certifications, insertion, données des cotraitants et sous-traitants",
                    "Résultats des évaluations exploités pour améliorer les prestations",
                    "Réponse systématique aux observations et réclamations",
                ],
            ),
            (
                "Maîtrise de la gestion documentaire",
                [
                    "Documents nécessaires à l'activité identifiés",
                    "Documents établis, diffusés et mis à jour selon des règles",
                    "Accès du personnel aux documents utiles",
                    "Continuité du service et accès au système documentaire",
                ],
            ),
            (
                "Veille, évolution et innovation",
                [
                    "Veille sur l'environnement concurrentiel, réglementaire et pédagogique",
                    "Évolution de l'offre nourrie par la veille, l'écoute et les demandes",
                ],
            ),
            (
                "Capitalisation du savoir-faire",
                [
                    "Analyse des résultats des réponses aux consultations",
                    "Dispositifs de capitalisation et de partage de l'ingénierie",
                    "Documents de réponse tenus à jour et accessibles selon les droits",
                ],
            ),
        ],
    ),
    (
        3,
        "Piloter",
        [
            (
                "Stratégie de qualité de service définie et portée par la direction",
                [
                    "Stratégie diffusée, comprise, fondée sur les parties prenantes et les risques",
                    "Engagements formalisés et priorités d'action cohérentes",
                    "Valeurs de service portées, stratégie documentée et tenue à jour",
                ],
            ),
            (
                "Organisation et mise en œuvre",
                [
                    "Pilotage par les processus, cohérent avec l'information, la qualité et les rôles",
                    "Management participatif",
                ],
            ),
            (
                "Suivi et contrôle",
                [
                    "Pilotage par indicateurs à fréquence régulière",
                    "Bilan annuel qualitatif et quantitatif (audits, enquêtes, réclamations)",
                ],
            ),
            (
                "Amélioration continue",
                [
                    "Plans d'actions après revue de direction, efficacité vérifiée, réclamations encadrées",
                ],
            ),
        ],
    ),
]


def qualiopi() -> dict[str, Any]:
    criteria = []
    for number, title in QUALIOPI_CRITERIA:
        indicators = [
            {
                "number": n,
                "reference": str(n),
                "title": t,
                "expected": e,
                "evidence_examples": x,
                "applicability": QUALIOPI_APPLICABILITY.get(n, {}),
                "major_only": n in QUALIOPI_MAJOR_ONLY,
            }
            for n, (c, t, e, x) in QUALIOPI_INDICATORS.items()
            if c == number
        ]
        criteria.append(
            {
                "number": number,
                "part": 0,
                "reference": str(number),
                "title": title,
                "indicators": indicators,
            }
        )
    return {
        "code": "qualiopi",
        "title": "Qualiopi",
        "version": QUALIOPI_VERSION,
        "criteria": criteria,
    }


def eduform() -> dict[str, Any]:
    criteria, criterion_no, detail_no = [], 0, 0
    for part, _part_title, part_criteria in EDUFORM_PARTS:
        for index, (title, details) in enumerate(part_criteria, 1):
            criterion_no += 1
            indicators = []
            for sub, detail in enumerate(details, 1):
                detail_no += 1
                indicators.append(
                    {
                        "number": detail_no,
                        "reference": f"{part}.{index}.{sub}",
                        "title": detail,
                        "expected": detail,
                        "evidence_examples": "",
                        "applicability": {},
                        "major_only": False,
                    }
                )
            criteria.append(
                {
                    "number": criterion_no,
                    "part": part,
                    "reference": f"{part}.{index}",
                    "title": title,
                    "indicators": indicators,
                }
            )
    return {
        "code": "eduform",
        "title": "Label EDUFORM",
        "version": EDUFORM_VERSION,
        "criteria": criteria,
    }


def all_frameworks() -> list[dict[str, Any]]:
    return [qualiopi(), eduform()]
