"""Rendering PDF pages with pdftoppm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from ocr_svc.deadline import Deadline, DeadlineExceededError
from ocr_svc.pdf_render import RENDER_DPI, RenderError, render_dpi, render_page
from ocr_svc.pixel_limit import MAX_PAGE_PIXELS

Factory = Callable[..., bytes]


def test_ordinary_pages_render_at_300_dpi() -> None:
    assert render_dpi(595, 842) == RENDER_DPI


def test_huge_pages_render_within_the_pixel_limit() -> None:
    width_points = height_points = 200 * 72

    dpi = render_dpi(width_points, height_points)

    assert dpi < RENDER_DPI
    assert (200 * dpi) ** 2 <= MAX_PAGE_PIXELS
    assert (200 * (dpi + 1)) ** 2 > MAX_PAGE_PIXELS


def test_one_page_renders_to_grey_at_the_given_dpi(
    make_text_layer_pdf: Factory, tmp_path: Path
) -> None:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(make_text_layer_pdf([["one"], ["two"]]))

    page = render_page(pdf, 2, dpi=36, work_dir=tmp_path, deadline=Deadline.after(30))

    assert page.number == 2
    assert page.dpi == 36
    with Image.open(page.path) as image:
        assert image.mode == "L"
        assert image.size == (306, 396)


def test_unrenderable_file_is_a_render_error(tmp_path: Path) -> None:
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4\nnothing else")

    with pytest.raises(RenderError, match=r"\S"):
        render_page(pdf, 1, dpi=72, work_dir=tmp_path, deadline=Deadline.after(30))


def test_expired_deadline_renders_nothing(make_text_layer_pdf: Factory, tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(make_text_layer_pdf([["one"]]))

    with pytest.raises(DeadlineExceededError):
        render_page(pdf, 1, dpi=72, work_dir=tmp_path, deadline=Deadline.after(0))
