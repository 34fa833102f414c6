"""Populations: created by hand or imported from a file, previewed, then committed at once."""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from saveit.accounts.models import Membership
from saveit.audit.chain import record_event
from saveit.core.bulk import db_datetime, insert_rows
from saveit.core.errors import Refusal
from saveit.core.tables import Column, Table
from saveit.engagements.models import Engagement

from .. import staging
from ..hooks import moving_learners
from ..importing import FIELDS as IMPORT_FIELDS
from ..importing import (
    LearnerRow,
    ParsedFile,
    RowError,
    column_label,
    parse_population_file,
)
from ..models import Learner, Population, PopulationImport, PopulationMember
from .common import locked_for_deployment
from .learners import checked_person

LEARNER_FIELDS = ("last_name", "first_name", "employee_id", "site", "job", "manager")
SITE = LEARNER_FIELDS.index("site")
EMPLOYEE_ID = LEARNER_FIELDS.index("employee_id")
MAX_ERRORS_KEPT = 500
BATCH = 2000


@transaction.atomic
def create_population(
    *, engagement: Engagement, name: str, description: str = "", by: Membership
) -> Population:
    engagement = locked_for_deployment(engagement, by)
    name = name.strip()
    if not name:
        raise Refusal(_("Give the population a name."), code="invalid")
    if engagement.populations.filter(name__iexact=name).exists():
        raise Refusal(_("This engagement already has a population with this name."), code="exists")
    population = Population.objects.create(
        organization=engagement.client,
        engagement=engagement,
        name=name,
        description=description.strip(),
        created_by=by,
    )
    record_event(
        organization=engagement.client,
        action="population.created",
        actor=by,
        target=population,
        after={"name": name, "engagement": engagement.pk},
    )
    return population


def _clashes(organization_id: int, rows: list[LearnerRow]) -> list[RowError]:
    """Rows whose employee id already belongs to another learner of the organisation."""
    ids = {row.employee_id for row in rows if row.employee_id}
    if not ids:
        return []
    owners: dict[str, str] = {}
    existing = Learner.objects.filter(organization_id=organization_id).exclude(employee_id="")
    for employee_id, email in existing.values_list("employee_id", "email").iterator(5000):
        if employee_id in ids:
            owners[employee_id] = email
    return [
        RowError(
            line=row.line,
            column="employee_id",
            message=_("This employee id already belongs to %(email)s.")
            % {"email": owners[row.employee_id]},
        )
        for row in rows
        if row.employee_id in owners and owners[row.employee_id] != row.email
    ]


def _parse(content: bytes, filename: str, organization_id: int) -> ParsedFile:
    parsed = parse_population_file(content, filename)
    file_errors = [e for e in parsed.errors if e.line == 0]
    if file_errors:
        raise Refusal(" ".join(e.message for e in file_errors), code="invalid_file")
    parsed.errors.extend(_clashes(organization_id, parsed.rows))
    parsed.errors.sort(key=lambda e: e.line)
    if not parsed.rows and not parsed.errors:
        raise Refusal(_("The file lists no learner."), code="invalid_file")
    return parsed


def _shown(error: RowError) -> dict[str, object]:
    """The error as the report shows it: the column by its French name."""
    return asdict(error) | {"column": column_label(error.column) if error.column else None}


@transaction.atomic
def preview_import(
    *, population: Population, content: bytes, filename: str, by: Membership
) -> PopulationImport:
    """Checks the whole file and keeps it, with its valid rows, for the commit (valid for
    POPULATION_IMPORT_PREVIEW_HOURS, by the same person); a file-level problem stores nothing."""
    locked_for_deployment(population.engagement, by)
    parsed = _parse(content, filename, population.organization_id)
    digest = hashlib.sha256(content).hexdigest()
    wrong = {e.line for e in parsed.errors}
    valid = [row for row in parsed.rows if row.line not in wrong]
    rows, rows_sha256 = staging.pack(
        valid,
        binding=staging.Binding(population.organization_id, population.pk, digest),
        rejected=len(wrong) + parsed.unlisted_errors,
    )
    now = timezone.now()
    batch = PopulationImport(
        organization_id=population.organization_id,
        population=population,
        filename=filename[:255],
        sha256=digest,
        valid_rows=len(valid),
        error_count=len(parsed.errors),
        errors=[_shown(e) for e in parsed.errors[:MAX_ERRORS_KEPT]],
        created_by=by,
        rows_sha256=rows_sha256,
        expires_at=now + timedelta(hours=settings.POPULATION_IMPORT_PREVIEW_HOURS),
    )
    batch.file.save(f"{digest}.bin", ContentFile(content), save=False)
    batch.rows_file.save(f"{digest}.rows", ContentFile(rows), save=False)
    batch.save()
    return batch


