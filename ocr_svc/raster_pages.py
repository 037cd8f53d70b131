"""Image documents (PNG, JPEG, TIFF including multi-page fax, GIF, BMP, WebP) as page images."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from ocr_svc.deadline import Deadline
from ocr_svc.ocr_image import ocr_ready, plausible_dpi
from ocr_svc.page_source import PageFailure, PageImage, PageSource, UnreadableDocumentError
from ocr_svc.pixel_limit import BOMB_ERRORS, MAX_PAGE_PIXELS

_UPRIGHT = 1
# Files tesseract reads as they are, so that a single upright page needs no decoding here.
_DIRECT_EXTENSIONS = {"PNG": ".png", "JPEG": ".jpg", "TIFF": ".tif"}
_DIRECT_MODES = frozenset({"1", "L", "RGB", "P"})
_DIRECT_TIFF_COMPRESSIONS = frozenset(
    {"raw", "group3", "group4", "tiff_lzw", "tiff_adobe_deflate", "tiff_deflate", "packbits"}
)


class RasterDocument:
    """An image file whose frames are the pages of a document."""

    def __init__(self, data: bytes) -> None:
        """Open `data`, reading only its header(s).

        Raises `UnreadableDocumentError` naming the problem when it is not a readable image.
        """
        self._data = data
        try:
            self._image = Image.open(io.BytesIO(data))
            # Counting a TIFF's frames walks its directories, which may be damaged too.
            self.page_count: int = getattr(self._image, "n_frames", 1)
        except BOMB_ERRORS as exc:
            raise UnreadableDocumentError(f"image too large (decompression bomb?): {exc}") from exc
        except UnidentifiedImageError as exc:
            # Pillow identifies no image whose header is damaged or declares a zero size.
            raise UnreadableDocumentError(
                "not a readable image: unrecognised format, damaged header or zero size"
            ) from exc
        except Exception as exc:
            # Pillow's decoders raise many exception types on damaged input.
            raise UnreadableDocumentError(f"not a readable image: {exc}") from exc

    def pages(self, work_dir: Path, deadline: Deadline) -> Iterator[PageSource]:
        """Yield each frame, in order, as an upright image file written under `work_dir`.

        EXIF orientation is applied; a frame of zero size, over `MAX_PAGE_PIXELS` or that cannot
        be decoded is yielded as a `PageFailure`. Raises `DeadlineExceededError` before a page
        once the deadline has passed.
        """
        for index in range(self.page_count):
            deadline.check()
            number = index + 1
            source: PageSource
            try:
                self._image.seek(index)
                source = self._frame(number, work_dir)
            except BOMB_ERRORS as exc:
                source = PageFailure(number, f"image too large (decompression bomb?): {exc}")
            except Exception as exc:
                # Pillow's decoders raise many exception types on damaged input.
                source = PageFailure(number, f"cannot decode image: {exc}")
            yield source

    def _frame(self, number: int, work_dir: Path) -> PageSource:
        frame = self._image
        width, height = frame.size
        if width == 0 or height == 0:
            return PageFailure(number, f"image has zero size ({width}x{height})")
        if width * height > MAX_PAGE_PIXELS:
            return PageFailure(
                number,
                f"image too large: {width}x{height} pixels exceeds the limit of {MAX_PAGE_PIXELS}",
            )
        dpi = _dpi(frame)
        orientation = frame.getexif().get(ExifTags.Base.Orientation, _UPRIGHT)
        if self.page_count == 1 and orientation == _UPRIGHT and _readable_as_is(frame):
            path = work_dir / f"page-{number:04d}{_DIRECT_EXTENSIONS[str(frame.format)]}"
            path.write_bytes(self._data)
            return PageImage(number, path, dpi)
        frame.load()
        upright = ImageOps.exif_transpose(frame) if orientation != _UPRIGHT else frame
        path = work_dir / f"page-{number:04d}.tif"
        # Uncompressed: tesseract reads it back at once, and compressing costs more than it saves.
        ocr_ready(upright).save(path, "TIFF")
        return PageImage(number, path, dpi)


def _readable_as_is(image: Image.Image) -> bool:
    if image.format not in _DIRECT_EXTENSIONS or image.mode not in _DIRECT_MODES:
        return False
    if image.has_transparency_data:
        return False
    return image.format != "TIFF" or image.info.get("compression") in _DIRECT_TIFF_COMPRESSIONS


def _dpi(image: Image.Image) -> int | None:
    declared = image.info.get("dpi")
    if not isinstance(declared, tuple) or not declared:
        return None
    try:
        return plausible_dpi(float(declared[0]))
    except (TypeError, ValueError):
        return None
