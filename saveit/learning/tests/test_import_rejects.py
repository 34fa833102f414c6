"""The population import as people use it: a template to start from, errors that show the bad
value, the valid lines imported on request with the rejected ones given back as a file, and a
large file committed in the background."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from saveit.core.models import BackgroundJob
from saveit.learning.importing import parse_population_file
from saveit.learning.models import Learner, PopulationImport
from saveit.learning.services import populations
from saveit.testing.factories import signed_in

pytestmark = pytest.mark.django_db

MIXED = (
    "Nom;Prénom;E-mail;Matricule;Site;Poste;Manager\n"
    "Lefèvre;Camille;camille.lefevre@alpha.example;M001;Lyon;Technicienne;Inès Roux\n"
    "Durand;Éloïse;eloise.durand@@alpha;M002;Lyon;Technicienne;Inès Roux\n"
    "Martin;Noé;noe.martin@alpha.example;M003;Grenoble;Technicien;Paul Petit\n"
    ";Jules;jules.blanc@alpha.example;M004;Lyon;Technicien;Paul Petit\n"
).encode()


@pytest.fixture
def previewed(deployed, owner):
    current, _version = deployed
    population = populations.create_population(engagement=current, name="Mixte", by=owner)
    return populations.preview_import(
        population=population, content=MIXED, filename="mixte.csv", by=owner
    )


def test_the_template_downloads_with_the_expected_headers_and_reimports(owner):
    browser = signed_in(owner)
    xlsx = browser.get(reverse("learning:import_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and "modele-import" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Nom", "Prénom", "Adresse e-mail"] and len(rows) == 2
    text = browser.get(reverse("learning:import_template", args=["csv"])).content
    parsed = parse_population_file(text, "modele.csv")
    assert parsed.errors == [] and parsed.rows[0].email == "camille.martin@example.fr"
    assert parse_population_file(xlsx.content, "modele.xlsx").rows[0].last_name == "Martin"
    assert browser.get(reverse("learning:import_template", args=["pdf"])).status_code == 404


def test_the_preview_shows_line_column_value_and_reason(previewed, owner):
    page = signed_in(owner).get(reverse("learning:import", args=[previewed.pk]))
    text = page.content.decode()
    assert "eloise.durand@@alpha" in text and "Valeur lue" in text
    assert "(vide)" in text  # the missing last name of line 5
    assert previewed.valid_rows == 2 and previewed.error_count == 2
    assert "Importer uniquement les 2 lignes valides" in text


def test_the_valid_lines_are_imported_on_request_and_the_rejected_come_back(previewed, owner):
    browser = signed_in(owner)
    # Without the option, nothing is imported while the file has errors.
    refused = browser.post(reverse("learning:import_commit", args=[previewed.pk]), follow=True)
    assert "lignes en erreur" in refused.content.decode() or "ligne(s) en erreur" in (
        refused.content.decode()
    )
    assert not Learner.objects.filter(email="camille.lefevre@alpha.example").exists()
    done = browser.post(
        reverse("learning:import_commit", args=[previewed.pk]), {"skip_invalid": "1"}, follow=True
    )
    assert "lignes valides sont importées" in done.content.decode()
    emails = set(previewed.population.members.values_list("learner__email", flat=True))
    assert emails == {"camille.lefevre@alpha.example", "noe.martin@alpha.example"}
    previewed.refresh_from_db()
    assert previewed.status == PopulationImport.Status.COMMITTED
    rejected = browser.get(reverse("learning:import_rejected", args=[previewed.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(rejected.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Ligne du fichier" and rows[0][-1] == "Motif du rejet"
    assert [r[0] for r in rows[1:]] == ["3", "5"]
    assert rows[1][3] == "eloise.durand@@alpha" and "adresse e-mail" in rows[1][-1]
    assert "obligatoire" in rows[2][-1]
    sheet = load_workbook(
        io.BytesIO(
            browser.get(reverse("learning:import_rejected", args=[previewed.pk, "xlsx"])).content
        )
    ).active
    assert sheet.cell(2, 1).value == 3  # the line number is a number


def test_another_organisation_cannot_read_the_rejected_lines(previewed, outsider):
    url = reverse("learning:import_rejected", args=[previewed.pk, "csv"])
    assert signed_in(outsider).get(url).status_code == 404


def test_a_large_commit_runs_in_the_background(deployed, owner, settings):
    settings.POPULATION_IMPORT_BACKGROUND_ROWS = 2
    current, _version = deployed
    population = populations.create_population(engagement=current, name="Grand", by=owner)
    good = b"\n".join(
        line for line in MIXED.split(b"\n") if b"@@" not in line and b";Jules" not in line
    )
    batch = populations.preview_import(
        population=population, content=good, filename="grand.csv", by=owner
    )
    assert batch.valid_rows == 2
    settings.POPULATION_IMPORT_BACKGROUND_ROWS = 1
    response = signed_in(owner).post(reverse("learning:import_commit", args=[batch.pk]))
    job = BackgroundJob.objects.get(kind="learning.population_import")
    assert response.status_code == 302 and response["Location"].endswith(f"/taches/{job.pk}/")
    from saveit.core.jobs import execute

    execute(str(job.pk))
    job.refresh_from_db()
    batch.refresh_from_db()
    assert job.status == BackgroundJob.Status.DONE, job.error
    assert batch.status == PopulationImport.Status.COMMITTED
    assert population.members.count() == 2
