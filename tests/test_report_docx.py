"""The Word draft: GB/T 9704-2012 layout read back with python-docx, then rendered by
LibreOffice to PDF and PNG to check the pages really come out (A4, 28 characters a line,
22 lines a page, page numbers). Needs the Debian packages libreoffice-writer-nogui (or
libreoffice-writer), poppler-utils and fonts-noto-cjk; without them the test fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.reports.compose import compose_report
from bot.reports.docx_writer import write_docx
from bot.reports.model import Block, ComposedReport, ReportData
from bot.settings import PROJECT_ROOT
from bot.storage import make_engine, make_session_factory
from tests.test_report_compose import sample_data

FONTCONFIG = PROJECT_ROOT / "data" / "report" / "fontconfig.conf"
APT_HINT = (
    "apt-get update && apt-get install -y --no-install-recommends "
    "libreoffice-writer-nogui poppler-utils fonts-noto-cjk"
)
MM_TOLERANCE = Mm(0.2)


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"'{name}' is not installed; the docx rendering test needs it: {APT_HINT}")
    return found


@pytest.fixture(scope="module")
def draft_docx(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("docx") / "白岩镇2024年法治政府建设情况报告.docx"
    return write_docx(compose_report(sample_data()), path)


@pytest.fixture(scope="module")
def calibration_docx(tmp_path_factory) -> Path:
    """Only full-width characters: every full line must hold exactly 28 of them."""
    data = ReportData("白岩镇", 2024, [], date(2025, 1, 10))
    blocks = [Block("title", "白岩镇二〇二四年法治政府建设情况报告")]
    blocks += [Block("body", "法治政府建设" * 45) for _ in range(7)]
    path = tmp_path_factory.mktemp("calibration") / "calibration.docx"
    return write_docx(ComposedReport(data, "calibration", blocks, {}), path)


def to_pdf(docx_paths: list[Path], out_dir: Path) -> list[Path]:
    """LibreOffice headless, with its own profile (parallel runs do not collide) and the
    project's font fallbacks."""
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        pytest.fail(f"LibreOffice is not installed; the docx rendering test needs it: {APT_HINT}")
    profile = out_dir / "lo-profile"
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG), "HOME": str(out_dir)}
    done = subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, docx_paths),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    pdfs = [out_dir / (p.stem + ".pdf") for p in docx_paths]
    missing = [p for p in pdfs if not p.exists()]
    assert not missing, f"LibreOffice made no PDF: {done.stdout} {done.stderr}"
    return pdfs


