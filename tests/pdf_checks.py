"""Looking inside rendered handouts the way a reader, a screen reader and a phone camera would."""

import io
import logging

import pikepdf
import pypdf
import pypdfium2
import zxingcpp


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def whole_text(data: bytes) -> str:
    return " ".join(" ".join(page_texts(data)).split())


def text_sizes(data: bytes, page: int = 0) -> list[tuple[str, float]]:
    """(text, size in points) of each piece of text on a page."""
    sizes = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.append((text.strip(), round(font_size * abs(tm[3]) * abs(cm[3]), 1)))

    pypdf.PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    return sizes


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    return [
        (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        for page in pypdf.PdfReader(io.BytesIO(data)).pages
    ]


def qr_codes(data: bytes, page: int = 0) -> list[str]:
    """The QR codes a phone would read on a printed page (rendered at about 220 dpi)."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[page].render(scale=3).to_pil()
    finally:
        document.close()
    return [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def structure(data: bytes) -> list[tuple[str, str]]:
    """(tag, alt text) of every element in the PDF's structure tree, in reading order."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append((str(node.S), str(node.get("/Alt", ""))))
            children = node.get("/K")
            for child in children if isinstance(children, pikepdf.Array) else [children]:
                walk(child)

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.StructTreeRoot.K
        for child in root if isinstance(root, pikepdf.Array) else [root]:
            walk(child)
    return found


def fonts(data: bytes) -> set[tuple[str, bool]]:
    """(font name without subset prefix, embedded?) for every font used on any page."""
    found = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for _name, font in page.Resources.get("/Font", {}).items():
                described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = described.get("/FontDescriptor", {})
                embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                found.add((str(font.BaseFont).split("+")[-1], embedded))
    return found


def embedded_files(data: bytes) -> list[str]:
    """Names of files embedded in the PDF: document attachments and file-attachment annotations."""
    names = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names += list(pdf.attachments.keys())
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") == "/FileAttachment":
                    names.append(str(annotation.get("/FS", {}).get("/F", "?")))
    return names


def all_stream_bytes(data: bytes) -> bytes:
    """Every stream of the PDF, decompressed, so a marker from a file that must not be embedded can be sought."""
    chunks = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(obj.read_raw_bytes())
    return b"\n".join(chunks)


class Collect(logging.Handler):
    """Collects log records of one logger at or above a level."""

    def __init__(self, level=logging.WARNING):
        super().__init__(level=level)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [record.getMessage() for record in self.records]


def first_pages(data: bytes, texts: list[str]) -> dict[str, int | None]:
    """For each text, the number (from 1) of the first page it appears on, its spaces and line breaks
    ignored; None where it is nowhere."""
    pages = ["".join(text.split()) for text in page_texts(data)]
    found = {}
    for wanted in texts:
        squeezed = "".join(wanted.split())
        found[wanted] = next((number for number, text in enumerate(pages, start=1) if squeezed in text), None)
    return found


def page_fills(data: bytes, *, top_mm: float, bottom_mm: float) -> list[float]:
    """How full each page is (0-1): from the top of the text area down to the lowest text in it, the running
    header and footer (in the top and bottom margins, given in mm) left out."""
    mm = 72 / 25.4
    document = pypdfium2.PdfDocument(data)
    fills = []
    try:
        for page in document:
            _width, height = page.get_size()
            text_page = page.get_textpage()
            top, bottom = height - top_mm * mm, bottom_mm * mm
            rects = [text_page.get_rect(index) for index in range(text_page.count_rects())]
            lows = [low for _left, low, _right, high in rects if low >= bottom - 1 and high <= top + 1]
            fills.append((top - min(lows)) / (top - bottom) if lows else 0.0)
    finally:
        document.close()
    return fills
