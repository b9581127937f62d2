"""Clinic logos: PNG or JPEG only, size and pixel limits, and always re-encoded before they are stored."""

import errno
import io
import os
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile, PngImagePlugin

from clinic.forms import ClinicAdminForm
from clinic.images import MAX_LOGO_BYTES, sanitise_logo
from clinic.models import Clinic
from tests import factories

MARKER = "secret-marker-42"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png(size=(60, 30), mode="RGBA", *, text=MARKER) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    output = io.BytesIO()
    Image.new(mode, size, (11, 83, 148, 255) if mode == "RGBA" else None).save(output, "PNG", pnginfo=info)
    return output.getvalue()


def jpeg(size=(60, 30)) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x0131] = "Camera software 1.0"
    output = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(output, "JPEG", exif=exif.tobytes(), comment=MARKER.encode())
    return output.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG file whose header claims an enormous image (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9))
        + chunk(b"IEND", b"")
    )


def upload(content: bytes, name="logo.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused(content: bytes, name="logo.png") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        sanitise_logo(upload(content, name))
    return caught.value


# --- the sanitiser ----------------------------------------------------------------------------------------


def test_a_png_is_re_encoded_without_its_metadata():
    original = png()
    clean = sanitise_logo(upload(original, "Our Logo (final).PNG"))
    data = clean.read()
    assert data != original
    assert MARKER.encode() not in data and b"tEXt" not in data and b"iTXt" not in data
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size, image.mode) == ("PNG", (60, 30), "RGBA")
    assert image.getpixel((5, 5)) == (11, 83, 148, 255)
    assert clean.name == "Our_Logo_final.png"


def test_a_jpeg_is_re_encoded_without_exif_or_comments():
    original = jpeg()
    assert MARKER.encode() in original
    data = sanitise_logo(upload(original, "logo.jpeg", "image/jpeg")).read()
    assert MARKER.encode() not in data and b"Exif" not in data and b"Camera software" not in data
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (60, 30))
    assert not image.getexif()


def test_a_palette_png_with_transparency_is_accepted():
    output = io.BytesIO()
    Image.new("P", (20, 20), 0).save(output, "PNG", transparency=0)
    image = Image.open(io.BytesIO(sanitise_logo(upload(output.getvalue())).read()))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((1, 1))[3] == 0  # still transparent


def test_html_appended_to_a_png_is_dropped():
    data = sanitise_logo(upload(png() + HTML)).read()
    assert b"<script" not in data and b"<html" not in data
    assert data.endswith(b"IEND\xaeB`\x82")  # the file ends where the image ends
    assert Image.open(io.BytesIO(data)).size == (60, 30)


def test_html_appended_to_a_jpeg_is_dropped():
    data = sanitise_logo(upload(jpeg() + HTML, "logo.jpg", "image/jpeg")).read()
    assert b"<script" not in data
    assert data.endswith(b"\xff\xd9")


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
    ],
)
@pytest.mark.parametrize("name", ["logo.svg", "logo.png"])
def test_svg_is_refused_whatever_its_name(svg, name):
    error = refused(svg, name)
    assert error.code == "svg"
    assert "SVG logos are not accepted" in error.messages[0]


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = png_declaring(100_000, 100_000)
    assert len(bomb) < 1000
    error = refused(bomb)
    assert error.code == "bomb"
    assert "at most 4000 x 4000 pixels" in error.messages[0]


@pytest.mark.parametrize(("width", "height"), [(5000, 10), (10, 4001), (4000, 4001)])
def test_an_image_larger_than_4000_pixels_each_way_is_refused(width, height):
    error = refused(png_declaring(width, height))
    assert error.code == "too_many_pixels"
    assert f"{width} x {height} pixels" in error.messages[0]


def test_a_file_over_2_mb_is_refused():
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    output = io.BytesIO()
    noise.save(output, "PNG")
    assert len(output.getvalue()) > MAX_LOGO_BYTES
    error = refused(output.getvalue())
    assert error.code == "too_large"
    assert "at most 2 MB" in error.messages[0]


def test_a_file_over_2_mb_is_refused_even_if_its_size_is_not_reported():
    class Unsized(io.BytesIO):
        name = "logo.png"

    with pytest.raises(ValidationError, match="at most 2 MB"):
        sanitise_logo(Unsized(png() + b"\x00" * MAX_LOGO_BYTES))