@pytest.fixture(scope="module")
def rendered(draft_docx, calibration_docx, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    draft_pdf, calibration_pdf = to_pdf([draft_docx, calibration_docx], out)
    return {"draft": draft_pdf, "calibration": calibration_pdf, "dir": out}


def pdf_text(pdf: Path, page: int) -> str:
    return subprocess.run(
        [tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(
        [tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


# -- the file itself -------------------------------------------------------------------------


def east_asian(run_or_style_element) -> str | None:
    fonts = run_or_style_element.find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_gbt_margins(draft_docx):
    section = Document(str(draft_docx)).sections[0]
    for actual, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert abs(actual - Mm(mm)) <= MM_TOLERANCE, (actual.mm, mm)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 225 mm / 22 lines


def test_body_style_is_fangsong_16pt_on_the_line_grid(draft_docx):
    doc = Document(str(draft_docx))
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert east_asian(normal.element) == "仿宋_GB2312"
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(fmt.line_spacing.pt - 28.95) < 0.01
    assert fmt.first_line_indent == Pt(32)  # two characters
    ind = normal.element.find(qn("w:pPr")).find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    # 28 characters of 16 pt on a 156 mm line need a slight squeeze
    spacing = normal.element.find(qn("w:rPr")).find(qn("w:spacing"))
    assert -6 <= int(spacing.get(qn("w:val"))) < 0


def test_title_headings_and_leads_have_their_fonts(draft_docx):
    doc = Document(str(draft_docx))
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    title = paragraphs[0]
    assert title.text == "白岩镇2024年法治政府建设情况报告"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER or (
        title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    )
    assert title.runs[0].font.size == Pt(22)
    assert east_asian(title.runs[0]._element) == "方正小标宋简体"

    headings = [p for p in paragraphs if re.match("^[一二三四]、", p.text)]
    assert [h.text[:2] for h in headings] == ["一、", "二、", "三、", "四、"]
    for heading in headings:
        assert east_asian(heading.runs[0]._element) == "黑体"
        assert heading.runs[0].font.size == Pt(16)
        outline = heading.style.element.find(qn("w:pPr")).find(qn("w:outlineLvl"))
        assert outline is not None and outline.get(qn("w:val")) == "0"

    leads = [p.runs[0] for p in paragraphs if p.text.startswith("（一）")]
    assert leads, "no （一） sub-heading"
    for run in leads:
        assert run.text.startswith("（一）") and run.text.endswith("。")
        assert east_asian(run._element) == "楷体_GB2312"
        assert east_asian(leads[0]._parent.runs[1]._element) == "仿宋_GB2312"

    body = [p for p in paragraphs[1:] if p not in headings and p.runs]
    for paragraph in body:
        for run in paragraph.runs:
            assert run.font.size == Pt(16)


def test_page_numbers_are_dash_page_dash_in_songti_14pt(draft_docx):
    doc = Document(str(draft_docx))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        xml = paragraph._element.xml
        assert "PAGE" in "".join(t.text for t in paragraph._element.iter(qn("w:instrText")))
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment == align
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        for run in paragraph.runs:
            assert run.font.size == Pt(14)
            assert east_asian(run._element) == "宋体"


def test_signature_and_date_close_the_draft(draft_docx):
    paragraphs = [p for p in Document(str(draft_docx)).paragraphs if p.text.strip()]
    organ, when = paragraphs[-2], paragraphs[-1]
    assert organ.text == "白岩镇人民政府" and when.text == "2025年1月10日"
    assert organ.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # the date is at least two characters in from the right edge
    assert when.paragraph_format.right_indent >= Pt(32)


def test_font_table_names_fallbacks(draft_docx):
    import zipfile

    with zipfile.ZipFile(draft_docx) as archive:
        table = archive.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in table and 'w:altName w:val="仿宋"' in table
    assert 'w:name="楷体_GB2312"' in table and 'w:altName w:val="楷体"' in table


# -- rendered by LibreOffice -------------------------------------------------------------------


def test_libreoffice_renders_a4_pages_with_numbers(rendered):
    info = pdf_info(rendered["draft"])
    pages = int(info["Pages"].strip())
    assert pages >= 2
    width, height = (float(x) for x in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1  # A4 in points
    first = pdf_text(rendered["draft"], 1)
    assert "白岩镇2024年法治政府建设情况报告" in first.replace(" ", "")
    assert "一、2024年推进法治政府建设的主要举措和成效" in first.replace(" ", "")
    assert re.search(r"—\s*1\s*—", first)
    assert re.search(r"—\s*2\s*—", pdf_text(rendered["draft"], 2))


def test_pdftoppm_makes_one_png_per_page(rendered):
    prefix = rendered["dir"] / "page"
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", "50", str(rendered["draft"]), str(prefix)], check=True
    )
    pngs = sorted(rendered["dir"].glob("page-*.png"))
    assert len(pngs) == int(pdf_info(rendered["draft"])["Pages"].strip())
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 3000  # a page with text, not a blank image


def test_twenty_eight_characters_and_twenty_two_lines(rendered):
    """The grid as rendered: full lines hold 28 characters; a page without the title holds
    22 lines of text (plus the page number)."""
    page2 = [line.replace(" ", "") for line in pdf_text(rendered["calibration"], 2).splitlines()]
    text_lines = [line for line in page2 if line and not re.fullmatch(r"—\d+—", line)]
    assert len(text_lines) == 22, text_lines
    lengths = [len(line) for line in text_lines]
    # first lines are indented two characters, last lines of a paragraph are short
    assert max(lengths) == 28 and lengths.count(28) >= 15, lengths


def test_build_report_docx_end_to_end(sqlite_template, tmp_path):
    """From a ledger to a .docx (and the evidence workbook) through build_report."""
    from openpyxl import load_workbook

    from bot.reports import build_report
    from bot.reports.evidence import evidence_path
    from bot.reports.sample import populate_year

    db = tmp_path / "ledger.sqlite3"
    shutil.copyfile(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    factory = make_session_factory(engine)
    with factory() as session:
        written = populate_year(session, "白岩镇", 2024, n_facts=300)
        session.commit()
    path = build_report(
        engine, "白岩镇", 2024, "docx", tmp_path / "r.docx", evidence=True, as_of=date(2025, 1, 3)
    )
    engine.dispose()
    doc = Document(str(path))
    assert doc.paragraphs[0].text == "白岩镇2024年法治政府建设情况报告"
    workbook = load_workbook(evidence_path(path), read_only=True)
    facts_sheet = workbook.worksheets[1]
    rows = list(facts_sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == written.facts  # one row per active fact behind the figures
    assert all(row[4] and row[8] for row in rows)  # person and original message
