"""The disarm keeps a document's content and nothing that runs, opens, fetches or carries files."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pikepdf import Array, Dictionary, Name, String
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from expect.core.uploads import accept_upload, disarm
from expect.core.uploads.disarm import disarm_pdf
from tests.security.pdf_corpus import (
    CORPUS,
    VISIBLE_TEXT,
    active_content,
    base_pdf,
    hostile_pdf,
    plain,
    visible_text,
)


@pytest.mark.parametrize("case", CORPUS)
def test_it_strips_every_active_construct_and_keeps_the_content(case):
    content = hostile_pdf(case)
    result = disarm_pdf(content)
    assert active_content(result.content) == []
    assert VISIBLE_TEXT in visible_text(result.content)
    assert result.removed


def test_it_writes_a_new_file_with_object_streams_and_no_old_revision():
    result = disarm_pdf(hostile_pdf("JavaScript open action (incremental update)"))
    assert b"/ObjStm" in result.content
    assert result.content.count(b"%%EOF") == 1
    assert result.removed == {"javascript", "open_action"}


def _links(data: bytes) -> list:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            (str(a.A.S), str(a.A.get("/URI", "")))
            for a in pdf.pages[0].obj.get("/Annots", [])
            if "/A" in a
        ]


def test_it_keeps_web_and_mail_links_and_go_to_actions():
    def links(pdf):
        page = pdf.pages[0].obj
        actions = [
            Dictionary(S=Name.URI, URI=String("https://www.diplomatie.gouv.fr/")),
            Dictionary(S=Name.URI, URI=String("mailto:daect@diplomatie.gouv.fr")),
            Dictionary(S=Name.GoTo, D=Array([page, Name.Fit])),
            Dictionary(S=Name.Named, N=Name.NextPage),
        ]
        page.Annots = Array(
            [
                pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, A=a))
                for a in actions
            ]
        )

    result = disarm_pdf(plain(links))
    assert result.removed == set()
    assert _links(result.content) == [
        ("/URI", "https://www.diplomatie.gouv.fr/"),
        ("/URI", "mailto:daect@diplomatie.gouv.fr"),
        ("/GoTo", ""),
        ("/Named", ""),
    ]


def test_it_keeps_the_safe_action_of_a_chain_and_drops_its_script():
    result = disarm_pdf(hostile_pdf("JavaScript at the end of a /Next array (plain)"))
    (link,) = _links(result.content)
    assert link == ("/URI", "https://www.diplomatie.gouv.fr/")
    with pikepdf.open(io.BytesIO(result.content)) as pdf:
        (remaining,) = pdf.pages[0].obj.Annots[0].A.Next
        assert str(remaining.URI) == "https://a.fr"


def _saved(pdf: pikepdf.Pdf, **options) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, **options)
    return buffer.getvalue()


def test_it_refuses_a_file_that_qpdf_has_to_repair():
    content = plain(lambda pdf: None)
    xref = content.rindex(b"startxref")
    damaged = content[:xref] + b"startxref\n12\n%%EOF\n"  # a cross-reference table not there
    with pytest.raises(ValidationError) as refusal:
        disarm_pdf(damaged)
    assert refusal.value.code == "malformed"


def test_it_refuses_a_pdf_encrypted_even_with_an_empty_password():
    content = _saved(base_pdf(), encryption=pikepdf.Encryption(user="", owner="secret"))
    with pytest.raises(ValidationError) as refusal:
        disarm_pdf(content)
    assert refusal.value.code == "encrypted"


def test_it_refuses_rather_than_skips_a_file_with_too_many_objects(monkeypatch):
    monkeypatch.setattr(disarm, "MAX_OBJECTS", 3)
    with pytest.raises(ValidationError) as refusal:
        disarm_pdf(plain(lambda pdf: None))
    assert refusal.value.code == "malformed"


def _image(image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(buffer, image_format, **options)
    return buffer.getvalue()


def test_it_reencodes_a_png_without_its_text_chunks(settings):
    settings.CLAMAV_URL = ""
    info = PngInfo()
    info.add_text("Comment", "secret: the author's home address")
    content = _image("PNG", pnginfo=info)
    checked = accept_upload(SimpleUploadedFile("photo.png", content), images=True)
    stored = checked.file.read()
    assert checked.content_type == "image/png" and stored != content
    assert b"secret" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30) and image.getpixel((5, 5))[:3] == (0, 0, 128)


def test_it_reencodes_a_jpeg_without_its_exif(settings):
    settings.CLAMAV_URL = ""
    exif = Image.Exif()
    exif[0x013B] = "Camille Martin"  # Artist
    exif[0x0112] = 6  # Orientation: rotated, which the copy applies
    content = _image("JPEG", exif=exif)
    checked = accept_upload(SimpleUploadedFile("photo.jpg", content), images=True)
    stored = checked.file.read()
    assert b"Camille" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (30, 40)


def test_a_pdf_only_form_refuses_an_image(settings):
    settings.CLAMAV_URL = ""
    with pytest.raises(ValidationError) as refusal:
        accept_upload(SimpleUploadedFile("photo.pdf", _image("PNG")))
    assert refusal.value.code == "not_pdf"


def test_the_stored_copy_is_the_disarmed_one_and_says_what_was_removed(settings):
    settings.CLAMAV_URL = ""
    content = hostile_pdf("launch open action (object streams)")
    checked = accept_upload(SimpleUploadedFile("lettre.pdf", content))
    stored = checked.file.read()
    assert active_content(stored) == []
    assert checked.document_fields()["scan_detail"] == "removed: launch, open_action"
    assert checked.size == len(stored) != len(content)


def test_it_empties_an_attached_file_that_something_else_still_points_at():
    def hidden(pdf):
        exe = pdf.make_stream(b"MZ\x90\0" + b"\x90" * 64)
        exe.Type = Name.EmbeddedFile
        pdf.Root.Private = exe  # no file specification: a key of its own

    result = disarm_pdf(plain(hidden))
    assert result.removed == {"embedded_files"}
    assert b"MZ" not in result.content
    assert active_content(result.content) == []


def test_it_empties_postscript_meant_for_a_printer():
    def postscript(pdf):
        ps = pdf.make_stream(b"%!PS\n(/etc/passwd) (r) file")
        ps.Type, ps.Subtype = Name.XObject, Name.PS
        form = pdf.make_stream(b"")
        form.Type, form.Subtype, form.BBox = Name.XObject, Name.Form, Array([0, 0, 1, 1])
        form.PS = pdf.make_stream(b"%!PS\nshowpage")
        pdf.pages[0].Resources.XObject = Dictionary(P1=ps, F1=form)

    result = disarm_pdf(plain(postscript))
    assert result.removed == {"postscript"}
    with pikepdf.open(io.BytesIO(result.content)) as pdf:
        xobjects = pdf.pages[0].Resources.XObject
        assert xobjects.P1.read_bytes() == b""
        assert "/PS" not in xobjects.F1