def check_committable(*, batch: PopulationImport, by: Membership) -> None:
    """The preview may still be imported, by this person: not already imported or discarded,
    previewed by them, in the population's organisation, not expired. Refusal otherwise."""
    if batch.status != PopulationImport.Status.PREVIEWED:
        raise Refusal(_("This file has already been imported or discarded."), code="replayed")
    if batch.created_by_id != by.pk or batch.organization_id != batch.population.organization_id:
        raise Refusal(
            _("Only the person who previewed this file can import it: upload it again."),
            code="not_yours",
        )
    if batch.expires_at is not None and batch.expires_at <= timezone.now():
        raise Refusal(
            _(
                "This preview is more than %(hours)s hours old: upload the file again so that "
                "it is checked against the learners of today."
            )
            % {"hours": settings.POPULATION_IMPORT_PREVIEW_HOURS},
            code="expired",
        )


def _modified() -> Refusal:
    return Refusal(_("The stored file changed since its preview."), code="modified")


def _validated(batch: PopulationImport) -> staging.Staged:
    """The rows the preview found valid, as it stored them. A preview made before the rows were
    kept (no rows file) is checked again from its file, as it was then."""
    binding = staging.Binding(batch.organization_id, batch.population_id, batch.sha256)
    if batch.rows_file:
        with batch.rows_file.open("rb") as handle:
            data = handle.read()
        try:
            return staging.read(data, sha256=batch.rows_sha256, binding=binding)
        except staging.StagedRowsChanged as error:
            raise _modified() from error
    with batch.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != batch.sha256:
        raise _modified()
    parsed = _parse(content, batch.filename, batch.organization_id)
    wrong = {e.line for e in parsed.errors}
    if parsed.errors and not batch.error_count:  # the organisation changed since the preview
        raise _stale(len(wrong), min(wrong))
    data, digest = staging.pack(
        (row for row in parsed.rows if row.line not in wrong),
        binding=binding,
        rejected=len(wrong) + parsed.unlisted_errors,
    )
    return staging.read(data, sha256=digest, binding=binding)


def _stale(count: int, first_line: int) -> Refusal:
    return Refusal(
        _(
            "Since the preview, %(n)s employee id(s) of this file were given to other learners "
            "of the organisation (first on line %(line)s): upload the file again to check it."
        )
        % {"n": count, "line": first_line},
        code="stale",
    )


def _upsert(organization_id: int, rows: list[LearnerRow]) -> tuple[list[int], int, int]:
    """Creates the new learners, updates the known ones; returns every row's learner id.

    The employee ids are checked again first: one given meanwhile to another learner of the
    organisation refuses the commit (`_stale`)."""
    known = {
        email: (pk, fields)
        for pk, email, *fields in Learner.objects.filter(organization_id=organization_id)
        .values_list("pk", "email", *LEARNER_FIELDS)
        .iterator(5000)
    }
    owners = {fields[EMPLOYEE_ID]: email for email, (_pk, fields) in known.items()}
    clashes = [
        row.line
        for row in rows
        if row.employee_id and owners.get(row.employee_id, row.email) != row.email
    ]
    if clashes:
        raise _stale(len(clashes), clashes[0])
    now = timezone.now()
    stamp = db_datetime(now)
    fresh: list[tuple[object, ...]] = []
    changed: list[Learner] = []
    for row in rows:
        values = [getattr(row, f) for f in LEARNER_FIELDS]
        found = known.get(row.email)
        if found is None:
            fresh.append((organization_id, row.email, *values, stamp, stamp))
        elif list(found[1]) != values:
            changed.append(
                Learner(pk=found[0], email=row.email, updated_at=now,
                        **dict(zip(LEARNER_FIELDS, values, strict=True)))
            )  # fmt: skip
    insert_rows(
        Learner._meta.db_table,
        ["organization_id", "email", *LEARNER_FIELDS, "created_at", "updated_at"],
        fresh,
    )
    moved = [learner.pk for learner in changed if learner.site != known[learner.email][1][SITE]]
    with moving_learners(moved):
        Learner.objects.bulk_update(changed, [*LEARNER_FIELDS, "updated_at"], batch_size=BATCH)
    ids = dict(Learner.objects.filter(organization_id=organization_id).values_list("email", "pk"))
    return [ids[row.email] for row in rows], len(fresh), len(changed)


