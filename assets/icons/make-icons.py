#!/usr/bin/env python3
"""Draws Loket's icon set (a white "L" on a deep-blue rounded square, with a thin red-and-white
bar) into this folder. Needs Pillow (`pip install pillow`). Run again after changing it:

    python3 assets/icons/make-icons.py
"""
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BLUE = (31, 78, 121, 255)
WHITE = (255, 255, 255, 255)
RED = (206, 17, 38, 255)


def master(size: int = 1024) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    s = size / 1024
    d.rounded_rectangle([40 * s, 40 * s, 984 * s, 984 * s], radius=190 * s, fill=BLUE)
    # The letter L, drawn as two bars so the icon needs no font.
    d.rectangle([330 * s, 210 * s, 480 * s, 780 * s], fill=WHITE)
    d.rectangle([330 * s, 640 * s, 720 * s, 780 * s], fill=WHITE)
    # A thin red-over-white bar under the letter.
    d.rectangle([330 * s, 830 * s, 720 * s, 858 * s], fill=RED)
    d.rectangle([330 * s, 858 * s, 720 * s, 886 * s], fill=WHITE)
    return img


def main() -> None:
    big = master()
    sizes = {"32x32.png": 32, "128x128.png": 128, "128x128@2x.png": 256, "icon.png": 512}
    for name, px in sizes.items():
        big.resize((px, px), Image.LANCZOS).save(HERE / name, optimize=True)
    big.save(HERE / "icon.ico", sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    big.resize((512, 512), Image.LANCZOS).save(HERE / "icon.icns")


if __name__ == "__main__":
    main()
