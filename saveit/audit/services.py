"""Evidence documents and their simple electronic signatures (SPEC §2).

A document is content-addressed: its bytes are stored under their SHA-256 and no service ever
replaces them. A signature binds a re-authenticated membership, its role and a statement of
intent to the exact hash of those bytes, and is appended to the audit chain in the same
transaction.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from saveit.accounts import reauth
from saveit.accounts.models import Membership, Organization
from saveit.accounts.roles import (
    DOCUMENT_EDITOR_ROLES,
    ROLES_BY_KIND,
    SIGNER_ROLES,
    is_provider_admin,
    is_provider_staff,
)
from saveit.core.errors import Forbidden, Refusal
from saveit.core.hooks import Hook
from saveit.core.request_context import current_origin
from saveit.core.uploads import read_upload

from .chain import record_event
from .models import Document, Signature

PDF_MEDIA_TYPE = "application/pdf"
_CHUNK = 1024 * 1024
# pypdf reports every oddity of real-world files as a warning; the refusal message is ours.
logging.getLogger("pypdf").setLevel(logging.ERROR)


# ---------------------------------------------------------------- upload


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    name: str
    sha256: str
    media_type: str


def upload_document(
    *,
    organization: Organization,
    by: Membership,
    uploaded_file: UploadedFile | tuple[bytes, str],
    title: str,
    signer_roles: list[str],
) -> Document:
    """Check everything first (who, roles, bytes), then store the file and the row."""
    _check_may_upload(organization, by)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise Refusal(_("Give the document a title (200 characters at most)."), code="title")
    roles = _checked_signer_roles(organization, signer_roles)
    checked = check_pdf(*read_upload(uploaded_file))
    return _store_document(
        organization=organization, by=by, title=title, signer_roles=roles, checked=checked
    )


def store_generated_pdf(
    *,
    organization: Organization,
    by: Membership,
    content: bytes,
    name: str,
    title: str,
    signer_roles: list[str],
) -> Document:
    """Keep a PDF the platform rendered itself as evidence of `organization`.

    The calling service has already decided who may issue it; the bytes are still checked as
    any upload is, and the roles asked to sign must exist in that organisation.
    """
    roles = _checked_signer_roles(organization, signer_roles) if signer_roles else []
    checked = check_pdf(content, name)
    return _store_document(
        organization=organization, by=by, title=title[:200], signer_roles=roles, checked=checked
    )


def _check_may_upload(organization: Organization, by: Membership) -> None:
    if not by.is_current():
        raise Forbidden(_("Your access to this organisation has ended."), code="not_current")
    if is_provider_admin(by):
        return
    if by.organization_id != organization.pk or by.role not in DOCUMENT_EDITOR_ROLES:
        raise Forbidden(_("Your role does not allow adding documents here."))


def _checked_signer_roles(organization: Organization, signer_roles: list[str]) -> list[str]:
    allowed = ROLES_BY_KIND[organization.kind] & SIGNER_ROLES
    roles = sorted({str(role) for role in signer_roles})
    if not roles:
        raise Refusal(_("Choose at least one role that must sign."), code="signer_roles")
    if unknown := [role for role in roles if role not in allowed]:
        raise Refusal(
            _("These roles cannot sign a document of this organisation: %(roles)s.")
            % {"roles": ", ".join(unknown)},
            code="signer_roles",
        )
    return roles


def check_pdf(content: bytes, name: str) -> CheckedFile:
    """Judge the type on the content, never on the name: a real, complete PDF with pages."""
    refusal = Refusal(
        _("This file is not a valid PDF document (it may be damaged or of another type)."),
        code="bad_file",
    )
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise refusal
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refusal(_("Password-protected PDF files cannot be kept."), code="encrypted")
        if len(reader.pages) < 1 or any(page.mediabox is None for page in reader.pages):
            raise refusal
    except Refusal:
        raise
    except Exception as error:  # pypdf raises many kinds of errors on damaged files
        raise refusal from error
    digest = hashlib.sha256(content).hexdigest()
    return CheckedFile(content=content, name=name, sha256=digest, media_type=PDF_MEDIA_TYPE)


def storage_name(organization: Organization, checked: CheckedFile) -> str:
    return f"documents/{organization.pk}/{checked.sha256}.pdf"


def _store_file(name: str, checked: CheckedFile) -> tuple[str, bool]:
    """Save the bytes under their hash; an identical file already there is reused."""
    if default_storage.exists(name) and stored_sha256(name) == checked.sha256:
        return name, False
    return default_storage.save(name, ContentFile(checked.content)), True


def _store_document(
    *,
    organization: Organization,
    by: Membership,
    title: str,
    signer_roles: list[str],
    checked: CheckedFile,
) -> Document:
    name, created = _store_file(storage_name(organization, checked), checked)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                organization=organization,
                title=title,
                file=name,
                original_name=checked.name,
                media_type=checked.media_type,
                size=len(checked.content),
                sha256=checked.sha256,
                signer_roles=signer_roles,
                created_by=by,
            )
            record_event(
                organization=organization,
                action="document.uploaded",
                actor=by,
                target=document,
                after={
                    "sha256": checked.sha256,
                    "size": document.size,
                    "signer_roles": signer_roles,
                },
            )
    except BaseException:
        if created:  # nothing stays behind when the row could not be written
            default_storage.delete(name)
        raise
    return document


# ---------------------------------------------------------------- integrity


def stored_sha256(name: str | None) -> str | None:
    """SHA-256 of the stored bytes, or None when the file is gone."""
    if not name:
        return None
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError):
        return None
    return digest.hexdigest()


@dataclass(frozen=True)
class SignatureCheck:
    signature: Signature
    ok: bool


@dataclass(frozen=True)
class Verification:
    stored_sha256: str
    actual_sha256: str | None
    ok: bool
    signatures: list[SignatureCheck]


def verify_document(document: Document) -> Verification:
    actual = stored_sha256(document.file.name)
    checks = [
        SignatureCheck(signature=s, ok=actual is not None and s.document_sha256 == actual)
        for s in document.signatures.select_related("membership").order_by("signed_at")
    ]
    return Verification(
        stored_sha256=document.sha256,
        actual_sha256=actual,
        ok=actual == document.sha256,
        signatures=checks,
    )


# ---------------------------------------------------------------- signature


# Apps above know documents whose signature has rules of their own (an engagement's artefact:
# not a replaced revision, not in a closed engagement…): each check says why not, or None. Every
# way to sign (the reading page, the evidence page, the API) goes through signing_refusal.
_SIGNING_CHECKS: list[Callable[[Document], str | None]] = []


def register_signing_check(check: Callable[[Document], str | None]) -> None:
    if check not in _SIGNING_CHECKS:
        _SIGNING_CHECKS.append(check)


def signing_refusal(document: Document, member: Membership | None) -> Refusal | None:
    """Why this membership may not sign this document now, or None if it may."""
    if member is None or not member.is_current():
        return Forbidden(_("Your access to this organisation has ended."), code="not_current")
    if member.organization_id != document.organization_id:
        return Forbidden(
            _("Only members of the document's organisation may sign it."), code="not_member"
        )
    if member.role not in document.signer_roles:
        return Forbidden(_("Your role is not asked to sign this document."), code="role_not_signer")
    for check in _SIGNING_CHECKS:
        if reason := check(document):
            return Refusal(reason, code="not_signable")
    if Signature.objects.filter(document=document, membership=member).exists():
        return Refusal(_("You have already signed this document."), code="already_signed")
    return None


def reauth_method_for(member: Membership) -> str:
    return Signature.Method.TOTP if is_provider_staff(member) else Signature.Method.PASSWORD


def sign_document(
    *,
    document: Document,
    by: Membership,
    intent: str,
    password: str = "",
    otp_code: str = "",
    expected_sha256: str | None = None,
) -> Signature:
    """Re-authenticate, then record the signature over the exact bytes stored now.

    Re-authentication runs before the write transaction so that the second-factor throttling
    of a wrong code is kept, while a refused attempt writes no signature and no event.
    `expected_sha256` is the fingerprint of the version the signer was shown: a signature
    never covers a version the signer did not read.
    """
    intent = (intent or "").strip()
    if not intent:
        raise Refusal(_("Write your statement of intent before signing."), code="intent_required")
    if refusal := signing_refusal(document, by):
        raise refusal
    if expected_sha256 is not None and expected_sha256 != document.sha256:
        raise _changed_since_read()
    method = _reauthenticate(by, password=password, otp_code=otp_code)
    return _record_signature(
        document=document,
        by=by,
        intent=intent[:2000],
        method=method,
        expected_sha256=expected_sha256,
    )


def _changed_since_read() -> Refusal:
    return Refusal(
        _(
            "This document changed after you opened it: nothing was signed. Read the current "
            "version below before signing it."
        ),
        code="changed_since_read",
    )


def _reauthenticate(member: Membership, *, password: str, otp_code: str) -> str:
    """Throttled per user (saveit.accounts.reauth): five wrong answers lock signing a while."""
    reauth.ensure_not_locked(member.user)
    method = reauth_method_for(member)
    if method == Signature.Method.TOTP:
        if not _totp_accepts(member, otp_code):
            reauth.record_failure(member=member, purpose="signing")
            raise Refusal(
                _("The authenticator code is not valid. Recovery codes cannot sign."),
                code="reauth_failed",
            )
    elif not password or not member.user.check_password(password):
        reauth.record_failure(member=member, purpose="signing")
        raise Refusal(_("The password is not correct."), code="reauth_failed")
    reauth.record_success(member.user)
    return method


def _totp_accepts(member: Membership, code: str) -> bool:
    # Only a confirmed TOTP device may sign: a one-use recovery code proves less, and trying
    # it here must not burn it (so not second_factor.check_code, which also matches those).
    cleaned = (code or "").strip().replace(" ", "")
    if not cleaned.isdigit():
        return False
    devices = TOTPDevice.objects.filter(user=member.user, confirmed=True)
    return any(device.verify_token(cleaned) for device in devices)


# Called inside the signature's transaction with (document, signature): a domain whose artefact
# takes effect when signed (the acceptance record activates module versions) registers here.
# Called in the signature's transaction (catalog activates a PV, learning re-certifies,
# orchestration tells who is next); upper apps register in their AppConfig.ready().
document_signed = Hook("audit.document_signed")


@transaction.atomic
def _record_signature(
    *,
    document: Document,
    by: Membership,
    intent: str,
    method: str,
    expected_sha256: str | None = None,
) -> Signature:
    document = Document.objects.select_for_update().get(pk=document.pk)
    if refusal := signing_refusal(document, by):
        raise refusal
    if expected_sha256 is not None and expected_sha256 != document.sha256:
        raise _changed_since_read()
    if stored_sha256(document.file.name) != document.sha256:
        raise Refusal(
            _("The stored file no longer matches its fingerprint: it cannot be signed."),
            code="document_modified",
        )
    event = record_event(
        organization=document.organization,
        action="document.signed",
        actor=by,
        target=document,
        after={
            "membership": by.pk,
            "role": by.role,
            "document_sha256": document.sha256,
            "intent_sha256": hashlib.sha256(intent.encode()).hexdigest(),
            "reauth_method": method,
        },
    )
    signature = _create_signature(
        document=document, by=by, intent=intent, method=method, event=event
    )
    document_signed(document=document, signature=signature)
    return signature


def _create_signature(
    *, document: Document, by: Membership, intent: str, method: str, event
) -> Signature:
    origin = current_origin()
    try:
        with transaction.atomic():
            return Signature.objects.create(
                document=document,
                organization=document.organization,
                signer=by.user,
                membership=by,
                role=by.role,
                signer_name=by.user.full_name or by.user.email,
                intent=intent,
                document_sha256=document.sha256,
                signed_at=event.created_at,
                reauth_method=method,
                ip=origin.ip,
                user_agent=origin.user_agent,
                audit_event=event,
            )
    except IntegrityError as error:
        raise Refusal(_("You have already signed this document."), code="already_signed") from error


def signed_document_files(signature: Signature) -> list[tuple[str, bytes]]:
    """The exact bytes a person signed, for their access export (declared on Signature)."""
    document = signature.document
    try:
        with default_storage.open(str(document.file.name), "rb") as stored:
            content = stored.read()
    except OSError:
        return []
    return [(f"document-{document.pk}-{document.original_name}", content)]