@pytest.mark.parametrize("kind", ["GIF", "WEBP", "BMP", "TIFF"])
def test_other_image_formats_are_refused(kind):
    output = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 0)).save(output, kind)
    error = refused(output.getvalue(), f"logo.{kind.lower()}")
    assert error.code == "format"
    assert "Only PNG or JPEG logos are accepted" in error.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        b"This is a text file, renamed to logo.png.",
        b"<html><body>not an image</body></html>",
        b"",
        png()[:120],  # truncated: the header is fine, the pixels are missing
        png(size=(400, 300))[:-20],
        jpeg()[:200],
        jpeg(size=(400, 300))[:-100],
    ],
)
@pytest.mark.parametrize("load_truncated", [False, True])
def test_text_truncated_and_empty_files_are_refused(content, load_truncated, monkeypatch):
    """Also when Pillow is told to load truncated images (WeasyPrint sets that for the whole process)."""
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    error = refused(content)
    assert error.code == "format"


# --- the clinic admin -------------------------------------------------------------------------------------


def form_data(**changes):
    data = {
        "name": "Riverside",
        "slug": "riverside",
        "language": "en",
        "primary_colour": "#0b5394",
        "accent_colour": "#8a3b12",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_the_clinic_form_stores_the_re_encoded_logo():
    form = ClinicAdminForm(data=form_data(), files={"logo": upload(png() + HTML, "riverside.png")})
    assert form.is_valid(), form.errors
    clinic = form.save()
    with clinic.logo.open("rb") as stored:
        data = stored.read()
    assert clinic.logo.name.startswith("clinic-logos/riverside") and clinic.logo.name.endswith(".png")
    assert b"<script" not in data and MARKER.encode() not in data
    assert Image.open(io.BytesIO(data)).format == "PNG"


@pytest.mark.django_db
def test_the_clinic_form_shows_why_a_logo_is_refused():
    form = ClinicAdminForm(data=form_data(), files={"logo": upload(b"<svg/>", "logo.svg", "image/svg+xml")})
    assert not form.is_valid()
    assert form.errors["logo"] == ["SVG logos are not accepted, because they can carry scripts. Upload a PNG or JPEG."]
    assert not Clinic.objects.exists()


@pytest.mark.django_db
def test_the_admin_re_encodes_an_uploaded_logo_and_refuses_a_bomb(client):
    client.force_login(factories.make_user("root", superuser=True))
    response = client.post(
        "/admin/clinic/clinic/add/", {**form_data(), "logo": upload(png_declaring(100_000, 100_000), "bomb.png")}
    )
    assert response.status_code == 200
    assert "at most 4000 x 4000 pixels" in response.content.decode()
    assert not Clinic.objects.exists()

    response = client.post("/admin/clinic/clinic/add/", {**form_data(), "logo": upload(jpeg(), "logo.jpg")})
    assert response.status_code == 302
    clinic = Clinic.objects.get()
    with clinic.logo.open("rb") as stored:
        data = stored.read()
    assert MARKER.encode() not in data and clinic.logo.name.endswith(".jpg")

    # Saving again without a new file keeps the logo; a website without a scheme is read as https.
    response = client.post(
        f"/admin/clinic/clinic/{clinic.pk}/change/", form_data(name="Riverside Skin", website="example.org")
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.name, clinic.website) == ("Riverside Skin", "https://example.org")
    with clinic.logo.open("rb") as stored:
        assert stored.read() == data


@pytest.mark.django_db
def test_the_logo_can_still_be_cleared(client):
    clinic = ClinicAdminForm(data=form_data(), files={"logo": upload(png())}).save()
    form = ClinicAdminForm(data={**form_data(), "logo-clear": "on"}, instance=clinic)
    assert form.is_valid(), form.errors
    assert not form.save().logo


# --- urgent-care advice in each language ------------------------------------------------------------------

ADVICE_EN = "If we are closed, call 111. In an emergency, call 999."
ADVICE_FR = "Si nous sommes fermés, appelez le 111. En cas d'urgence, appelez le 999."


@pytest.mark.django_db
def test_the_admin_keeps_the_urgent_care_advice_in_each_other_language(client):
    client.force_login(factories.make_user("root", superuser=True))
    add_page = client.get("/admin/clinic/clinic/add/").content.decode()
    assert "Urgent-care advice in French" in add_page and 'lang="fr"' in add_page
    assert "Urgent-care advice in English" in add_page

    data = form_data(urgent_care_advice=ADVICE_EN, urgent_care_advice_in_fr=f"  {ADVICE_FR}  ")
    assert client.post("/admin/clinic/clinic/add/", data).status_code == 302
    clinic = Clinic.objects.get()
    assert clinic.urgent_care_advice_translations == {"fr": ADVICE_FR}
    change_url = f"/admin/clinic/clinic/{clinic.pk}/change/"
    assert ADVICE_FR.replace("'", "&#x27;") in client.get(change_url).content.decode()

    # Too long: refused with the reason, nothing changed.
    response = client.post(change_url, {**data, "urgent_care_advice_in_fr": "x" * 601})
    assert response.status_code == 200
    assert "Ensure this value has at most 600 characters" in response.content.decode()
    clinic.refresh_from_db()
    assert clinic.urgent_care_advice_translations == {"fr": ADVICE_FR}

    # Emptied: the French leaflets fall back to the main advice.
    assert client.post(change_url, {**data, "urgent_care_advice_in_fr": ""}).status_code == 302
    clinic.refresh_from_db()
    assert clinic.urgent_care_advice_translations == {}


@pytest.mark.django_db
def test_changing_the_clinics_default_language_keeps_the_advice_in_each_language(client):
    client.force_login(factories.make_user("root", superuser=True))
    data = form_data(urgent_care_advice=ADVICE_EN, urgent_care_advice_in_fr=ADVICE_FR)
    assert client.post("/admin/clinic/clinic/add/", data).status_code == 302
    clinic = Clinic.objects.get()
    change_url = f"/admin/clinic/clinic/{clinic.pk}/change/"
    for language in ("fr", "en"):
        assert client.post(change_url, {**data, "language": language}).status_code == 302
        clinic.refresh_from_db()
        assert clinic.language == language
        assert clinic.urgent_care_advice_in("fr") == ADVICE_FR
        assert clinic.urgent_care_advice_in("en") == ADVICE_EN


@pytest.mark.django_db
def test_advice_for_a_language_no_longer_offered_is_kept(client, settings):
    client.force_login(factories.make_user("root", superuser=True))
    clinic = Clinic.objects.create(
        name="Riverside",
        slug="riverside",
        urgent_care_advice=ADVICE_EN,
        urgent_care_advice_translations={"fr": ADVICE_FR},
    )
    settings.LANGUAGES = [("en", "English")]
    response = client.post(f"/admin/clinic/clinic/{clinic.pk}/change/", form_data(urgent_care_advice=ADVICE_EN))
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.urgent_care_advice_translations == {"fr": ADVICE_FR}


@pytest.mark.django_db
def test_the_advice_for_a_language_falls_back_to_the_main_advice():
    clinic = Clinic(language="en", urgent_care_advice=ADVICE_EN, urgent_care_advice_translations={"fr": ADVICE_FR})
    assert clinic.urgent_care_advice_in("fr") == ADVICE_FR
    assert clinic.urgent_care_advice_in("en") == ADVICE_EN
    assert clinic.urgent_care_advice_in("es") == ADVICE_EN  # none written: the main advice is better than none
    clinic.language = "fr"  # the default language does not change which text a language gets
    assert clinic.urgent_care_advice_in("fr") == ADVICE_FR
    assert Clinic(urgent_care_advice=ADVICE_EN).urgent_care_advice_in("fr") == ADVICE_EN


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"French": "Call 15."}, "French is not a language code"),
        ({"fr; drop": "Call 15."}, "is not a language code"),
        ({"fr": ""}, "must be a text of 1 to 600 characters"),
        ({"fr": "x" * 601}, "must be a text of 1 to 600 characters"),
        ({"fr": 15}, "must be a text of 1 to 600 characters"),
        (["Call 15."], "Give the translated advice as"),
    ],
)
def test_translated_advice_is_validated(value, message):
    from clinic.models import validate_advice_translations

    with pytest.raises(ValidationError, match=message):
        validate_advice_translations(value)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Riverside\nBcc: everyone@example.org", "Riverside\rClinic", "Tab\there", "Bell\x07"])
