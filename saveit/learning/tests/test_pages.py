"""The pages: the owner deploys, the learner reads and passes, the public verifies."""

from __future__ import annotations

import re

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from saveit.certificates.models import Attestation
from saveit.testing.factories import signed_in
from saveit.testing.learning_setup import CSV, answers_for

from ..models import Assignment, Attempt, Learner


def test_the_owner_imports_and_assigns_from_the_pages(
    deployed, owner, django_capture_on_commit_callbacks
):
    engagement, version = deployed
    browser = signed_in(owner)
    page = browser.get(f"/missions/{engagement.pk}/deploiement/")
    assert page.status_code == 200 and "Nettoyage des paillasses" in page.content.decode()
    created = browser.post(
        f"/missions/{engagement.pk}/deploiement/", {"pop-name": "Techniciens"}, follow=True
    )
    population = engagement.populations.get()
    assert created.redirect_chain[-1][0] == f"/populations/{population.pk}/"
    upload = SimpleUploadedFile("techniciens.csv", CSV, content_type="text/csv")
    preview = browser.post(f"/populations/{population.pk}/import/", {"file": upload}, follow=True)
    assert "camille.lefevre@alpha.example" in preview.content.decode()
    batch = population.imports.get()
    browser.post(f"/populations/imports/{batch.pk}/valider/")
    assert population.members.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            f"/missions/{engagement.pk}/deploiement/assigner/",
            {"version": version.pk, "population": population.pk},
        )
    assert Assignment.objects.filter(module_version=version).count() == 3
    assert len(mail.outbox) == 3


def test_a_learner_signs_in_by_link_reads_fails_then_passes_and_verifies(assigned):
    message = next(m for m in mail.outbox if m.to == ["noe.martin@alpha.example"])
    link = re.search(r"https?://[^/\s]+(/acces/[\w-]+/)", message.body).group(1)
    browser = Client()
    assert browser.get(link).status_code == 200  # a confirmation page: mail scanners spend nothing
    landed = browser.post(link, follow=True)
    assert landed.redirect_chain[-1][0] == "/mes-formations/"
    assignment = Assignment.objects.get(learner__email="noe.martin@alpha.example")
    assert f"/mes-formations/{assignment.pk}/" in landed.content.decode()
    assert browser.post(link).status_code == 410  # the link works once
    first_lesson = assignment.module_version.lessons.order_by("position").first().key
    reader = browser.get(f"/mes-formations/{assignment.pk}/lecons/{first_lesson}/")
    assert reader.status_code == 200 and "data-heartbeat" in reader.content.decode()
    browser.post(f"/mes-formations/{assignment.pk}/evaluation/")
    attempt = Attempt.objects.get(assignment=assignment)
    assert browser.get(f"/mes-formations/{assignment.pk}/evaluation/").status_code == 200
    failed = browser.post(
        f"/mes-formations/{assignment.pk}/evaluation/1/",
        answers_for(attempt, right=False),
        follow=True,
    )
    assert failed.redirect_chain[-1][0] == f"/mes-formations/{assignment.pk}/resultats/1/"
    browser.post(f"/mes-formations/{assignment.pk}/evaluation/")
    second = Attempt.objects.get(assignment=assignment, number=2)
    browser.post(f"/mes-formations/{assignment.pk}/evaluation/2/", answers_for(second, right=True))
    attestation = Attestation.objects.get(assignment=assignment)
    pdf = browser.get(f"/attestations/{attestation.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    badge = browser.get(f"/attestations/{attestation.pk}/open-badge/")
    assert badge.content.decode().count(".") == 2
    verify = Client().get(f"/verify/{attestation.code}/").content.decode()
    assert "Noé M." in verify and "noe.martin@alpha.example" not in verify
    assert "Martin" not in verify.replace("Noé M.", "")


def test_a_learner_never_reaches_another_learners_assignment_or_attempt(assigned):
    from saveit.accounts.roles import Role
    from saveit.testing.factories import make_member

    noe = Learner.objects.get(email="noe.martin@alpha.example")
    camille_assignment = Assignment.objects.get(learner__email="camille.lefevre@alpha.example")
    member = make_member(noe.organization, Role.LEARNER, email=noe.email)
    Learner.objects.filter(pk=noe.pk).update(user=member.user)
    browser = signed_in(member)
    for url in (
        f"/mes-formations/{camille_assignment.pk}/",
        f"/mes-formations/{camille_assignment.pk}/evaluation/",
        f"/mes-formations/{camille_assignment.pk}/resultats/1/",
    ):
        assert browser.get(url).status_code == 404
    assert browser.post(f"/mes-formations/{camille_assignment.pk}/evaluation/").status_code == 404
    assert not Attempt.objects.filter(assignment=camille_assignment).exists()


def test_the_result_page_names_each_section_by_its_title_never_its_anchor(assigned):
    message = next(m for m in mail.outbox if m.to == ["noe.martin@alpha.example"])
    link = re.search(r"https?://[^/\s]+(/acces/[\w-]+/)", message.body).group(1)
    browser = Client()
    browser.post(link)
    assignment = Assignment.objects.get(learner__email="noe.martin@alpha.example")
    browser.post(f"/mes-formations/{assignment.pk}/evaluation/")
    attempt = Attempt.objects.get(assignment=assignment)
    page = browser.post(
        f"/mes-formations/{assignment.pk}/evaluation/1/",
        answers_for(attempt, right=False),
        follow=True,
    ).content.decode()
    cells = re.findall(r"<tr>\s*<td>(.*?)</td>", page, re.S)
    assert cells and not any(re.fullmatch(r"s-[\w-]+", c.strip()) for c in cells)
    titles = {"Rôles et responsabilités", "Déroulement", "Délais", "Objet"}
    assert {c.strip() for c in cells} <= titles, cells
    assert "section « " in page  # the feedback quotes the procedure and names its section
