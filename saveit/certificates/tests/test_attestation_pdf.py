"""The attestation PDF: one French page that states the facts and links to its verification."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, date, datetime

import pypdf
import pytest
import segno

from saveit.certificates.facts import SourceRef
from saveit.certificates.pdf_data import (
    attestation_data,
    best_qr_mask,
    qr_svg,
    render_attestation_pdf,
)

from . import make_facts

NBSP = "\u00a0"


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_the_attestation_states_every_fact_on_one_french_page():
    pages, text = pdf_text(render_attestation_pdf(make_facts()))
    assert pages == 1
    for expected in (
        "Attestation de fin de formation",
        "Camille Lefèvre",
        "Laboratoires Alpha",
        "ATT-2026-000042",
        "Consignation électrique des armoires de distribution",
        "MOD-01",
        "version 1.0",
        "Procédure de consignation électrique",
        "version 2.0",
        "3f7a9c1e5b2d",  # the source's short fingerprint
        f"87{NBSP}%",
        f"80{NBSP}%",
        "23 novembre 2025",  # issued
        "VALABLE JUSQU'AU",  # labels are printed in small capitals
        "23 novembre 2026",  # valid until
        "SAVE IT Studio",
        "https://saveit.example.fr/verify/Xk3pQ9vR2mT8wLsN/",
        "Vérifiez l'authenticité de cette attestation",
        # What a French attestation of end of training states (Code du travail, L6353-1).
        "Action de formation",
        "Code du travail, art. L. 6313-1, 1°",
        "Identifier les sources d'énergie d'une armoire",  # the objectives
        "Poser et vérifier une consignation",
        "du 18 novembre 2025 au",  # the dates…
        "23 novembre 2025",
        "5\u00a0h\u00a025\u00a0min",  # …the distance time recorded…
        "à distance",
        "réussi, seuil 80",  # …the result…
        "SIREN 552 100 554",  # …and the issuer, its declaration, address and signatory
        "déclaration d'activité n° 11 75 55555 75",
        "12 rue des Ateliers, 75011 Paris",
        "Fait le 23 novembre 2025",
        "Pour SAVE IT Studio",
        "Hélène Marchand",
        "Directrice de la formation",
    ):
        assert expected in text, expected
    assert "RÉVOQUÉE" not in text
    assert "présentiel" not in text  # no session in person: no attended hours printed


def test_attended_hours_are_printed_beside_the_distance_time_when_there_were_sessions():
    _pages, text = pdf_text(render_attestation_pdf(make_facts(attended_minutes=7 * 60)))
    assert "7\u00a0h\u00a000\u00a0min" in text and "en présentiel" in text


def test_an_attestation_issued_before_these_facts_were_recorded_still_renders():
    old = make_facts(
        action_category="",
        started_on=None,
        completed_on=None,
        distance_seconds=None,
        issuer_siren="",
        issuer_activity_declaration="",
        issuer_address="",
        signatory_name="",
        signatory_role="",
    )
    pages, text = pdf_text(render_attestation_pdf(old))
    assert pages == 1
    assert "Action de formation" not in text and "SIREN" not in text and "distance" not in text


def test_an_attestation_without_end_of_validity_says_so():
    _pages, text = pdf_text(render_attestation_pdf(make_facts(valid_until=None)))
    assert "sans limite" in text


def test_a_revoked_attestation_is_stamped_revoked():
    pages, text = pdf_text(render_attestation_pdf(make_facts(), status="revoked"))
    assert pages == 1
    assert "RÉVOQUÉE" in text
    assert "Camille Lefèvre" in text  # still the same attestation underneath


def test_an_expired_attestation_is_rendered_as_issued():
    _pages, text = pdf_text(render_attestation_pdf(make_facts(), status="expired"))
    assert "RÉVOQUÉE" not in text and "23 novembre 2026" in text


def test_an_unknown_status_is_refused():
    with pytest.raises(ValueError):
        render_attestation_pdf(make_facts(), status="suspended")


def test_long_names_and_many_sources_still_fit_on_one_page():
    facts = make_facts(
        holder_name="Marie-Christine de La Rochefoucauld-Montbel",
        organization="Centre hospitalier universitaire de Clermont-Ferrand — Pôle logistique",
        module_title=(
            "Prévention du risque infectieux lors de la manipulation des dispositifs médicaux "
            "réutilisables en bloc opératoire et en stérilisation centrale"
        ),
        sources=tuple(
            SourceRef(
                document=f"Procédure n°{n} de nettoyage et désinfection des endoscopes souples "
                "thermosensibles en service d'endoscopie digestive",
                version_label="3.1",
                sha256=f"{n}" * 64,
            )
            for n in range(6)
        ),
        verify_url="https://formation.saveit-studio.example.fr/verify/Xk3pQ9vR2mT8wLsN/",
    )
    pages, text = pdf_text(render_attestation_pdf(facts))
    assert pages == 1
    assert "et 4 autres procédures" in text
    assert "https://formation.saveit-studio.example.fr/verify/Xk3pQ9vR2mT8wLsN/" in text


def test_the_pdf_is_titled_with_the_number_and_authored_by_the_issuer():
    facts = make_facts()
    metadata = pypdf.PdfReader(io.BytesIO(render_attestation_pdf(facts))).metadata
    assert metadata is not None
    assert metadata.title == f"Attestation de fin de formation {facts.number}"
    assert metadata.author == facts.issuer_name


def test_the_verification_block_is_as_wide_as_typst_measures_the_url():
    """The template computes the URL's width from DejaVu Sans Mono's advance (1233/2048 em)
    instead of measuring it: typst's measure must agree, or the URL would wrap."""
    import typst

    url = make_facts().verify_url + "é-_~"
    probe = f"""
    #context {{
      let url = "{url}"
      let measured = measure(text(font: "DejaVu Sans Mono", size: 6.8pt, url)).width
      let computed = url.clusters().len() * 6.8pt * 1233 / 2048
      assert(calc.abs((measured - computed).pt()) < 0.001, message: repr((measured, computed)))
    }}
    """
    typst.Compiler(ignore_system_fonts=True).compile(input=probe.encode(), format="pdf")