def test_a_clinic_name_with_control_characters_is_refused(name):
    """A line break in the name once made the share email answer 500 (it goes into the Subject header)."""
    clinic = Clinic(name=name, slug="riverside")
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()
    assert "no line breaks or other control characters" in str(error.value)


@pytest.mark.django_db
def test_bidirectional_controls_are_removed_from_clinic_details():
    clinic = Clinic.objects.create(name="River\u202eside", slug="riverside", address="1 High\u2067 Street")
    clinic.refresh_from_db()
    assert (clinic.name, clinic.address) == ("Riverside", "1 High Street")


@pytest.mark.django_db
def test_a_share_email_subject_is_one_line_even_if_a_stored_name_is_not(
    client, published, editor, django_capture_on_commit_callbacks
):
    """Names saved before the check existed (or straight into the database) never reach a header unchecked."""
    from django.core import mail

    from education import services

    clinic = Clinic.objects.create(name="Riverside", slug="riverside", is_default=True)
    Clinic.objects.filter(pk=clinic.pk).update(name="Riverside\nBcc: everyone@example.org")
    clinic.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):  # the email goes from a job after the commit
        services.share_with_patient(
            version=published, clinic=clinic, user=editor, channel="email", email="p@example.org"
        )
    assert mail.outbox[0].subject == "Information from Riverside Bcc: everyone@example.org"
    assert mail.outbox[0].to == ["p@example.org"] and not mail.outbox[0].bcc


