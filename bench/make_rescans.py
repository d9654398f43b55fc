#!/usr/bin/python3
"""Second copies of generated letters, as the mailroom receives them twice: every even
letter rescanned (another skew, shift, blur, specks, paper tone; greyscale LZW TIFF at
300 dpi) and every odd one as the fax that came before the letter (200 dpi, bilevel G4,
its own skew and threshold). The text is the same, the bytes and the OCR noise are not.
bench/eval_near_duplicate.sh uses them to measure the near-duplicate fingerprint.

Usage: make_rescans.py IN_DIR OUT_DIR [--seed N]
Writes OUT_DIR/<name>.tif and <name>.tif.truth.json (the original's truth, "file" and
"rescan_of" updated) for each IN_DIR/letter-*.{tif,png,jpg} that has a .truth.json.
Debian's /usr/bin/python3 with python3-pil only.
"""

import argparse
import json
import os
import random
import sys

try:
    from PIL import Image, ImageFilter, ImageSequence
except ImportError:  # pragma: no cover - environment problem
    sys.stderr.write("make_rescans.py: Pillow is missing (apt-get install python3-pil)\n")
    sys.exit(3)


def rescan(page, rng):
    grey = page.convert("L")
    grey = grey.rotate(rng.uniform(-1.2, 1.2), resample=Image.BICUBIC, expand=False, fillcolor=255,
                       translate=(rng.randint(-30, 30), rng.randint(-30, 30)))
    grey = grey.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    tone = rng.randint(232, 250)
    grey = grey.point(lambda v: min(v, tone))
    pixels = grey.load()
    for _ in range(int(grey.width * grey.height * 0.0004)):
        pixels[rng.randrange(grey.width), rng.randrange(grey.height)] = rng.randint(40, 140)
    return grey, (300, 300), "tiff_lzw"


def fax(page, rng):
    grey = page.convert("L")
    grey = grey.rotate(rng.uniform(-1.0, 1.0), resample=Image.BICUBIC, expand=False, fillcolor=255)
    grey = grey.resize((grey.width * 2 // 3, grey.height * 2 // 3), Image.LANCZOS)
    threshold = rng.randint(135, 175)
    return grey.point(lambda v: 255 if v > threshold else 0).convert("1"), (200, 200), "group4"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.output, exist_ok=True)
    rng = random.Random(a.seed)
    names = sorted(n for n in os.listdir(a.input)
                   if n.startswith("letter-") and n.endswith((".tif", ".png", ".jpg"))
                   and os.path.exists(os.path.join(a.input, n + ".truth.json")))
    for index, name in enumerate(names):
        transform = rescan if index % 2 == 0 else fax
        with Image.open(os.path.join(a.input, name)) as image:
            pages = [transform(p.copy(), rng) for p in ImageSequence.Iterator(image)]
        out_name = os.path.splitext(name)[0] + ".tif"
        first, dpi, compression = pages[0]
        first.save(os.path.join(a.output, out_name), dpi=dpi, compression=compression, save_all=True,
                   append_images=[p for p, _, _ in pages[1:]])
        with open(os.path.join(a.input, name + ".truth.json"), encoding="utf-8") as fh:
            truth = json.load(fh)
        truth.update({"file": out_name, "rescan_of": name, "rescan_kind": transform.__name__})
        with open(os.path.join(a.output, out_name + ".truth.json"), "w", encoding="utf-8") as fh:
            json.dump(truth, fh, ensure_ascii=False, indent=2)
            fh.write("\n")
        print("wrote %s (%s of %s, %d page(s))" % (out_name, transform.__name__, name, len(pages)))


if __name__ == "__main__":
    main()
