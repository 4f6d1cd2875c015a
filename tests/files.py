"""Small genuine files for upload tests: a PDF that parses, images that decode."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#1d70b8").save(buffer, format=format)
    return buffer.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