# --- a full media disk ------------------------------------------------------------------------------------


def logo_files(settings) -> dict[str, bytes]:
    """Every file under clinic-logos/ in the media folder, temporary ones included."""
    from pathlib import Path

    folder = Path(settings.MEDIA_ROOT, "clinic-logos")
    return {path.name: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        (errno.ENOSPC, "The file could not be saved: the server&#x27;s storage is full. Nothing was changed."),
        (errno.EIO, "The file could not be saved: the server&#x27;s storage did not accept it. Nothing was changed."),
    ],
    ids=["disk-full", "io-error"],
)
def test_a_logo_the_storage_refuses_shows_why_and_changes_nothing(client, settings, media_disk, caplog, code, message):
    """A full disk once made the logo upload answer 500 (and left an empty file): now the form says why, and
    neither the clinic nor its stored logo changes."""
    client.force_login(factories.make_user("root", superuser=True))
    response = client.post("/admin/clinic/clinic/add/", {**form_data(), "logo": upload(png(), "old.png")})
    assert response.status_code == 302
    clinic = Clinic.objects.get()
    before = logo_files(settings)
    assert list(before) == ["old.png"]

    media_disk.fail_with = code
    response = client.post(
        f"/admin/clinic/clinic/{clinic.pk}/change/",
        {**form_data(name="Riverside Renamed", phone="01632 960 999"), "logo": upload(jpeg(), "new.jpg")},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["adminform"].form.errors["logo"] == [message.replace("&#x27;", "'")]
    clinic.refresh_from_db()
    assert (clinic.name, clinic.phone, clinic.logo.name) == ("Riverside", "", "clinic-logos/old.png")
    assert logo_files(settings) == before
    assert "Could not store the logo 'new.jpg' of clinic 'riverside'" in caplog.text
    assert MARKER not in caplog.text

    # A new clinic with a logo: not created at all.
    response = client.post("/admin/clinic/clinic/add/", {**form_data(slug="hillside"), "logo": upload(png(), "x.png")})
    assert response.status_code == 200 and message in response.content.decode()
    assert list(Clinic.objects.values_list("slug", flat=True)) == ["riverside"]
    assert logo_files(settings) == before

    # With room on the disk again the same upload is stored.
    media_disk.fail_with = None
    response = client.post(
        f"/admin/clinic/clinic/{clinic.pk}/change/", {**form_data(), "logo": upload(jpeg(), "new.jpg")}
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.logo.name == "clinic-logos/new.jpg"
    assert sorted(logo_files(settings)) == ["new.jpg", "old.png"]
