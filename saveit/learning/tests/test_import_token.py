"""A population import is validated once, at preview; the commit loads the rows the preview kept
(saveit.learning.staging), and only while that preview may still be used: same person, same
organisation, not expired, not already used, its stored rows untouched, the employee ids it
relied on still free. Any refusal changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import override

from saveit.audit.models import AuditEvent
from saveit.core.errors import Forbidden, Refusal
from saveit.core.tables import Table

from .. import selectors, staging
from ..importing import LearnerRow
from ..models import Learner, PopulationImport, PopulationMember
from ..services import populations

# Camille moves to Paris, Éloïse changes job, Noé is unchanged, two newcomers (one with a
# backslash in her name), and a line in error (left out with skip_invalid).
SECOND = (
    "Nom;Prénom;E-mail;Matricule;Site;Poste;Manager\n"
    "Lefèvre;Camille;camille.lefevre@alpha.example;M001;Paris;Technicienne;Inès Roux\n"
    "Durand;Éloïse;eloise.durand@alpha.example;M002;Lyon;Cheffe d'équipe;Inès Roux\n"
    "Martin;Noé;noe.martin@alpha.example;M003;Grenoble;Technicien;Paul Petit\n"
    "Petit;Jules;jules.petit@alpha.example;M004;Grenoble;Technicien;Paul Petit\n"
    "Roux;In\\ès;ines.roux@alpha.example;;Lyon;Responsable;\n"
).encode()
WITH_ERROR = SECOND + b"Faux;Paul;pas-une-adresse;M009;Lyon;;\n"


def preview(population, by, content: bytes = SECOND) -> PopulationImport:  # type: ignore[no-untyped-def]
    return populations.preview_import(
        population=population, content=content, filename="second.csv", by=by
    )


def state(population, since=None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What a commit may change: the organisation's learners in creation order, those written
    `since` (else every learner's last change), the members in joining order, the events."""
    learners = Learner.objects.filter(organization_id=population.organization_id).order_by("pk")
    return {
        "learners": [
            (x.email, x.last_name, x.first_name, x.employee_id, x.site, x.job, x.manager)
            for x in learners
        ],
        "touched": sorted(learners.filter(updated_at__gte=since).values_list("email", flat=True))
        if since
        else list(learners.values_list("updated_at", flat=True)),
        "members": list(
            PopulationMember.objects.filter(population=population)
            .order_by("pk")
            .values_list("learner__email", flat=True)
        ),
        "events": list(
            AuditEvent.objects.filter(action="population.imported")
            .order_by("pk")
            .values_list("after", flat=True)
        ),
    }


def test_the_commit_loads_the_previews_rows_without_checking_the_file_again(
    population, owner, monkeypatch
):
    batch = preview(population, owner)
    assert batch.rows_file and batch.rows_sha256 and batch.expires_at > timezone.now()
    monkeypatch.setattr(populations, "_parse", lambda *a: pytest.fail("validated twice"))
    populations.commit_import(batch=batch, by=owner)
    assert population.members.count() == 5
    assert Learner.objects.get(email="ines.roux@alpha.example").first_name == "In\\ès"
    assert Learner.objects.get(email="camille.lefevre@alpha.example").site == "Paris"


def test_the_preview_page_sample_comes_from_the_kept_rows(population, owner):
    batch = preview(population, owner)
    sample = selectors.import_sample(batch, 3)
    assert [row.email for row in sample] == [
        "camille.lefevre@alpha.example",
        "eloise.durand@alpha.example",
        "noe.martin@alpha.example",
    ]
    assert sample[0] == LearnerRow(
        2, "Lefèvre", "Camille", "camille.lefevre@alpha.example", "M001", "Paris",
        "Technicienne", "Inès Roux",
    )  # fmt: skip


def _refused(batch, by, code: str, **kwargs: Any) -> Refusal:  # type: ignore[no-untyped-def]
    before = state(batch.population)
    with pytest.raises(Refusal) as refused:
        populations.commit_import(batch=batch, by=by, **kwargs)
    assert refused.value.code == code
    assert state(batch.population) == before
    batch.refresh_from_db()
    return refused.value


def test_a_replayed_commit_is_refused_and_changes_nothing(population, owner):
    batch = preview(population, owner)
    populations.commit_import(batch=batch, by=owner)
    _refused(batch, owner, "replayed")
    assert AuditEvent.objects.filter(action="population.imported").count() == 2  # fixture's + 1
    discarded = preview(population, owner)
    populations.discard_import(batch=discarded, by=owner)
    _refused(discarded, owner, "replayed")


def test_only_the_person_who_previewed_may_commit(population, owner, pm):
    batch = preview(population, owner)
    _refused(batch, pm, "not_yours")  # the provider's PM may deploy, but did not preview this
    assert batch.status == PopulationImport.Status.PREVIEWED
    populations.commit_import(batch=batch, by=owner)


def test_another_organisation_cannot_commit_the_preview(population, owner, outsider):
    batch = preview(population, owner)
    before = state(population)
    with pytest.raises(Forbidden):
        populations.commit_import(batch=batch, by=outsider)
    assert state(population) == before
    # Rows kept for another population (or organisation) are not these rows.
    other = populations.create_population(engagement=population.engagement, name="B", by=owner)
    elsewhere = preview(other, owner)
    with elsewhere.rows_file.open("rb") as handle:
        batch.rows_file.save("swapped.rows", ContentFile(handle.read()), save=False)
    batch.rows_sha256 = elsewhere.rows_sha256
    batch.save()
    _refused(batch, owner, "modified")


