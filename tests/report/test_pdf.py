"""report.pdf printed by headless Chromium: every section present, pages not blank.

Skipped when Chromium is not installed (CI installs it, see .ci/run); the error a user
gets without Chromium is tested always.
"""

from __future__ import annotations

import numpy as np
import pytest
from hostile_world import hostile_analysis

import netlib
from netlib import report
from netlib.cli import main

pdfium = pytest.importorskip("pypdfium2")

SECTIONS = ("Coordinated network briefing", "Executive summary", "Figures",
            "Coordinated networks", "Mirror chains (re-created accounts)",
            "Likely operators and time zones", "Watch-list triage", "Why is this account here?",
            "Methods and limits", "Provenance")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    if report.find_chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("pdf")
    page = report.write_report(hostile_analysis(), folder / "report.html")
    pdf = report.write_pdf(page)
    document = pdfium.PdfDocument(str(pdf))
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    images = [np.asarray(document[i].render(scale=0.5).to_pil().convert("RGB")).astype(int)
              for i in range(len(document))]
    image_kind = pdfium.raw.FPDF_PAGEOBJ_IMAGE
    pictures = [sum(1 for o in document[i].get_objects() if o.type == image_kind)
                for i in range(len(document))]
    return pdf, texts, images, pictures


def test_pdf_has_every_section_each_starting_a_page_in_order(printed):
    pdf, texts, _, _ = printed
    assert pdf.name == "report.pdf" and pdf.read_bytes()[:5] == b"%PDF-"
    starts = [t.lstrip() for t in texts]
    first_page = [next((i for i, s in enumerate(starts) if s.startswith(section)), None)
                  for section in SECTIONS[1:]]
    assert None not in first_page, dict(zip(SECTIONS[1:], first_page, strict=True))
    assert first_page == sorted(first_page) and len(set(first_page)) == len(first_page)
    assert starts[0].startswith(SECTIONS[0])


def test_pages_are_not_blank_and_figures_are_drawn(printed):
    _, texts, images, pictures = printed
    ink = [float((img.mean(axis=2) < 200).mean()) for img in images]
    assert min(ink) > 0.002, ink  # every page has visible text or drawing
    starts = [t.lstrip() for t in texts]
    figures = next(i for i, t in enumerate(starts) if t.startswith("Figures"))
    after = next(i for i, t in enumerate(starts) if t.startswith("Coordinated networks"))
    colour = [float((img.max(axis=2) - img.min(axis=2) > 60).mean()) for img in images]
    assert sum(colour[figures:after]) > 0.002  # the plotly figures were drawn before printing
    assert max(colour[:figures]) < sum(colour[figures:after])
    # printed from the static twins (PNG), not from the interactive figures
    assert sum(pictures[figures:after]) == 4 and sum(pictures[:figures]) == 0


def test_hostile_text_stays_text_in_print(printed):
    _, texts, _, _ = printed
    printed_text = "".join("".join(texts).split())  # PDF text comes with line breaks
    assert "<script>document.title='PWNED'" in printed_text


def test_missing_chromium_says_how_to_install(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("NETLIB_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(report.PdfError, match="apt-get install chromium"):
        report.write_pdf(tmp_path / "report.html")
    assert main(["report", str(tmp_path), "--pdf"]) == 2
    assert "needs Chromium" in capsys.readouterr().err
    with pytest.raises(report.PdfError, match="needs Chromium"):
        netlib.pipeline.write_analysis(hostile_analysis(), tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()
