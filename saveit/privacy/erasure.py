"""Erasure by pseudonymisation, everywhere a model declared personal data.

Rows the law makes us keep (training proofs, audit trail, signatures) stay, naming a pseudonym;
rows nothing requires are deleted; names and addresses quoted in free text are replaced. The
audit chain hashes ids only (and a salted digest of IP and browser), so removing the salt with
the IP keeps every chain verifiable; attestations are signed again over the pseudonym.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from saveit.core.privacy import Declaration, Pseudonym, declarations

from .subjects import Person, model_of, rows_of

# Fields that hold a whole name: they become the pseudonym's name.
NAME_FIELDS = {"signer_name", "person_name", "holder_name", "full_name", "name"}
# Fields that describe the person and are simply emptied.
EMPTIED_FIELDS = {"employee_id", "site", "job", "manager", "phone", "user_agent", "context_salt"}


def scrub(value: Any, pseudonym: Pseudonym) -> Any:
    """The value with every identifier of the person replaced (strings, lists, dicts)."""
    if isinstance(value, str):
        for identifier in pseudonym.identifiers:
            replacement = pseudonym.email if "@" in identifier else pseudonym.name
            value = re.sub(re.escape(identifier), replacement, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, list):
        return [scrub(v, pseudonym) for v in value]
    if isinstance(value, dict):
        return {k: scrub(v, pseudonym) for k, v in value.items()}
    return value


def _new_value(field: models.Field, value: Any, pseudonym: Pseudonym) -> Any:
    name = field.name
    if isinstance(field, models.GenericIPAddressField):
        return None
    if isinstance(field, models.EmailField) or name == "email":
        return pseudonym.email
    if name == "first_name":
        return "Personne"
    if name == "last_name":
        return pseudonym.code
    if name == "last_login":
        return None
    if name in EMPTIED_FIELDS:
        return "" if not field.null else None
    if name in NAME_FIELDS and isinstance(value, str):
        return pseudonym.name if value else value
    if isinstance(field, models.JSONField | models.CharField | models.TextField):
        return scrub(value, pseudonym)
    return value


def rewrite_row(row: models.Model, declaration: Declaration, pseudonym: Pseudonym) -> None:
    changed = []
    for name in declaration.fields:
        field = row._meta.get_field(name)
        if field.is_relation or isinstance(field, models.FileField):
            continue
        if name == "password":
            row.set_unusable_password()  # type: ignore[attr-defined]
            changed.append(name)
            continue
        assert isinstance(field, models.Field)
        before = getattr(row, field.attname)
        after = _new_value(field, before, pseudonym)
        if after != before:
            setattr(row, field.attname, after)
            changed.append(name)
    if changed:
        row.save(update_fields=changed)
    if declaration.eraser:
        import_string(declaration.eraser)(row, pseudonym)


def _mentions(declaration: Declaration, person: Person) -> Q | None:
    """Rows of the organisation quoting the person in a free-text personal field."""
    text = [
        name
        for name in declaration.fields
        if isinstance(
            model_of(declaration)._meta.get_field(name), models.CharField | models.TextField
        )
    ]
    condition = Q()
    for name in text:
        for identifier in person.identifiers:
            condition |= Q(**{f"{name}__icontains": identifier})
    return condition if text and person.identifiers else None


def _shared_user_ids(person: Person) -> set[int]:
    """Users who are also someone elsewhere: their account stays; only this client's rows go."""
    from saveit.accounts.models import Membership
    from saveit.learning.models import Learner

    other_members = Membership.objects.filter(user_id__in=person.user_ids).exclude(
        organization=person.organization
    )
    other_learners = Learner.objects.filter(user_id__in=person.user_ids).exclude(
        organization=person.organization
    )
    return set(other_members.values_list("user_id", flat=True)) | set(
        other_learners.values_list("user_id", flat=True)
    )