def _add_members(population_id: int, learner_ids: list[int]) -> None:
    present = set(
        PopulationMember.objects.filter(population_id=population_id).values_list(
            "learner_id", flat=True
        )
    )
    stamp = db_datetime(timezone.now())
    insert_rows(  # under the engagement lock: nobody adds members meanwhile
        PopulationMember._meta.db_table,
        ["population_id", "learner_id", "added_at"],
        ((population_id, i, stamp) for i in dict.fromkeys(learner_ids) if i not in present),
    )


def _loads_in_sql() -> bool:
    return connection.vendor == "postgresql"


def _load_in_sql(batch: PopulationImport, body: bytes) -> tuple[int, int]:
    """PostgreSQL: the staged rows go to a temporary table by one COPY, then the learners and
    the members are written from it by set statements, the same rows as `_upsert` and
    `_add_members` would write. Returns (created, updated)."""
    org, population = batch.organization_id, batch.population_id
    now = timezone.now()
    columns = ", ".join(f"{name} text" for name in staging.COLUMNS[1:])
    fields = ", ".join(LEARNER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE import_rows (line integer, {columns}) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            f"COPY import_rows ({', '.join(staging.COLUMNS)}) FROM STDIN"
        ) as copy:
            copy.write(body)
        cursor.execute(
            "SELECT s.line FROM import_rows s JOIN learning_learner l"
            " ON l.organization_id = %s AND l.employee_id = s.employee_id AND l.email <> s.email"
            " WHERE s.employee_id <> '' ORDER BY s.line",
            [org],
        )
        clashes = [line for (line,) in cursor.fetchall()]
        if clashes:
            raise _stale(len(clashes), clashes[0])
        cursor.execute(
            "SELECT l.id FROM import_rows s JOIN learning_learner l"
            " ON l.organization_id = %s AND l.email = s.email WHERE l.site <> s.site",
            [org],
        )
        moved = [pk for (pk,) in cursor.fetchall()]
        with moving_learners(moved):
            cursor.execute(
                f"UPDATE learning_learner l SET ({fields}, updated_at)"  # noqa: S608
                f" = ({', '.join(f's.{f}' for f in LEARNER_FIELDS)}, %s)"
                " FROM import_rows s WHERE l.organization_id = %s AND l.email = s.email"
                f" AND ({', '.join(f'l.{f}' for f in LEARNER_FIELDS)})"
                f" IS DISTINCT FROM ({', '.join(f's.{f}' for f in LEARNER_FIELDS)})",
                [now, org],
            )
            updated = cursor.rowcount
        cursor.execute(
            f"INSERT INTO learning_learner (organization_id, email, {fields},"  # noqa: S608
            " created_at, updated_at)"
            f" SELECT %s, s.email, {', '.join(f's.{f}' for f in LEARNER_FIELDS)}, %s, %s"
            " FROM import_rows s WHERE NOT EXISTS (SELECT 1 FROM learning_learner l"
            " WHERE l.organization_id = %s AND l.email = s.email) ORDER BY s.line",
            [org, now, now, org],
        )
        created = cursor.rowcount
        _members_in_sql(cursor, population, org, now)
        cursor.execute("DROP TABLE import_rows")
    return created, updated


def _members_in_sql(cursor: CursorWrapper, population: int, org: int, now: datetime) -> None:
    """The rows' learners who are not yet members of the population join it, in file order."""
    cursor.execute(  # under the engagement lock: nobody adds members meanwhile
        "INSERT INTO learning_populationmember (population_id, learner_id, added_at)"
        " SELECT %s, l.id, %s FROM import_rows s JOIN learning_learner l"
        " ON l.organization_id = %s AND l.email = s.email"
        " WHERE NOT EXISTS (SELECT 1 FROM learning_populationmember m"
        " WHERE m.population_id = %s AND m.learner_id = l.id) ORDER BY s.line",
        [population, now, org, population],
    )


