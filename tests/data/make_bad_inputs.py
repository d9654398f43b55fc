#!/usr/bin/env python3
"""Writes the malformed-input set in tests/data/bad/ (committed; re-run only to change it).

Each file is described in tests/data/README.md. Standard library only: TIFF, PNG, JPEG and
PDF bytes are written by hand so every defect is exactly the one intended. The encrypted
PDF needs the qpdf command-line tool (Debian: qpdf).
"""
import os, struct, subprocess, zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bad")


def tiff(width, height, strip=b"\0" * 16, compression=4, next_ifd=0, extra=b""):
    """Little-endian one-page bilevel TIFF; the strip follows the directory."""
    entries = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, compression), (262, 3, 0),
               (273, 4, 0), (278, 4, height), (279, 4, len(strip))]
    ifd_size = 2 + 12 * len(entries) + 4
    data_at = 8 + ifd_size
    out = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, typ, val in entries:
        if tag == 273:
            val = data_at
        out += struct.pack("<HHII", tag, typ, 1, val)
    return out + struct.pack("<I", next_ifd) + strip + extra


def tiff_chain(pages):
    """`pages` tiny 200x200 directories chained one after another (a huge declared page count)."""
    out = bytearray(b"II*\0" + struct.pack("<I", 8))
    entries = 6
    size = 2 + 12 * entries + 4 + 2  # + one strip byte, padded
    for i in range(pages):
        at = 8 + i * size
        nxt = at + size if i + 1 < pages else 0
        strip_at = at + 2 + 12 * entries + 4
        out += struct.pack("<H", entries)
        for tag, typ, val in [(256, 3, 200), (257, 3, 200), (258, 3, 1), (259, 3, 1), (273, 4, strip_at), (279, 4, 1)]:
            out += struct.pack("<HHII", tag, typ, 1, val)
        out += struct.pack("<I", nxt) + b"\0\0"
    return bytes(out)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def png(width, height, rows=None, bad_crc=False):
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    if rows is None:
        rows = b"".join(b"\0" + b"\xff" * width for _ in range(height))
    idat = png_chunk(b"IDAT", zlib.compress(rows))
    if bad_crc:
        idat = idat[:-4] + b"\0\0\0\0"
    return b"\x89PNG\r\n\x1a\n" + ihdr + idat + png_chunk(b"IEND", b"")


def pdf(objects, trailer_extra=""):
    """A PDF with a correct xref table from a list of object bodies (1-based numbering)."""
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


PAGE = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"


def simple_pdf(catalog_extra="", extra_objects=(), media_box="[0 0 595 842]"):
    page = PAGE.replace("[0 0 595 842]", media_box)
    return pdf([f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page,
                *extra_objects])


def jpeg_header_only():
    """SOI, a JFIF APP0 and a start-of-frame claiming 2480x3508, then nothing."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\x01\x01\x2c\x01\x2c\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 3508, 2480, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof


def main():
    os.makedirs(OUT, exist_ok=True)
    good_g4 = tiff(64, 64, strip=b"\0" * 16)
    files = {
        "zero-length.tif": b"",
        "wrong-magic.tif": b"GIF89a this is not a TIFF at all\n",
        "text-named-as-pdf.pdf": b"Sehr geehrte Damen und Herren,\nkein PDF.\n",
        "truncated-header.tif": b"II*\0\x08\0",
        "corrupt-ifd.tif": b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 400) + b"\xff" * 40,
        "ifd-offset-past-end.tif": b"II*\0" + struct.pack("<I", 10_000_000) + b"\0" * 32,
        "bogus-dimensions-zero.tif": tiff(0, 3508),
        "bogus-dimensions-huge.tif": tiff(4_000_000_000, 7),
        "decompression-bomb.tif": tiff(100_000, 100_000, strip=b"\0" * 64),
        "strip-past-end.tif": tiff(2480, 3508, strip=b"")[:-0 or None].replace(
            struct.pack("<HHII", 279, 4, 1, 0), struct.pack("<HHII", 279, 4, 1, 9_000_000)),
        "ifd-loop.tif": tiff(200, 200, next_ifd=8),
        "10000-pages.tif": tiff_chain(10_000),
        "one-pixel.png": png(1, 1),
        "truncated.png": png(300, 300)[:60],
        "bad-crc.png": png(300, 300, bad_crc=True),
        "decompression-bomb.png": png(200_000, 200_000, rows=b"\0" * 100),
        "truncated.jpg": jpeg_header_only(),
        "pdf-javascript.pdf": simple_pdf("/OpenAction 4 0 R ", ["<< /S /JavaScript /JS (app.alert\\('x'\\);) >>"]),
        "pdf-embedded-file.pdf": simple_pdf("/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >> ",
                                            ["<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
                                             "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"]),
        "pdf-xfa.pdf": simple_pdf("/AcroForm << /Fields [] /XFA 4 0 R >> ",
                                  ["<< /Length 7 >>\nstream\n<xdp/>\n\nendstream"]),
        "pdf-truncated.pdf": simple_pdf()[:120],
        "pdf-no-pages.pdf": pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]),
        "pdf-huge-page.pdf": simple_pdf(media_box="[0 0 14400 14400]"),
    }
    del good_g4
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    plain = os.path.join(OUT, ".plain.pdf")
    with open(plain, "wb") as f:
        f.write(simple_pdf())
    subprocess.run(["qpdf", "--encrypt", "user", "owner", "256", "--", plain, os.path.join(OUT, "pdf-encrypted.pdf")],
                   check=True)
    os.remove(plain)


if __name__ == "__main__":
    main()
