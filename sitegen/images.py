"""Images are published without their metadata: EXIF carries GPS positions, camera serial numbers and
dates that can identify the person who took a photo. Pillow rewrites the file with only the pixels,
the colour profile and the orientation (dropping that would show the photo rotated)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image, JpegImagePlugin

# formats Pillow can rewrite without losing frames or transparency; others are copied as they are
STRIPPED = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
ORIENTATION = 0x0112
# metadata Pillow keeps in `info` after reading: any of these means the file needs rewriting
METADATA_KEYS = (
    "exif",
    "xmp",
    "XML:com.adobe.xmp",
    "comment",
    "photoshop",
    "iptc",
    "adobe_transform_comment",
)


def is_image(path: Path) -> bool:
    return path.suffix.lower() in STRIPPED


def has_metadata(img: Image.Image) -> bool:
    if any(key in img.info for key in METADATA_KEYS if key != "adobe_transform_comment"):
        return True
    if len(img.getexif()):
        return True
    # PNG text chunks (tEXt/iTXt/zTXt) may hold anything, including a location
    return img.format == "PNG" and bool(getattr(img, "text", {}))


def copy_without_metadata(source: Path, target: Path) -> bool:
    """Copy an image, dropping its metadata; returns True when something was removed.

    A file Pillow cannot read is copied as is (the site's author put it there on purpose)."""
    fmt = STRIPPED.get(source.suffix.lower())
    try:
        with Image.open(source) as img:
            if fmt is None or img.format != fmt or getattr(img, "n_frames", 1) > 1 or not has_metadata(img):
                shutil.copyfile(source, target)  # nothing to remove: keep the original bytes
                return False
            _rewrite(img, target, fmt)
            return True
    except (OSError, ValueError, SyntaxError):  # not an image after all, or a truncated one
        shutil.copyfile(source, target)
        return False


def _rewrite(img: Image.Image, target: Path, fmt: str) -> None:
    options: dict[str, object] = {}
    if icc := img.info.get("icc_profile"):
        options["icc_profile"] = icc
    orientation = img.getexif().get(ORIENTATION)
    if orientation and orientation != 1:
        keep = Image.Exif()
        keep[ORIENTATION] = orientation
        options["exif"] = keep.tobytes()
    if fmt == "JPEG":
        # the original quantization tables and subsampling: no visible loss from re-encoding
        options.update(
            qtables=img.quantization,
            subsampling=JpegImagePlugin.get_sampling(img),
            comment=b"",
            optimize=True,
        )
        if "progression" in img.info or "progressive" in img.info:
            options["progressive"] = True
    elif fmt == "WEBP":
        options["quality"] = 95  # Pillow cannot tell a lossless WebP apart: re-encode near-losslessly
    img.load()
    tmp = target.with_name(target.name + ".tmp")
    img.save(tmp, fmt, **options)
    tmp.replace(target)
