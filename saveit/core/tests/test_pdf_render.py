"""The typst templates: each renders realistic French data into a PDF that says what it should."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest

from saveit.core.pdf import render_pdf

NBSP = "\u00a0"
NNBSP = "\u202f"


def money(amount: str) -> str:
    """ "12400,00" -> "12 400,00 €" with the spaces saveit.core.money prints."""
    units, decimals = amount.split(",")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{NNBSP.join(groups)},{decimals}{NBSP}€"


def rate(value: str) -> str:
    return f"{value}{NBSP}%"


PROVIDER = {
    "name": "SAVE IT",
    "legal": (
        "SAVE IT SAS au capital de 10 000 € · SIREN 123 456 789 · TVA FR12 123456789 · "
        "12 rue de l'Église, 69002 Lyon"
    ),
    "address": "12 rue de l'Église\n69002 Lyon",
    "siren": "123 456 789",
    "vat": "FR12 123456789",
}
CLIENT = {
    "name": "Clinique Sainte-Thérèse",
    "legal": "SA à conseil d'administration · SIREN 987 654 321",
    "address": "4 avenue François-Mitterrand\nBâtiment C, 2ᵉ étage\n13008 Marseille",
    "siren": "987 654 321",
    "vat": "FR45 987654321",
}
COMMON_LABELS = {
    "page": "page",
    "reference": "Référence",
    "issued_on": "Date",
    "engagement": "Mission",
    "provider": "Prestataire",
    "client": "Client",
    "signature": "Signature",
    "siren": "SIREN",
    "vat_number": "N° TVA",
}
PRICE_LABELS = {
    "line_label": "Désignation",
    "quantity": "Qté",
    "unit_price": "Prix unitaire HT",
    "vat_rate": "TVA",
    "total_excl": "Total HT",
    "total_incl": "Total TTC",
    "vat": "TVA",
    "vat_base": "base",
    "vat_total": "Total TVA",
}
SIGNATURE_NOTE = (
    "Signature électronique simple, recueillie après ré-authentification du signataire et "
    "enregistrée sur la plateforme SAVE IT avec l'horodatage et l'empreinte SHA-256 de ce "
    "document ; la page de preuve jointe indique cette empreinte."
)
LONG_NOTES = (
    "Entretien mené dans les locaux de la clinique, en présence de la direction qualité et du "
    "responsable de la formation continue. La clinique prépare sa visite de certification HAS "
    "prévue à l'automne et souhaite démontrer que chaque soignant a suivi la version en vigueur "
    "des procédures d'hygiène.\n"
    "Les procédures actuelles sont dispersées : une partie sous forme de documents Word sur un "
    "partage réseau, une autre dans la GED de l'établissement. Certaines versions se "
    "contredisent, notamment sur l'hygiène des mains au bloc opératoire.\n\n"
    "La direction insiste sur la traçabilité : « il faut pouvoir prouver qui a vu quelle version, "
    "et quand »."
)


def common(kind: str, title: str, reference: str, *, signed: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {
        "provider": dict(PROVIDER),
        "client": dict(CLIENT),
        "reference": reference,
        "issued_on": "3 février 2026",
        "title": title,
        "engagement": {
            "title": "Procédures d'hygiène et de sécurité des soins",
            "reference": "ENG-2026-0004",
        },
        "labels": {**COMMON_LABELS, "kind": kind},
    }
    if signed:
        data["signature"] = {
            "role_label": "Pour le client : la directrice qualité, ou toute personne habilitée",
            "note": SIGNATURE_NOTE,
        }
    return data


def price_lines(count: int) -> list[dict[str, str]]:
    catalogue = [
        ("Conception d'un module certifiant « Hygiène des mains »", "1", "2400,00", "2400,00"),
        ("Atelier de validation avec l'équipe qualité (demi-journée)", "2", "650,00", "1300,00"),
        ("Licence annuelle de la plateforme, par apprenant", "120", "18,50", "2220,00"),
        ("Mise à jour d'un module après révision de procédure", "3", "480,00", "1440,00"),
    ]
    lines = []
    for index in range(count):
        label, quantity, unit, total = catalogue[index % len(catalogue)]
        lines.append(
            {
                "label": label if index < len(catalogue) else f"{label} — lot {index + 1}",
                "quantity": quantity,
                "unit_price": money(unit),
                "vat_rate": rate("20"),
                "total_excl": money(total),
            }
        )
    return lines


TOTALS = {"excl": money("7360,00"), "vat": money("1472,00"), "incl": money("8832,00")}
VAT_BREAKDOWN = [{"rate": rate("20"), "base": money("7360,00"), "amount": money("1472,00")}]
MILESTONES = [
    {"label": "Réunion de lancement", "date": "10 février 2026"},
    {"label": "Remise de la cartographie documentaire", "date": "3 mars 2026"},
    {"label": "Validation des modules par la direction qualité", "date": "14 avril 2026"},
    {"label": "Ouverture aux soignants", "date": "4 mai 2026"},
]


def scoping_note_data() -> dict[str, Any]:
    data = common("Note de cadrage", "Note de cadrage", "NC-2026-0004")
    data["labels"].update(
        {
            "interview": "Entretien de cadrage",
            "interview_date": "Date de l'entretien",
            "participants": "Participants",
            "interview_notes": "Compte rendu",
            "objectives": "Objectifs",
            "scope": "Périmètre",
            "constraints": "Contraintes réglementaires",
            "expectations": "Attentes du client",
            "planning": "Planning prévisionnel",
            "milestone": "Jalon",
            "milestone_date": "Date prévue",
            "no_milestones": "Aucun jalon n'est encore fixé.",
        }
    )
    data |= {
        "interview": {
            "date": "27 janvier 2026",
            "participants": [
                "Hélène Béranger, directrice qualité (Clinique Sainte-Thérèse)",
                "Jérôme Lefèvre, responsable formation (Clinique Sainte-Thérèse)",
                "Agnès Dumoulin, cheffe de projet (SAVE IT)",
            ],
            "notes": LONG_NOTES,
        },
        "objectives": (
            "Former 450 soignants aux procédures d'hygiène en vigueur avant la visite HAS.\n"
            "- Un module certifiant par procédure, rattaché à sa version source.\n"
            "- Des attestations nominatives vérifiables en ligne.\n"
            "- Un suivi par service, consultable par la direction qualité."
        ),
        "scope_items": [
            "Hygiène des mains (bloc opératoire et services)",
            "Prévention des accidents d'exposition au sang",
            "Bionettoyage des chambres après sortie du patient",
            "Gestion des excreta",
        ],
        "constraints": (
            "Référentiel de certification HAS des établissements de santé, chapitre 2.\n"
            "Données personnelles des soignants traitées conformément au RGPD ; hébergement en "
            "France."
        ),
        "expectations": (
            "Un déploiement progressif, service par service, sans perturber la continuité des "
            "soins, et des tableaux de bord mensuels à l'intention du comité qualité."
        ),
        "milestones": MILESTONES,
    }
    return data


def render(template: str, data: dict[str, Any]) -> tuple[bytes, list[str]]:
    pdf = render_pdf(template, data)
    pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    return pdf, pages


def mapping_report_data(sources: int = 30) -> dict[str, Any]:
    data = common("Rapport de cartographie", "Rapport de cartographie documentaire", "RC-2026-0004")
    data["labels"].update(
        {
            "summary": "Synthèse",
            "sources": "Documents sources",
            "source_title": "Document",
            "version": "Version",
            "status": "Statut",
            "source_scopes": "Périmètres",
            "owner": "Responsable",
            "uploaded_on": "Déposé le",
            "sha256": "SHA-256",
            "no_sources": "Aucun document source n'a été déposé.",
            "scopes": "Périmètres couverts",
            "scope_name": "Périmètre",
            "covered": "Couvert",
            "documents": "Documents",
            "no_scopes": "Aucun périmètre n'est défini.",
            "gaps": "Lacunes",
            "no_gaps": "Aucune lacune : chaque périmètre est couvert par au moins un document.",
            "duplicates": "Doublons",
            "duplicate_files": "Fichiers identiques",
            "no_duplicates": "Aucun doublon.",
        }
    )
    titles = [
        ("Procédure d'hygiène des mains au bloc opératoire", "Hygiène des mains"),
        ("Conduite à tenir en cas d'accident d'exposition au sang", "AES"),
        ("Bionettoyage des chambres — protocole détaillé", "Bionettoyage"),
        ("Gestion des excreta et des déchets d'activités de soins", "Excreta"),
        ("Précautions complémentaires contact", "Hygiène des mains"),
    ]
    owners = ["Hélène Béranger", "Jérôme Lefèvre", "Service d'hygiène"]
    media = ["DOCX · 4 pages", "PDF · 12 pages", "ODT · 7 pages", "Markdown"]
    data |= {
        "figures": [
            {"label": "documents sources", "value": str(sources)},
            {"label": "périmètres couverts", "value": "4 / 5"},
            {"label": "doublons détectés", "value": "1"},
            {"label": "pages analysées", "value": "212"},
        ],
        "sources": [
            {
                "title": titles[index % len(titles)][0],
                "version": f"v{1 + index % 4}.{index % 3}",
                "status": "En vigueur" if index % 6 else "Périmée",
                "media": media[index % len(media)],
                "sha256_short": f"{(index * 2654435761) % 16**8:08x}",
                "scopes": titles[index % len(titles)][1],
                "owner": owners[index % len(owners)],
                "uploaded_on": f"{1 + index % 28} janvier 2026",
            }
            for index in range(sources)
        ],
        "scopes": [
            {"name": "Hygiène des mains", "covered": "oui", "documents": "7"},
            {"name": "Accidents d'exposition au sang", "covered": "oui", "documents": "6"},
            {"name": "Bionettoyage", "covered": "oui", "documents": "6"},
            {"name": "Excreta", "covered": "oui", "documents": "6"},
            {"name": "Circuit du médicament", "covered": "non", "documents": "0"},
        ],
        "gaps": ["Circuit du médicament : aucun document source déposé."],
        "duplicates": [
            {
                "sha256_short": "9f2c41ab",
                "files": ["hygiene-mains-bloc.docx", "Copie de hygiene-mains-bloc.docx"],
            }
        ],
    }
    return data


def proposal_data() -> dict[str, Any]:
    data = common("Proposition technique", "Proposition technique et financière", "PT-2026-0004")
    data["labels"].update(
        {
            **PRICE_LABELS,
            "need": "Expression du besoin",
            "deliverables": "Livrables",
            "deliverable": "Livrable",
            "description": "Description",
            "sources": "Procédures sources",
            "planning": "Planning",
            "milestone": "Jalon",
            "milestone_date": "Date prévue",
            "no_milestones": "Aucun jalon n'est encore fixé.",
            "price": "Proposition financière",
            "valid_until": "Proposition valable jusqu'au",
            "terms": "Conditions",
        }
    )
    data |= {
        "need": LONG_NOTES,
        "deliverables": [
            {
                "title": "Module « Hygiène des mains »",
                "description": "Parcours certifiant de 25 minutes, quiz de 12 questions, "
                "seuil de réussite 80 %.",
                "sources": "PRO-HYG-012 v3.2, §2 à §5",
            },
            {
                "title": "Module « Accidents d'exposition au sang »",
                "description": "Conduite à tenir, déclaration et suivi ; cas pratiques par "
                "service.",
                "sources": "PRO-AES-004 v2.1",
            },
            {
                "title": "Tableaux de bord qualité",
                "description": "Taux de complétion et résultats par service, versions suivies.",
                "sources": "—",
            },
        ],
        "milestones": MILESTONES,
        "lines": price_lines(4),
        "totals": TOTALS,
        "vat_breakdown": VAT_BREAKDOWN,
        "valid_until": "3 mars 2026",
        "terms": (
            "Prix hors taxes, TVA au taux en vigueur. Un acompte de 20 % du montant TTC est dû "
            "à la commande lorsque celui-ci dépasse 2 000 €.\n"
            "Le solde est facturé dans les 20 jours suivant la livraison, payable à réception "
            "et au plus tard à 30 jours.\n"
            "Révision annuelle des prix selon l'indice SYNTEC, ou + 2 % lorsque l'indice a "
            "moins progressé."
        ),
    }
    return data


def proforma_data(lines: int = 30) -> dict[str, Any]:
    data = common("Facture proforma", "Facture proforma", "PF-2026-0012", signed=False)
    data["labels"].update(
        {
            **PRICE_LABELS,
            "reference": "Numéro",
            "not_an_invoice": "Facture proforma — ce document n'est pas une facture et ne "
            "peut donner lieu à paiement ni à déduction de TVA.",
            "seller": "Vendeur",
            "buyer": "Acheteur",
            "payment_schedule": "Échéancier",
            "payment_terms": "Conditions de paiement",
        }
    )
    data |= {
        "lines": price_lines(lines),
        "totals": TOTALS,
        "vat_breakdown": VAT_BREAKDOWN,
        "deposit": {
            "label": "Acompte de 20 % à la commande",
            "amount": money("1766,40"),
            "note": "Exigible à la signature du bon de commande.",
        },
        "balance": {"label": "Solde à la livraison", "amount": money("7065,60")},
        "mentions": [
            "Paiement à réception de facture et au plus tard 30 jours après son émission.",
            "En cas de retard de paiement : pénalités égales à trois fois le taux d'intérêt "
            "légal, par jour de retard, et indemnité forfaitaire pour frais de recouvrement "
            "de 40 € (articles L. 441-10 et D. 441-5 du Code de commerce).",
            "Pas d'escompte pour paiement anticipé.",
        ],
    }
    return data


def agreement_data() -> dict[str, Any]:
    data = common("Bon de commande", "Accord valant bon de commande", "BC-2026-0004")
    data["labels"].update(
        {
            **PRICE_LABELS,
            "statement": "Objet de l'accord",
            "recap": "Récapitulatif de la commande",
        }
    )
    data |= {
        "paragraphs": [
            "La Clinique Sainte-Thérèse, représentée par sa directrice qualité, déclare avoir "
            "pris connaissance de la proposition technique PT-2026-0004 du 3 février 2026 et "
            "de la facture proforma PF-2026-0012, et en accepter les termes.",
            "Le présent accord vaut bon de commande pour les prestations récapitulées "
            "ci-dessous. Aucune production ne commence avant sa signature.",
            "Les conditions de paiement, de révision des prix et d'annulation sont celles de "
            "la proposition technique.",
        ],
        "lines": price_lines(4),
        "totals": TOTALS,
        "vat_breakdown": VAT_BREAKDOWN,
    }
    return data


A4 = (595.28, 841.89)


@pytest.mark.parametrize(
    ("template", "build", "expected"),
    [
        ("scoping_note", scoping_note_data, ["Hélène Béranger", "Bionettoyage des chambres"]),
        ("mapping_report", mapping_report_data, ["Périmètres couverts", "Copie de hygiene"]),
        ("proposal", proposal_data, ["Module « Hygiène des mains »", money("8832,00")]),
        ("proforma", proforma_data, [money("1766,40"), "indemnité forfaitaire"]),
        ("agreement", agreement_data, ["Récapitulatif de la commande", money("7360,00")]),
    ],
)
def test_each_template_renders_its_french_data(template, build, expected):
    data = build()
    pdf, pages = render(template, data)
    text = "\n".join(pages)
    assert pdf.startswith(b"%PDF-")
    assert data["title"] in pages[0]
    assert "Clinique Sainte-Thérèse" in pages[0] and "3 février 2026" in pages[0]
    for value in expected:
        assert value in text
    assert f"page 1{NBSP}/{NBSP}{len(pages)}" in pages[0]
    assert ("Pour le client" in pages[-1]) == ("signature" in data)


@pytest.mark.parametrize(
    ("template", "build"), [("proforma", proforma_data), ("mapping_report", mapping_report_data)]
)
def test_thirty_rows_break_onto_a_second_page_with_the_table_header_repeated(template, build):
    _, pages = render(template, build())
    assert len(pages) >= 2
    assert f"page 2{NBSP}/{NBSP}{len(pages)}" in pages[1]
    header = "Désignation" if template == "proforma" else "Responsable"
    assert header in pages[1]


def test_the_same_data_gives_the_same_bytes():
    assert render_pdf("agreement", agreement_data()) == render_pdf("agreement", agreement_data())


def test_values_are_printed_as_text_never_read_as_markup():
    hostile = "*bold* #set page(width: 1cm) $x$ <b>"
    data = scoping_note_data()
    data["title"] = hostile
    data["objectives"] = hostile
    data["scope_items"] = [hostile]
    data["milestones"] = [{"label": hostile, "date": "@ref"}]
    pdf, pages = render("scoping_note", data)
    text = "\n".join(pages)
    assert text.count(hostile) >= 4 and "@ref" in text
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            A4, abs=0.1
        )


def test_empty_lists_say_so_and_no_signature_box_without_a_signer():
    data = mapping_report_data(sources=2)
    data |= {"gaps": [], "duplicates": []}
    del data["signature"]
    _, pages = render("mapping_report", data)
    text = "\n".join(pages)
    assert data["labels"]["no_gaps"] in text and "Aucun doublon." in text
    assert "Signature électronique" not in text


def test_a_missing_key_is_a_runtime_error_naming_it():
    data = scoping_note_data()
    del data["labels"]["objectives"]
    with pytest.raises(RuntimeError, match=r"scoping_note.*does not contain key \"objectives\""):
        render_pdf("scoping_note", data)


def test_an_unknown_template_is_refused():
    with pytest.raises(ValueError, match="unknown PDF template"):
        render_pdf("../letterhead", {})


def test_a_table_column_is_as_wide_as_its_longest_address():
    """Columns size to their content (a narrow equal share made addresses overlap the next
    column); the text layer keeps every address whole."""
    from saveit.core.tables import Column, Table, to_pdf

    email = "marie-christine.dupont@laboratoires-exemple.fr"
    columns = [Column(name, name.title()) for name in ("a", "b", "c", "d", "e", "f", "g", "h")]
    pdf = to_pdf(Table("Liste", columns, [[email, "@ref", "x", "x", "x", "x", "x", "x"]]))
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert f"{email} @ref x" in text  # on one line, whole, before the next cell
