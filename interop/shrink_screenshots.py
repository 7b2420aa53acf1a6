"""Shrink the drill's screenshots for the repository: 1000 px wide, 64-colour palette PNG."""

from pathlib import Path

from PIL import Image

for path in sorted(Path(__file__).with_name("screenshots").glob("*.png")):
    image = Image.open(path).convert("RGB")
    if image.width > 1000:
        image = image.resize((1000, round(image.height * 1000 / image.width)), Image.LANCZOS)
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    print(path.name, path.stat().st_size)
