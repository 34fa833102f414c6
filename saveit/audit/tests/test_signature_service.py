"""Signing a document: who may sign, re-authentication, once only, over the exact bytes."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from saveit.accounts.roles import Role
from saveit.audit import services
from saveit.audit.chain import verify_chain
from saveit.audit.models import AuditEvent, Signature
from saveit.core.errors import Refusal
from saveit.core.request_context import Origin, reset_origin, set_origin
from saveit.testing.factories import PASSWORD, make_document, make_member
from saveit.testing.pdf import make_pdf

INTENT = "I have read this document and I approve it."


@pytest.fixture
def origin():  # type: ignore[no-untyped-def]
    token = set_origin(Origin(ip="203.0.113.7", user_agent="Mozilla/5.0 (Test) Firefox/140"))
    yield
    reset_origin(token)


def counts():  # type: ignore[no-untyped-def]
    return Signature.objects.count(), AuditEvent.objects.count()


def totp_device(user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


def test_a_member_asked_to_sign_signs_with_their_password(owner, origin):
    document = make_document(owner)
    signature = services.sign_document(
        document=document, by=owner, intent=INTENT, password=PASSWORD
    )
    assert signature.signer == owner.user and signature.role == Role.CLIENT_OWNER
    assert signature.signer_name == owner.user.full_name
    assert signature.document_sha256 == document.sha256
    assert (signature.ip, signature.user_agent) == ("203.0.113.7", "Mozilla/5.0 (Test) Firefox/140")
    assert signature.reauth_method == Signature.Method.PASSWORD
    assert signature.signed_at.utcoffset().total_seconds() == 0
    event = signature.audit_event
    assert (event.action, event.object_type, event.object_id) == (
        "document.signed",
        "audit.document",
        str(document.pk),
    )
    assert event.after["document_sha256"] == document.sha256
    assert owner.user.full_name not in str(event.after)
    assert verify_chain(owner.organization).ok


def test_a_wrong_password_is_refused_and_nothing_changes(owner):
    document = make_document(owner)
    before = counts()
    for password in ("wrong", ""):
        with pytest.raises(Refusal, match="password"):
            services.sign_document(document=document, by=owner, intent=INTENT, password=password)
    assert counts() == before


def test_an_empty_statement_of_intent_is_refused(owner):
    document = make_document(owner)
    before = counts()
    with pytest.raises(Refusal, match="statement of intent"):
        services.sign_document(document=document, by=owner, intent="   ", password=PASSWORD)
    assert counts() == before


def test_a_role_not_asked_to_sign_is_refused(owner, learner):
    document = make_document(owner, roles=[Role.CLIENT_OWNER])
    before = counts()
    with pytest.raises(Refusal, match="not asked to sign"):
        services.sign_document(document=document, by=learner, intent=INTENT, password=PASSWORD)
    assert counts() == before


def test_a_member_of_another_organisation_is_refused_even_with_the_right_role(owner, outsider):
    document = make_document(owner)
    before = counts()
    with pytest.raises(Refusal, match="organisation"):
        services.sign_document(document=document, by=outsider, intent=INTENT, password=PASSWORD)
    assert counts() == before


def test_a_provider_admin_cannot_sign_for_a_client(staff_admin, client_org):
    document = services.upload_document(
        organization=client_org,
        by=staff_admin,
        uploaded_file=(make_pdf(), "pv.pdf"),
        title="PV",
        signer_roles=[Role.CLIENT_OWNER],
    )
    device = totp_device(staff_admin.user)
    before = counts()
    with pytest.raises(Refusal):
        services.sign_document(
            document=document, by=staff_admin, intent=INTENT, otp_code=current_code(device)
        )
    assert counts() == before


def test_the_same_membership_cannot_sign_twice(owner):
    document = make_document(owner)
    services.sign_document(document=document, by=owner, intent=INTENT, password=PASSWORD)
    before = counts()
    with pytest.raises(Refusal, match="already signed"):
        services.sign_document(document=document, by=owner, intent=INTENT, password=PASSWORD)
    assert counts() == before


def test_a_deactivated_membership_cannot_sign(owner, manager):
    document = make_document(owner)
    manager.is_active = False
    manager.save(update_fields=["is_active"])
    with pytest.raises(Refusal):
        services.sign_document(document=document, by=manager, intent=INTENT, password=PASSWORD)
    assert not Signature.objects.exists()


def test_two_roles_sign_and_the_document_is_complete(owner, manager):
    from saveit.audit.selectors import signing_status

    document = make_document(owner)
    services.sign_document(document=document, by=owner, intent=INTENT, password=PASSWORD)
    assert signing_status(document).missing_roles == [Role.CLIENT_MANAGER]
    services.sign_document(document=document, by=manager, intent=INTENT, password=PASSWORD)
    assert signing_status(document).complete
    assert verify_chain(owner.organization).ok


@pytest.fixture
def provider_document(staff_admin):  # type: ignore[no-untyped-def]
    return make_document(staff_admin, roles=[Role.ADMIN, Role.QUALITY_MANAGER])


def test_staff_must_give_a_totp_code_a_password_is_not_enough(staff_admin, provider_document):
    totp_device(staff_admin.user)
    before = counts()
    for code in ("", "000000", "abcdef"):
        with pytest.raises(Refusal, match="authenticator code"):
            services.sign_document(
                document=provider_document,
                by=staff_admin,
                intent=INTENT,
                password=PASSWORD,
                otp_code=code,
            )
    assert counts() == before


def test_staff_cannot_sign_with_a_recovery_code_and_the_code_is_not_burnt(
    staff_admin, provider_document
):
    totp_device(staff_admin.user)
    recovery = StaticDevice.objects.create(user=staff_admin.user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="a1b2c3d4")
    before = counts()
    with pytest.raises(Refusal):
        services.sign_document(
            document=provider_document, by=staff_admin, intent=INTENT, otp_code="a1b2c3d4"
        )
    assert counts() == before
    assert recovery.token_set.filter(token="a1b2c3d4").exists()


def test_staff_sign_with_a_valid_totp_code(staff_admin, provider_document):
    device = totp_device(staff_admin.user)
    signature = services.sign_document(
        document=provider_document, by=staff_admin, intent=INTENT, otp_code=current_code(device)
    )
    assert signature.reauth_method == Signature.Method.TOTP
    assert verify_chain(staff_admin.organization).ok


def test_staff_without_a_confirmed_device_cannot_sign(staff_admin, provider_document):
    unconfirmed = TOTPDevice.objects.create(user=staff_admin.user, name="pending", confirmed=False)
    before = counts()
    with pytest.raises(Refusal):
        services.sign_document(
            document=provider_document,
            by=staff_admin,
            intent=INTENT,
            otp_code=current_code(unconfirmed),
        )
    assert counts() == before


def test_a_quality_manager_of_the_provider_signs_with_totp_too(provider, provider_document):
    quality = make_member(provider, Role.QUALITY_MANAGER)
    with pytest.raises(Refusal):
        services.sign_document(
            document=provider_document, by=quality, intent=INTENT, password=PASSWORD
        )
    device = totp_device(quality.user)
    signature = services.sign_document(
        document=provider_document, by=quality, intent=INTENT, otp_code=current_code(device)
    )
    assert signature.reauth_method == Signature.Method.TOTP