def test_the_same_facts_give_the_same_bytes():
    assert render_attestation_pdf(make_facts()) == render_attestation_pdf(make_facts())


def test_the_qr_code_encodes_the_verification_url():
    facts = make_facts()
    data = attestation_data(facts)
    assert data["qr_svg"] == qr_svg(facts.verify_url)
    regenerated = io.BytesIO()
    segno.make(facts.verify_url, error="m").save(
        regenerated, kind="svg", border=4, dark="#1d2330", light="#ffffff", xmldecl=False
    )
    assert data["qr_svg"] == regenerated.getvalue().decode()
    assert data["verify_url"] == facts.verify_url


def test_the_mask_chosen_at_issue_draws_the_same_code_as_choosing_again():
    facts = make_facts()
    mask = best_qr_mask(facts.verify_url)
    assert mask == segno.make(facts.verify_url, error="m", micro=False).mask
    assert qr_svg(facts.verify_url, mask) == qr_svg(facts.verify_url)
    assert render_attestation_pdf(facts, qr_mask=mask) == render_attestation_pdf(facts)
    other = (mask + 1) % 8  # a different mask is a different drawing: the stored one is used
    assert qr_svg(facts.verify_url, other) != qr_svg(facts.verify_url)


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="needs poppler-utils and zbar-tools to scan the printed code",
)
def test_scanning_the_printed_qr_code_opens_the_verification_page(tmp_path):
    facts = make_facts()
    (tmp_path / "attestation.pdf").write_bytes(render_attestation_pdf(facts))
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "attestation.pdf", "attestation"],
        cwd=tmp_path,
        check=True,
    )
    scanned = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "attestation.png"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    )
    assert scanned.stdout.strip() == facts.verify_url


def test_the_issue_date_is_shown_in_paris_time():
    # 23:30 UTC on 30 June is already 1 July in Paris.
    facts = make_facts(
        issued_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC), valid_until=date(2027, 7, 1)
    )
    _pages, text = pdf_text(render_attestation_pdf(facts))
    assert "1er juillet 2026" in text


@pytest.mark.parametrize("length", [10, 40, 90, 200])
def test_the_qr_svg_is_byte_for_byte_what_segno_writes(length):
    """The runs-based writer must keep the SVG (hence every PDF) exactly as segno made it."""
    import io as _io

    import segno

    from saveit.core.pdf.qr import qr_svg as runs_svg

    url = "https://formation.example.fr/verify/" + "aZ0-_"[length % 5] * length + "/"
    for mask in (None, *range(8)):
        buffer = _io.BytesIO()
        segno.make(url, error="m", micro=False, mask=mask).save(
            buffer, kind="svg", border=4, dark="#1d2330", light="#ffffff", xmldecl=False
        )
        assert runs_svg(url, mask=mask, dark="#1d2330") == buffer.getvalue().decode("utf-8")
