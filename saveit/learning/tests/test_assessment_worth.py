"""What a generated assessment is worth (SPEC §4): measured on procedures of different shapes,
drawn as the product draws an attempt, answered by strategies that do not read the questions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from saveit.catalog.transform import propose_skeleton
from saveit.documents.ingest import ingest
from saveit.learning.assessment_report import (
    MAX_BYTES,
    STRATEGIES,
    Report,
    corpus_files,
    has_who,
    lines,
    report_skeleton,
)
from saveit.testing import procedures

ATTEMPTS = 150
# Each procedure read as written, and through another parser: tables survive DOCX and ODT.
FORMATS = {
    "consignation": "docx",
    "reclamations": "docx",
    "echantillons": "odt",
    "deploiement": "pdf",
    "acces": "odt",
}
CASES = [(path, None) for path in procedures.files()] + [
    (path, FORMATS[path.stem]) for path in procedures.files()
]
# The requirement documents, beside the repository in CI (SAVEIT_SEEDS elsewhere).
SEEDS = Path(
    os.environ.get("SAVEIT_SEEDS")
    or Path(__file__).resolve().parents[3] / ".." / "shared" / "seeds"
)


def measured(content: bytes, name: str) -> tuple[Report, bool]:
    skeleton = propose_skeleton(ingest(content, name, max_bytes=MAX_BYTES)[1])
    return report_skeleton(name, skeleton, attempts=ATTEMPTS), has_who(skeleton)


def assert_certifying(report: Report) -> None:
    assert report.families >= report.per_attempt, report  # the default number is met
    assert report.kind_count >= 3, report.kinds
    assert report.true_share is not None and 40 <= report.true_share <= 60, report
    for label, blind in report.blind.items():
        assert blind.mean < report.pass_mark, (report.name, label, blind)
        assert blind.passed <= 5, (report.name, label, blind)  # hardly ever a pass by luck


@pytest.mark.parametrize(("path", "fmt"), CASES, ids=lambda x: getattr(x, "stem", x) or "as-is")
def test_no_blind_strategy_passes_the_assessment_generated_from_a_procedure(path, fmt):
    content, name = (
        (path.read_bytes(), path.name) if fmt is None else procedures.rendered(path, fmt)
    )
    report, who = measured(content, name)
    assert_certifying(report)
    assert report.has_ordering == (path.stem in procedures.WITH_STEPS), report.kinds
    assert who == (path.stem in procedures.WITH_ROLES)


def test_the_report_command_lists_every_procedure_of_the_corpus(capsys):
    from django.core.management import call_command

    call_command("assessment_report", "--attempts", "20")
    out = capsys.readouterr().out
    assert [p.name for p in corpus_files()] == [p.name for p in procedures.files()]
    assert len(corpus_files()) >= 5
    for path in corpus_files():
        assert path.name in out
    assert out.count("always the longest option") == len(corpus_files())
    assert "PASSES" not in out and "true among true/false answers: 50 %" in out


def test_the_report_command_refuses_a_missing_file_in_plain_words():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No such file"):
        call_command("assessment_report", "/nowhere/procedure.md")


def test_the_blind_strategies_are_the_three_of_the_spec():
    assert list(STRATEGIES) == [
        "always true", "always the first option", "always the longest option"
    ]  # fmt: skip


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the requirement documents are not checked out")
@pytest.mark.parametrize("prefix", ["000_", "002_"])
def test_the_two_real_procedures_of_the_seeds_cannot_be_passed_blindly(prefix):
    path = next(SEEDS.glob(f"{prefix}*.txt"))
    report, who = measured(path.read_bytes(), path.name)
    print("\n".join(lines(report)))
    assert report.kind_count >= 3 and 40 <= (report.true_share or 0) <= 60
    assert all(blind.mean < report.pass_mark for blind in report.blind.values())
    assert who  # both assign roles
    if prefix == "000_":  # "Phase 0" … "Phase 7"
        assert report.has_ordering and report.families >= report.per_attempt