@transaction.atomic
def commit_import(
    *, batch: PopulationImport, by: Membership, skip_invalid: bool = False
) -> PopulationImport:
    """All or nothing: every valid row lands, or the file had errors and nothing does — unless
    the rows in error are explicitly left out (`skip_invalid`): then the valid rows land and the
    rejected ones are given back as a file (`rejected_table`).

    The rows are those the preview validated (`check_committable` says when they may be used);
    only what they relied on in the database, the employee ids of other learners, is checked
    again."""
    engagement = locked_for_deployment(batch.population.engagement, by)
    batch = (
        PopulationImport.objects.select_for_update(of=("self",))
        .select_related("population")
        .get(pk=batch.pk)
    )
    check_committable(batch=batch, by=by)
    if batch.error_count and not skip_invalid:
        raise Refusal(
            _("The file has %(n)s line(s) in error: correct them and upload it again.")
            % {"n": batch.error_count},
            code="invalid_rows",
        )
    staged = _validated(batch)
    if not staged.count:
        raise Refusal(_("No line of the file is valid: nothing to import."), code="no_valid")
    if _loads_in_sql():
        created, updated = _load_in_sql(batch, staged.body)
    else:
        rows = staging.rows(staged.body)
        learner_ids, created, updated = _upsert(batch.organization_id, rows)
        _add_members(batch.population_id, learner_ids)
    batch.status = PopulationImport.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.created_learners, batch.updated_learners = created, updated
    batch.save(update_fields=["status", "committed_at", "created_learners", "updated_learners"])
    record_event(
        organization=engagement.client,
        action="population.imported",
        actor=by,
        target=batch.population,
        after={
            "file_sha256": batch.sha256,
            "rows": staged.count,
            "created": created,
            "updated": updated,
            "rejected": staged.rejected if skip_invalid else 0,
        },
    )
    return batch


def rejected_table(batch: PopulationImport) -> Table:
    """The lines of the file that were refused, as they were read, with the reason: the user
    corrects them and imports this file again."""
    with batch.file.open("rb") as handle:
        content = handle.read()
    parsed = parse_population_file(content, batch.filename, max_errors=10**9)
    parsed.errors.extend(_clashes(batch.organization_id, parsed.rows))
    values = dict(parsed.rejected)
    by_line = {row.line: row for row in parsed.rows}
    reasons: dict[int, list[str]] = {}
    for error in sorted(parsed.errors, key=lambda e: e.line):
        if error.line == 0:
            continue
        label = column_label(error.column) if error.column else ""
        reasons.setdefault(error.line, []).append(
            f"{label} : {error.message}" if label else error.message
        )
        if error.line not in values and error.line in by_line:
            row = by_line[error.line]
            values[error.line] = [getattr(row, key) for key in IMPORT_FIELDS]
    columns = [
        Column("line", _("Line in the file"), True),
        *(Column(key, column_label(key)) for key in IMPORT_FIELDS),
        Column("reason", _("Reason for the rejection")),
    ]
    rows = [
        [line, *values.get(line, [""] * len(IMPORT_FIELDS)), " ; ".join(reasons[line])]
        for line in sorted(reasons)
    ]
    return Table(_("Rejected lines"), columns, rows)


def import_template() -> Table:
    """The file to fill in: the expected column names and one example line."""
    columns = [Column(key, column_label(key).capitalize()) for key in IMPORT_FIELDS]
    example = [
        "Martin",
        "Camille",
        "camille.martin@example.fr",
        "M-00042",
        "Lyon",
        _("Laboratory technician"),
        "Claire Durand",
    ]
    return Table(_("Learners"), columns, [example])


@transaction.atomic
def discard_import(*, batch: PopulationImport, by: Membership) -> None:
    locked_for_deployment(batch.population.engagement, by)
    updated = PopulationImport.objects.filter(
        pk=batch.pk, status=PopulationImport.Status.PREVIEWED
    ).update(status=PopulationImport.Status.DISCARDED)
    if not updated:
        raise Refusal(_("This file has already been imported or discarded."), code="replayed")


@transaction.atomic
def add_learner(*, population: Population, fields: dict[str, str], by: Membership) -> Learner:
    """Adds a person by hand; a known e-mail in the organisation reuses (and updates) the record."""
    locked_for_deployment(population.engagement, by)
    org = population.organization_id
    data = checked_person(org, fields, record=None)
    known = Learner.objects.filter(organization_id=org, email=data["email"]).first()
    with moving_learners([known.pk] if known and known.site != data["site"] else []):
        learner, created = Learner.objects.update_or_create(
            organization_id=org,
            email=data["email"],
            defaults={k: data[k] for k in LEARNER_FIELDS},
        )
    PopulationMember.objects.get_or_create(population=population, learner=learner)
    record_event(
        organization=population.organization,
        action="population.learner_added",
        actor=by,
        target=population,
        after={"learner": learner.pk, "created": created},
    )
    return learner


@transaction.atomic
def remove_learner(*, population: Population, learner: Learner, by: Membership) -> None:
    """Takes the person out of the population; assignments already made stay (they are facts)."""
    locked_for_deployment(population.engagement, by)
    deleted, _rows = PopulationMember.objects.filter(
        population=population, learner=learner
    ).delete()
    if not deleted:
        raise Refusal(_("This learner is not in the population."), code="not_member")
    record_event(
        organization=population.organization,
        action="population.learner_removed",
        actor=by,
        target=population,
        after={"learner": learner.pk},
    )
