"""The provider's admin uploads the scanned signature or stamp its attestations print, with the
signatory's name and role; the image is judged on its content and a bad one changes nothing."""

from __future__ import annotations

import hashlib
import html
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from saveit.accounts.models import AttestationSignature
from saveit.accounts.roles import Role
from saveit.accounts.services import set_attestation_signature, signature_image_path
from saveit.audit.models import AuditEvent
from saveit.core.errors import Refusal
from saveit.testing.factories import make_member, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def picture(kind: str = "PNG", size: tuple[int, int] = (400, 160), mode: str = "RGBA") -> bytes:
    image = Image.new(mode, size, (255, 255, 255, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(image).line([(10, 120), (120, 30), (250, 130), (390, 20)], fill="navy", width=6)
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


def post(client, provider, image: bytes | None, name: str = "signature.png", **fields):  # type: ignore[no-untyped-def]
    data = {
        "signatory_name": "Hélène Marchand",
        "signatory_role": "Directrice de la formation",
        "activity_declaration": "11 75 55555 75",
        **fields,
    }
    if image is not None:
        data["image"] = SimpleUploadedFile(name, image, content_type="image/png")
    return client.post(reverse("accounts:organization_signature", args=[provider.pk]), data)


def test_the_admin_sets_the_signatory_and_uploads_a_png_stamp(staff_admin, provider, media):
    client = signed_in(staff_admin)
    detail = client.get(reverse("accounts:organization_detail", args=[provider.pk])).content
    assert reverse("accounts:organization_signature", args=[provider.pk]).encode() in detail
    response = post(client, provider, picture())
    assert response.status_code == 302
    signature = AttestationSignature.objects.get(organization=provider)
    assert (signature.signatory_name, signature.signatory_role) == (
        "Hélène Marchand",
        "Directrice de la formation",
    )
    assert signature.activity_declaration == "11755555575"
    stored = (media / signature_image_path(signature.image_sha256)).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == signature.image_sha256
    assert stored.startswith(b"\x89PNG")
    with Image.open(io.BytesIO(stored)) as image:
        assert image.mode == "RGBA"  # a stamp keeps its transparent background
        assert image.size == (signature.image_width, signature.image_height) == (400, 160)
    event = AuditEvent.objects.get(action="attestation_signature.updated")
    assert event.after["image_sha256"] == signature.image_sha256
    image = client.get(reverse("accounts:organization_signature_image", args=[provider.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image.content == stored


def test_a_jpeg_scan_is_accepted_and_stored_as_a_bounded_png(staff_admin, provider, media):
    response = post(
        signed_in(staff_admin), provider, picture("JPEG", (3000, 1000), "RGB"), "scan.jpg"
    )
    assert response.status_code == 302
    signature = AttestationSignature.objects.get(organization=provider)
    assert (signature.image_width, signature.image_height) == (1200, 400)
    assert (media / signature.image_name).read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.7\n1 0 obj<<>>endobj", "signature.png", "n'est pas une image PNG ou JPEG"),
        (b"GIF89a" + b"\x00" * 64, "cachet.gif", "n'est pas une image PNG ou JPEG"),
        (picture()[:200], "tronquee.png", "n'est pas une image PNG ou JPEG"),
        (picture(size=(30, 10)), "minuscule.png", "L'image est trop petite"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024), "lourde.png", "pèse plus de 2 Mo"),
        (b"", "vide.png", "fichier soumis est vide"),
    ],
)
def test_a_bad_file_gets_a_clear_french_error_and_changes_nothing(
    staff_admin, provider, media, content, filename, message
):
    client = signed_in(staff_admin)
    assert post(client, provider, picture()).status_code == 302
    before = AttestationSignature.objects.get(organization=provider)
    stored_before = sorted(p.name for p in (media / "signatures").iterdir())
    events_before = AuditEvent.objects.count()

    response = post(client, provider, content, filename, signatory_name="Quelqu'un d'autre")

    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page, page[-3000:]
    after = AttestationSignature.objects.get(organization=provider)
    assert (after.image_sha256, after.signatory_name) == (before.image_sha256, "Hélène Marchand")
    assert sorted(p.name for p in (media / "signatures").iterdir()) == stored_before
    assert AuditEvent.objects.count() == events_before


def test_a_bad_declaration_number_is_refused_and_nothing_is_stored(staff_admin, provider, media):
    response = post(signed_in(staff_admin), provider, picture(), activity_declaration="1175")
    assert response.status_code == 400
    assert "compte 11 chiffres" in html.unescape(response.content.decode())
    assert not AttestationSignature.objects.exists()
    assert not (media / "signatures").exists()


def test_without_a_new_image_the_current_one_is_kept(staff_admin, provider):
    client = signed_in(staff_admin)
    post(client, provider, picture())
    first = AttestationSignature.objects.get(organization=provider).image_sha256
    assert post(client, provider, None, signatory_role="Gérante").status_code == 302
    signature = AttestationSignature.objects.get(organization=provider)
    assert (signature.image_sha256, signature.signatory_role) == (first, "Gérante")


def test_only_the_providers_admins_set_the_signature(provider, client_org, staff_admin):
    designer = make_member(provider, Role.DESIGNER)
    owner = make_member(client_org, Role.CLIENT_OWNER)
    url = reverse("accounts:organization_signature", args=[provider.pk])
    assert signed_in(designer).get(url).status_code in (403, 404)
    assert signed_in(owner).get(url).status_code in (403, 404)
    # Not on a client organisation either, even for the provider's admin.
    client_url = reverse("accounts:organization_signature", args=[client_org.pk])
    assert signed_in(staff_admin).get(client_url).status_code == 403
    with pytest.raises(Refusal):
        set_attestation_signature(
            organization=provider,
            by=designer,
            activity_declaration="",
            signatory_name="X",
            signatory_role="Y",
        )
    assert not AttestationSignature.objects.exists()
