"""The tesseract command-line wrapper: TSV parsing, languages, errors, time limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image

from ocr_svc.deadline import Deadline, DeadlineExceededError
from ocr_svc.tesseract import (
    LanguageNotInstalledError,
    TesseractError,
    Thresholding,
    available_languages,
    detect_rotation,
    parse_tsv,
    recognise,
    validate_languages,
)

TextImage = Callable[[Sequence[str]], Image.Image]

_HEADER = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"
)


def _row(level: int, position: tuple[int, int, int], conf: float, text: str) -> str:
    block, paragraph, line = position
    return f"{level}\t1\t{block}\t{paragraph}\t{line}\t1\t0\t0\t10\t10\t{conf}\t{text}"


def test_tsv_rebuilds_lines_and_paragraphs() -> None:
    tsv = "\n".join(
        [
            _HEADER,
            _row(1, (0, 0, 0), -1, ""),
            _row(5, (1, 1, 1), 90, "Dear"),
            _row(5, (1, 1, 1), 80, "Sir,"),
            _row(5, (1, 1, 2), 70, "hello"),
            _row(4, (1, 2, 1), -1, ""),
            _row(5, (1, 2, 1), 60, "Regards"),
            _row(5, (2, 1, 1), -1, "   "),
        ]
    )

    recognition = parse_tsv(tsv)

    assert recognition.text == "Dear Sir,\nhello\n\nRegards"
    assert recognition.confidence == pytest.approx(0.75)
    assert recognition.word_count == 4


def test_tsv_without_words_has_no_confidence() -> None:
    recognition = parse_tsv(_HEADER + "\n" + _row(1, (0, 0, 0), -1, ""))

    assert recognition.text == ""
    assert recognition.confidence == 0.0
    assert recognition.word_count == 0


@pytest.mark.parametrize("languages", ["fra+eng", "eng", "chi_sim+fra"])
def test_well_formed_language_lists_are_accepted(languages: str) -> None:
    assert validate_languages(languages) == languages


@pytest.mark.parametrize("languages", ["", "fra+", "-l eng", "fra;ls", "../fra"])
def test_malformed_language_lists_are_refused(languages: str) -> None:
    with pytest.raises(ValueError, match="invalid tesseract language list"):
        validate_languages(languages)


@pytest.mark.tesseract
def test_installed_languages_are_listed() -> None:
    assert {"fra", "eng", "osd"} <= available_languages(Deadline.after(10))


@pytest.mark.tesseract
def test_recognise_reads_an_image_file(text_image: TextImage, tmp_path: Path) -> None:
    image = tmp_path / "page.png"
    text_image(["Contract 8080 renewed"]).save(image)

    recognition = recognise(image, languages="eng", deadline=Deadline.after(30))

    assert "8080" in recognition.text
    assert "renewed" in recognition.text.lower()
    assert recognition.confidence > 0.6


@pytest.mark.tesseract
def test_local_thresholds_read_tinted_paper_next_to_white(
    text_image: TextImage, tmp_path: Path
) -> None:
    sheet = text_image(["Avis de sinistre 8841", "Merci de me rappeler"]).point(
        lambda value: value * 150 // 255
    )
    # Half white scanner bed, half grey sheet: one threshold for both takes the sheet for ink.
    page = Image.new("L", (sheet.width * 2, sheet.height + 100), 255)
    page.paste(sheet, (sheet.width, 50))
    path = tmp_path / "page.png"
    page.save(path)

    def read(thresholding: Thresholding) -> str:
        deadline = Deadline.after(30)
        return recognise(path, languages="fra", deadline=deadline, thresholding=thresholding).text

    assert read(Thresholding.GLOBAL) == ""
    assert "8841" in read(Thresholding.LOCAL)


@pytest.mark.tesseract
def test_upside_down_image_is_detected(text_image: TextImage, tmp_path: Path) -> None:
    image = tmp_path / "page.png"
    text_image(["Please call me back", "about my electricity bill"]).rotate(180).save(image)

    assert detect_rotation(image, deadline=Deadline.after(30)) == 180


@pytest.mark.tesseract
def test_unreadable_image_is_a_tesseract_error(tmp_path: Path) -> None:
    image = tmp_path / "broken.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)

    with pytest.raises(TesseractError, match=r"\S"):
        recognise(image, languages="eng", deadline=Deadline.after(30))


@pytest.mark.tesseract
def test_missing_language_is_the_callers_error(text_image: TextImage, tmp_path: Path) -> None:
    image = tmp_path / "page.png"
    text_image(["x"]).save(image)

    with pytest.raises(LanguageNotInstalledError, match="notinstalled"):
        recognise(image, languages="notinstalled", deadline=Deadline.after(30))


@pytest.mark.tesseract
def test_expired_deadline_runs_nothing(text_image: TextImage, tmp_path: Path) -> None:
    image = tmp_path / "page.png"
    text_image(["x"]).save(image)

    with pytest.raises(DeadlineExceededError):
        recognise(image, languages="eng", deadline=Deadline.after(0))
