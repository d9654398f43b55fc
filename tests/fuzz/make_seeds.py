#!/usr/bin/python3
"""Writes the small seed inputs kept in tests/fuzz/regressions/<target>/seed-* (one valid
input per kind each fuzz target reads, so the fuzzer starts from real structure and the
regression test has something to feed even where no crash was ever found).

    /usr/bin/python3 tests/fuzz/make_seeds.py [--zpe build/zpe]

With --zpe it also signs the seed PDF with a throw-away test CA (scripts/make-test-ca.sh)
for the signature_verifier seeds. Standard library + python3-pil only. Re-run only to
change the seeds; crash inputs the fuzzer found are kept beside them as crash-*.
"""
import argparse
import io
import json
import os
import subprocess
import tempfile
import zipfile

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "regressions")


def write(target, name, data):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def manifests():
    write("manifest", "seed-documents.json", json.dumps({
        "batch_id": "B-2026-12-01-7", "scan_centre": "Nürnberg", "operator": "op17", "scanner": "fi-7160",
        "scan_time": "2026-12-01T09:00:00Z",
        "documents": [{"pages": "1-3", "doc_type": "Bescheid", "case_number": "8513179-224"},
                      {"pages": 4}, {"pages": " 5 - 6 "}]}, ensure_ascii=False))
    write("manifest", "seed-hints.json", json.dumps({
        "hints": {"doc_type": "Klage", "case_number": "AN 5 K 23.50123"}, "rescan_of": "d-0001"}))
    write("manifest", "seed-overlap.json", json.dumps({"documents": [{"pages": "1-4"}, {"pages": "3-6"}]}))
    write("manifest", "seed-not-an-object.json", "[1, 2, 3]")


def letter(mode, size=(240, 120)):
    image = Image.new("L", size, 255)
    ImageDraw.Draw(image).text((10, 40), "Az. 8513179-224", fill=0)
    return image.convert(mode)


def rasters():
    buf = io.BytesIO()
    pages = [letter("1"), letter("1").rotate(90, expand=True)]
    pages[0].save(buf, "TIFF", compression="group4", save_all=True, append_images=pages[1:], dpi=(300, 300))
    write("raster_decoder", "seed-g4-two-pages.tif", buf.getvalue())
    buf = io.BytesIO()
    letter("L").save(buf, "TIFF", compression="tiff_lzw", dpi=(200, 200))
    write("raster_decoder", "seed-grey-lzw.tif", buf.getvalue())
    buf = io.BytesIO()
    letter("L").save(buf, "PNG", dpi=(300, 300))
    write("raster_decoder", "seed-grey.png", buf.getvalue())
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees
    letter("RGB").save(buf, "JPEG", quality=60, exif=exif.tobytes(), dpi=(300, 300))
    write("raster_decoder", "seed-exif-rotated.jpg", buf.getvalue())


def text_pdf(text):
    """A one-page born-digital PDF with real text (Helvetica), xref offsets computed."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdfs():
    write("pdf_reader", "seed-born-digital.pdf", text_pdf("Bescheid vom 1. Dezember 2026, Az. 8513179-224"))
    buf = io.BytesIO()
    letter("L", (600, 300)).save(buf, "PDF", resolution=150)
    write("pdf_reader", "seed-scanned-image.pdf", buf.getvalue())


def message(file_name):
    ns = "nachricht.gds.uebermittlungSchriftgutobjekte.0005005"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xjustiz:{ns} xmlns:xjustiz="http://www.xjustiz.de">
  <xjustiz:nachrichtenkopf xjustizVersion="3.4.1">
    <xjustiz:aktenzeichen.absender>AN 5 K 23.50123</xjustiz:aktenzeichen.absender>
    <xjustiz:aktenzeichen.empfaenger>8513179-224</xjustiz:aktenzeichen.empfaenger>
    <xjustiz:erstellungszeitpunkt>2026-11-30T10:15:00+01:00</xjustiz:erstellungszeitpunkt>
    <xjustiz:auswahl_absender><xjustiz:absender.gericht listVersionID="3.7"><code>D6248</code></xjustiz:absender.gericht></xjustiz:auswahl_absender>
    <xjustiz:eigeneNachrichtenID>5f0c6a1e-6d3b-4a57-9c1e-0b8f4f2b7a10</xjustiz:eigeneNachrichtenID>
  </xjustiz:nachrichtenkopf>
  <xjustiz:schriftgutobjekte>
    <xjustiz:dokument>
      <xjustiz:identifikation><xjustiz:id>7d9b2c4e-0000-4000-8000-000000000001</xjustiz:id></xjustiz:identifikation>
      <xjustiz:datumDesSchreibens>2026-11-28</xjustiz:datumDesSchreibens>
      <xjustiz:xjustiz.fachspezifischeDaten>
        <xjustiz:dokumententyp listVersionID="4.0"><code>066</code></xjustiz:dokumententyp>
        <xjustiz:datei><xjustiz:dateiname>{file_name}</xjustiz:dateiname><xjustiz:bestandteil><code>001</code></xjustiz:bestandteil></xjustiz:datei>
      </xjustiz:xjustiz.fachspezifischeDaten>
    </xjustiz:dokument>
  </xjustiz:schriftgutobjekte>
</xjustiz:{ns}>
"""


def packages():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xjustiz_nachricht.xml", message("urteil.pdf"))
        z.writestr("urteil.pdf", text_pdf("Urteil"))
    write("egvp_package", "seed-one-document.zip", buf.getvalue())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("xjustiz_nachricht.xml", message("../etc/passwd"))
    write("egvp_package", "seed-traversal-name.zip", buf.getvalue())


def signed(zpe):
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([os.path.join(ROOT, "scripts/make-test-ca.sh"), tmp, "ec"], check=True,
                       stdout=subprocess.DEVNULL)
        config = os.path.join(tmp, "zpe.toml")
        with open(config, "w") as f:
            f.write(f'[stages.sign]\nkey = "pem:{tmp}/signer.key"\ncertificate = "{tmp}/signer.pem"\n')
        unsigned = os.path.join(tmp, "in.pdf")
        with open(unsigned, "wb") as f:
            f.write(text_pdf("Signiert"))
        once, twice = os.path.join(tmp, "once.pdf"), os.path.join(tmp, "twice.pdf")
        for source, target in ((unsigned, once), (once, twice)):
            subprocess.run([zpe, "--home", tmp, "--config", config, "sign", source, target], check=True,
                           stdout=subprocess.DEVNULL)
        for name, path in (("seed-signed-once.pdf", once), ("seed-signed-twice.pdf", twice)):
            with open(path, "rb") as f:
                write("signature_verifier", name, f.read())
    write("signature_verifier", "seed-unsigned.pdf", text_pdf("Nicht signiert"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zpe", help="the zpe binary, to sign the signature_verifier seeds")
    args = parser.parse_args()
    manifests()
    rasters()
    pdfs()
    packages()
    if args.zpe:
        signed(os.path.abspath(args.zpe))


if __name__ == "__main__":
    main()
