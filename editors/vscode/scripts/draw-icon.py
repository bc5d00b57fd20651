"""Draws icon.png, the extension's marketplace icon: a practice target inside a time-box arc.

Run from editors/vscode with Pillow installed (the project's test extra has it):
    python scripts/draw-icon.py
The PNG is committed; this script is how it was made and how to change it.
"""

from pathlib import Path

from PIL import Image, ImageDraw

SIZE, SCALE = 128, 4  # drawn 4x larger, then scaled down for smooth edges
BACKGROUND, RING, ARC, CENTRE = "#1f3a5f", "#f4f1e8", "#f2a541", "#e4572e"


def draw() -> Image.Image:
    big = SIZE * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=24 * SCALE, fill=BACKGROUND)
    centre = big / 2

    def circle(radius: float, **style: object) -> None:
        pen.ellipse((centre - radius, centre - radius, centre + radius, centre + radius),
                    **style)  # type: ignore[arg-type]

    pen.arc((10 * SCALE, 10 * SCALE, big - 10 * SCALE, big - 10 * SCALE),
            start=-90, end=180, fill=ARC, width=9 * SCALE)  # three quarters of the box used
    circle(40 * SCALE, outline=RING, width=7 * SCALE)
    circle(24 * SCALE, outline=RING, width=7 * SCALE)
    circle(9 * SCALE, fill=CENTRE)
    return image.resize((SIZE, SIZE), Image.LANCZOS)


if __name__ == "__main__":
    draw().save(Path(__file__).parents[1] / "icon.png", optimize=True)