def test_an_expired_preview_is_refused_in_french(population, owner, settings):
    settings.POPULATION_IMPORT_PREVIEW_HOURS = 24
    batch = preview(population, owner)
    PopulationImport.objects.filter(pk=batch.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    batch.refresh_from_db()
    with override("fr"):
        refusal = _refused(batch, owner, "expired")
    assert "plus de 24 heures" in refusal.message
    assert batch.status == PopulationImport.Status.PREVIEWED


def test_kept_rows_changed_in_storage_are_refused(population, owner):
    batch = preview(population, owner)
    with batch.rows_file.open("rb") as handle:
        stored = handle.read()
    kept = staging.read(
        stored,
        sha256=batch.rows_sha256,
        binding=staging.Binding(population.organization_id, population.pk, batch.sha256),
    )
    rows = staging.rows(kept.body)
    forged = [replace(row, email=f"intrus{row.line}@evil.example") for row in rows]
    data, _digest = staging.pack(
        forged,
        binding=staging.Binding(population.organization_id, population.pk, batch.sha256),
        rejected=0,
    )
    with batch.rows_file.open("wb") as handle:  # same name, other bytes: the hash differs
        handle.write(data)
    _refused(batch, owner, "modified")
    assert not Learner.objects.filter(email__endswith="@evil.example").exists()


def test_an_employee_id_taken_since_the_preview_refuses_the_commit(population, owner):
    batch = preview(population, owner)
    populations.add_learner(
        population=population,
        fields={"last_name": "Blanc", "first_name": "Léa", "email": "lea.blanc@alpha.example",
                "employee_id": "M004"},
        by=owner,
    )  # fmt: skip
    refusal = _refused(batch, owner, "stale")
    assert "line 5" in refusal.message


def test_valid_lines_only_skip_the_line_in_error(population, owner):
    batch = preview(population, owner, WITH_ERROR)
    assert (batch.valid_rows, batch.error_count) == (5, 1)
    _refused(batch, owner, "invalid_rows")
    populations.commit_import(batch=batch, by=owner, skip_invalid=True)
    event = AuditEvent.objects.filter(action="population.imported").latest("pk")
    assert (event.after["rows"], event.after["rejected"]) == (5, 1)
    assert isinstance(populations.rejected_table(batch), Table)


def _commit_and_roll_back(population, owner, *, legacy: bool, sql: bool, monkeypatch) -> Any:  # type: ignore[no-untyped-def]
    """The state a commit of WITH_ERROR (valid lines only) leaves, then undone."""

    class Undo(Exception):
        pass

    with monkeypatch.context() as patch:
        patch.setattr(populations, "_loads_in_sql", lambda: sql)
        try:
            with transaction.atomic():
                batch = preview(population, owner, WITH_ERROR)
                if legacy:  # a preview made before the rows were kept: the file checked again
                    PopulationImport.objects.filter(pk=batch.pk).update(
                        rows_file="", rows_sha256="", expires_at=None
                    )
                    batch.refresh_from_db()
                since = timezone.now()
                batch = populations.commit_import(batch=batch, by=owner, skip_invalid=True)
                found = state(population, since) | {
                    "counts": (batch.created_learners, batch.updated_learners)
                }
                raise Undo
        except Undo:
            pass
    return found


def test_the_committed_result_is_that_of_checking_the_file_again(population, owner, monkeypatch):
    """The kept rows write exactly what the former path (the file validated again at commit)
    wrote; on PostgreSQL, the set statements write what the row-by-row path writes."""
    on_pg = connection.vendor == "postgresql"
    former = _commit_and_roll_back(
        population, owner, legacy=True, sql=False, monkeypatch=monkeypatch
    )
    assert former["counts"] == (2, 2) and len(former["members"]) == 5
    assert former["learners"][-2:] == [
        ("jules.petit@alpha.example", "Petit", "Jules", "M004", "Grenoble", "Technicien",
         "Paul Petit"),
        ("ines.roux@alpha.example", "Roux", "In\\ès", "", "Lyon", "Responsable", ""),
    ]  # fmt: skip
    assert former["touched"] == sorted(
        ["camille.lefevre@alpha.example", "eloise.durand@alpha.example",
         "jules.petit@alpha.example", "ines.roux@alpha.example"]
    )  # fmt: skip
    kept = _commit_and_roll_back(
        population, owner, legacy=False, sql=on_pg, monkeypatch=monkeypatch
    )
    assert kept == former
    if on_pg:
        rows = _commit_and_roll_back(population, owner, legacy=False, sql=False,
                                     monkeypatch=monkeypatch)  # fmt: skip
        assert rows == former


def test_the_kept_rows_are_purged_with_the_uploaded_file(
    population, owner, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from saveit.privacy.retention import purge

    batch = preview(population, owner)
    names = [batch.file.name, batch.rows_file.name]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        purge(dry_run=False, now=timezone.now() + timedelta(days=31))
    batch.refresh_from_db()
    assert not batch.file and not batch.rows_file
    assert not any(default_storage.exists(name) for name in names)


def test_a_large_commit_by_someone_else_starts_no_job(population, owner, pm, settings):
    from django.urls import reverse

    from saveit.core.models import BackgroundJob
    from saveit.testing.factories import signed_in

    settings.POPULATION_IMPORT_BACKGROUND_ROWS = 1
    batch = preview(population, owner)
    response = signed_in(pm).post(reverse("learning:import_commit", args=[batch.pk]), follow=True)
    assert not BackgroundJob.objects.exists()
    assert "Seule la personne qui a prévisualisé ce fichier" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == PopulationImport.Status.PREVIEWED