def erase_person(person: Person) -> dict[str, Any]:
    """Runs in the caller's transaction; returns the report kept with the request's answer."""
    pseudonym = person.pseudonym()
    shared = _shared_user_ids(person)
    user_label = get_user_model()._meta.label
    report: dict[str, Any] = {"pseudonym": pseudonym.code, "tables": {}, "kept": []}
    targets: dict[str, list[str]] = {}
    for declaration in declarations():
        model = model_of(declaration)
        queryset = rows_of(declaration, person)
        if queryset is not None and declaration.label == user_label:
            queryset = queryset.exclude(pk__in=shared)
        mentions = _mentions(declaration, person) if declaration.organization else None
        quoting = None
        if mentions is not None:
            # Other people's rows that only quote the person: their text is scrubbed, nothing
            # else of theirs changes (their own name and address are not the person's).
            quoting = model._default_manager.filter(mentions).filter(
                **{str(declaration.organization): person.organization.pk}
            )
            if queryset is not None:
                quoting = quoting.exclude(pk__in=queryset.values("pk"))
        if queryset is None and quoting is None:
            continue
        own_ids = list(queryset.values_list("pk", flat=True)) if queryset is not None else []
        quoting_ids = list(quoting.values_list("pk", flat=True)) if quoting is not None else []
        targets[model._meta.label_lower] = [str(pk) for pk in own_ids]
        count = _apply(declaration, queryset, pseudonym) if queryset is not None else 0
        count += _scrub_quotes(
            declaration, model._default_manager.filter(pk__in=quoting_ids), pseudonym
        )
        if count:
            report["tables"][declaration.label] = {"rows": count, "done": declaration.erasure}
            if declaration.kept_years:
                report["kept"].append(_kept(declaration, count))
    report["files"] = scrub_files(person)
    report["events_about"] = _erase_event_origins(person, targets)
    return report


def _erase_event_origins(person: Person, targets: dict[str, list[str]]) -> int:
    """Events about the person's rows, recorded without an actor (a pass, an issue), still
    carry the person's IP and browser: they go too (the chain hashes a digest, not them)."""
    from saveit.audit.models import AuditEvent

    about = Q()
    for object_type, ids in targets.items():
        if ids:
            about |= Q(object_type=object_type, object_id__in=ids)
    if not about:
        return 0
    # In any chain: the provider's records about the person's rows (a survey sent) count too.
    events = AuditEvent.objects.filter(about)
    return int(
        events.exclude(ip__isnull=True, user_agent="").update(
            ip=None, user_agent="", context_salt=""
        )
    )


def _apply(declaration: Declaration, queryset: Any, pseudonym: Pseudonym) -> int:
    if declaration.erasure == "delete":
        return int(queryset.delete()[1].get(declaration.label, 0))
    count = 0
    # A pseudonymised row is rewritten in place; "keep_legal" and "none" rows hold only keys
    # (the person's own rows are rewritten through the models they point to).
    rewrite = declaration.erasure == "pseudonymise" or any(
        not model_of(declaration)._meta.get_field(f).is_relation for f in declaration.fields
    )
    for row in queryset.iterator(chunk_size=500):
        count += 1
        if rewrite:
            rewrite_row(row, declaration, pseudonym)
    return count


IDENTITY_FIELDS = {"first_name", "last_name", "email", "username", *NAME_FIELDS}


def _scrub_quotes(declaration: Declaration, queryset: Any, pseudonym: Pseudonym) -> int:
    """Replace the person's identifiers inside other people's free text, nothing more."""
    count = 0
    for row in queryset.iterator(chunk_size=500):
        changed = []
        for name in declaration.fields:
            field = row._meta.get_field(name)
            if field.is_relation or not isinstance(field, models.CharField | models.TextField):
                continue
            if isinstance(field, models.EmailField) or name in IDENTITY_FIELDS:
                continue  # someone else's own name or address
            before = getattr(row, field.attname)
            after = scrub(before, pseudonym)
            if after != before:
                setattr(row, field.attname, after)
                changed.append(name)
        if changed:
            row.save(update_fields=changed)
            count += 1
    return count


def _kept(declaration: Declaration, count: int) -> dict[str, Any]:
    today = timezone.localdate()
    until = date(today.year + declaration.kept_years, today.month, min(today.day, 28))
    return {
        "table": declaration.label,
        "rows": count,
        "why": str(declaration.kept_for).rstrip("."),
        "until": until.strftime("%d/%m/%Y"),
    }


def _file_mentions(content: bytes, identifiers: tuple[str, ...]) -> bool:
    needles = [i.lower().encode() for i in identifiers]
    haystacks = [content.lower()]
    if content[:2] == b"PK":  # a spreadsheet or any zip: look inside its parts
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                haystacks += [archive.read(n).lower() for n in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    return any(n in h for n in needles for h in haystacks)


def scrub_files(person: Person) -> int:
    """Uploaded files of the organisation naming the person and declared for deletion (learner
    imports): the file goes; the row keeps its counts and digest."""
    removed = 0
    for declaration in declarations():
        if declaration.erasure != "delete" or not declaration.organization:
            continue
        model = model_of(declaration)
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        rows = model._default_manager.filter(**{declaration.organization: person.organization.pk})
        for row in rows.iterator(chunk_size=200):
            for field in file_fields:
                name = getattr(row, field.name).name
                if not name or not default_storage.exists(name):
                    continue
                with default_storage.open(name, "rb") as stored:
                    content = stored.read()
                if _file_mentions(content, person.identifiers):
                    default_storage.delete(name)
                    setattr(row, field.attname, "")
                    row.save(update_fields=[field.name])
                    removed += 1
    return removed
