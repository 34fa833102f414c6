"""A long French procedure (supplier qualification) as a multi-page DOCX, and as a PDF.

Ten numbered sections over four pages: a roles table, phases with numbered sub-steps, an
ordered list of steps, obligations, prohibitions, deadlines and thresholds. Typographic
apostrophes and non-breaking spaces are there on purpose, as Word puts them in real files.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from saveit.testing import sample_files as sf
from saveit.testing.sample_files import SampleSection

TITLE = "Procédure de qualification des fournisseurs critiques"
PREAMBLE = "Référence PR-ACH-007 – version 3 – en vigueur au 2 septembre 2025."
HEADER = "Manufacture Delta – Direction des achats"
ROLES_TABLE = [
    ["Rôle", "Responsabilités"],
    ["Acheteur", "Ouvrir le dossier fournisseur et réunir les pièces administratives"],
    ["Responsable qualité fournisseurs", "Conduire l’audit sur site et en rédiger le rapport"],
    ["Directeur des achats", "Prononcer la décision de référencement"],
    ["Responsable HSE", "Évaluer les risques environnementaux du site candidat"],
]
SECTIONS: tuple[SampleSection, ...] = (
    ("1. Objet", 1, (
        ("p", "Cette procédure fixe la manière dont Manufacture Delta choisit, évalue puis "
              "suit les fournisseurs dont les composants agissent sur la sécurité des produits."),
        ("p", "Elle réduit le risque de rupture d’approvisionnement et garantit que chaque "
              "composant acheté respecte son cahier des charges."),
    )),
    ("2. Domaine d’application", 1, (
        ("p", "Elle concerne tous les sites industriels du groupe et les achats de composants "
              "classés critiques dans la nomenclature."),
        ("bullets", [
            "Les fournitures de bureau sont exclues.",
            "Les prestations intellectuelles suivent la procédure PR-ACH-011.",
        ]),
    )),
    ("3. Rôles et responsabilités", 1, (
        ("p", "L’acheteur transmet le dossier complet au responsable qualité fournisseurs. "
              "Le directeur des achats signe la décision finale."),
        ("p", "La cheffe de projet industrialisation est responsable de la validation "
              "technique des échantillons. Le responsable HSE vérifie les autorisations "
              "d’exploitation du site candidat."),
        ("table", ROLES_TABLE),
    )),
    ("4. Phase 0 – Qualification de la demande", 1, (
        ("p", "Toute demande part d’un besoin exprimé par un service utilisateur."),
    )),
    ("4.1 Exprimer le besoin", 2, (
        ("p", "Le service demandeur doit décrire le composant, les volumes annuels et le "
              "niveau de criticité."),
    )),
    ("4.2 Vérifier l’absence d’alternative", 2, (
        ("p", "L’acheteur consulte le panel existant. Aucun nouveau fournisseur n’est consulté "
              "sans cette vérification préalable."),
    )),
    ("4.3 Ouvrir le dossier", 2, (
        ("p", "Le dossier est ouvert dans l’outil achats sous 48\u00a0heures après réception "
              "de la demande."),
    )),
    ("5. Phase 1 – Cartographie des risques", 1, (
        ("p", "La cartographie classe chaque candidat selon quatre critères pondérés."),
    )),
    ("5.1 Recenser les sites de production", 2, (
        ("p", "L’acheteur recense les sites de fabrication et de stockage du candidat."),
    )),
    ("5.2 Coter les risques", 2, (
        ("p", "Le responsable qualité fournisseurs attribue une note à chaque critère."),
    )),
    ("5.3 Valider la cartographie", 2, (
        ("p", "La validation de la cartographie par le directeur des achats est obligatoire "
              "avant toute visite."),
    )),
    ("5.4 Planifier l’audit", 2, (
        ("p", "La date d’audit est fixée dans un délai de 5 jours ouvrés après la validation."),
    )),
    ("6. Phase 2 – Audit sur site", 1, (
        ("p", "L’audit se déroule en présence d’un représentant de la direction du site."),
        ("numbers", [
            "Tenir la réunion d’ouverture.",
            "Visiter les ateliers et les zones de stockage.",
            "Examiner les enregistrements de contrôle.",
            "Présenter les constats en réunion de clôture.",
        ]),
        ("p", "L’auditeur ne communique pas ses conclusions écrites pendant la visite."),
        ("p", "Le rapport d’audit doit être diffusé sous 10 jours calendaires."),
        ("p", "Attention : les photographies dans les ateliers sont interdites sans l’accord "
              "écrit du site."),
    )),
    ("7. Phase 3 – Décision et suivi", 1, (
        ("p", "Le directeur des achats prononce la décision après lecture du rapport."),
        ("p", "Un fournisseur référencé est réévalué au moins 2 fois par an."),
        ("p", "Si le taux de livraisons non conformes dépasse 20\u00a0%, le fournisseur est "
              "placé sous surveillance renforcée."),
        ("p", "Le fournisseur placé sous surveillance doit présenter un plan d’actions sous "
              "30 jours."),
    )),
    ("8. Gestion des écarts", 1, (
        ("p", "Aucune commande n’est passée sans référencement validé."),
        ("p", "Un écart majeur ne peut pas être clos sans preuve de correction."),
        ("p", "Les acheteurs ne divulguent jamais les notes attribuées aux candidats."),
        ("p", "Le responsable qualité fournisseurs informe le candidat de tout écart majeur "
              "sous 24 heures."),
    )),
    ("9. Enregistrements et archivage", 1, (
        ("p", "Les dossiers fournisseurs sont conservés pendant 10 ans après la fin de la "
              "relation commerciale."),
        ("p", "Les pièces jointes déposées dans l’outil achats ne dépassent pas 25 Mo par "
              "fichier."),
        ("p", "L’archivage électronique est obligatoire."),
    )),
    ("10. Documents de référence", 1, (
        ("bullets", [
            "Norme ISO 9001, exigences relatives aux prestataires externes.",
            "Procédure PR-ACH-011 – Achats de prestations intellectuelles.",
            "Formulaire FO-ACH-007 – Grille de cotation des risques.",
        ]),
    )),
)  # fmt: skip
TOP_ANCHORS = [f"s-{n}" for n in range(1, 11)]
PAGE_BREAK_BEFORE = ("4.", "6.", "8.")  # four pages whatever the fonts


def procedure_docx(sections: Sequence[SampleSection] = SECTIONS) -> bytes:
    """The procedure as Word saves it: title, header and footer, headings, lists, a table."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = HEADER
    document.sections[0].footer.paragraphs[0].text = f"{TITLE} – usage interne"
    document.add_paragraph(TITLE, style="Title")
    document.add_paragraph(PREAMBLE)
    for heading, level, blocks in sections:
        if heading.split(" ", 1)[0] in PAGE_BREAK_BEFORE:  # "4." but not "4.1"
            document.add_page_break()
        document.add_heading(heading, level=level)
        for kind, value in blocks:
            if kind == "p":
                document.add_paragraph(str(value))
            elif kind in ("bullets", "numbers"):
                style = "List Bullet" if kind == "bullets" else "List Number"
                for item in _strings(value):
                    document.add_paragraph(item, style=style)
            else:
                rows = [_strings(row) for row in _rows(value)]
                table = document.add_table(rows=len(rows), cols=len(rows[0]))
                table.style = "Table Grid"
                for row, cells in zip(table.rows, rows, strict=True):
                    for cell, text in zip(row.cells, cells, strict=True):
                        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def procedure_pdf(pages: int = 4) -> bytes:
    """The same sections drawn over `pages` pages by the shared sample PDF builder.

    That builder puts its own title and preamble first; the sections are ours.
    """
    return sf.sample_pdf(pages=pages, sections=SECTIONS)


def _strings(value: object) -> list[str]:
    assert isinstance(value, list)
    return [str(item) for item in value]


def _rows(value: object) -> list[object]:
    assert isinstance(value, list)
    return list(value)
