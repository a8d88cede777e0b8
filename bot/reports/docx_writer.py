"""The draft as a Word file laid out per GB/T 9704-2012 (党政机关公文格式).

A4; margins 37/35/28/26 mm (top/bottom/left/right), which leave the standard 156 × 225 mm
text block; 22 lines of 28 characters (a document grid plus an exact 28.95 pt line pitch,
so Word, WPS and LibreOffice all keep 22 lines); title 2号 方正小标宋简体 centred; body 3号
仿宋_GB2312 with a two-character first-line indent; 一、 headings 黑体, （一） leads 楷体_GB2312;
page numbers "— 1 —" in 4号 宋体, odd pages right and even pages left, one character in.

Fonts are named on every run, East Asian names through w:eastAsia, so each program uses them
when installed; the font table adds the Windows built-in alternatives (仿宋, 楷体, 宋体) that
Word and WPS substitute on a machine without the GB2312 fonts, and fontconfig picks a CJK
serif/sans on Linux.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from lxml import etree

from bot.reports.model import Block, ComposedReport

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 37, 35, 28, 26
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14  # 3号, 2号, 4号
# 225 mm of text height / 22 lines, rounded down to whole twips: 579 twips = 28.95 pt.
LINE_PITCH_TWIPS = 579
TITLE_LINE_PT = 36  # two-line titles stay legible; still within two grid lines
FOOTER_DISTANCE_MM = 25  # puts the page number about 7 mm below the text block


@dataclass(frozen=True)
class Fonts:
    """Font names per role, and what Word/WPS may substitute when one is missing."""

    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading1: str = "黑体"
    heading2: str = "楷体_GB2312"
    page_number: str = "宋体"
    latin: str = "Times New Roman"  # digits and Latin letters in the body

    alternatives = {
        "方正小标宋简体": ("宋体", "SimSun"),
        "仿宋_GB2312": ("仿宋", "FangSong"),
        "楷体_GB2312": ("楷体", "KaiTi"),
        "黑体": ("SimHei", "黑体"),
        "宋体": ("SimSun", "宋体"),
    }


STYLE_BODY = "Normal"
STYLE_TITLE = "公文标题"
STYLE_HEADING1 = "一级标题"
STYLE_LEAD = "二级标题字符"
STYLE_SIGNATURE = "落款"


def _text_block_twips() -> int:
    return int(Mm(PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM).twips)


def _char_spacing_twentieths() -> int:
    """Run character spacing (1/20 pt, ≤ 0) that puts 28 body characters on a 156 mm line.

    16 pt × 28 = 448 pt does not fit 442.25 pt; -0.25 pt per character does. This is used
    instead of a linesAndChars grid with w:charSpace: LibreOffice lays such a grid out with
    two cells per character whenever the pitch is below the font size (14 characters a line).
    """
    pitch_twentieths = _text_block_twips() / CHARS_PER_LINE
    return min(0, math.floor(pitch_twentieths - BODY_PT * 20))


# w:rPr children in schema order: Word rejects a file whose elements are out of order.
RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
    "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof",
    "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern",
    "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd",
    "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath",
)  # fmt: skip


def rpr_child(rpr, tag: str):
    """The rPr child `tag`, created in its schema position if missing."""
    found = rpr.find(qn(tag))
    if found is not None:
        return found
    element = OxmlElement(tag)
    rpr.insert_element_before(element, *RPR_ORDER[RPR_ORDER.index(tag) + 1 :])
    return element


def set_run_fonts(rpr_owner, east_asian: str, latin: str, size_pt: float | None = None) -> None:
    """Name the fonts on a run or style (w:ascii/hAnsi for Latin, w:eastAsia for Chinese).

    Theme font attributes are removed: Word lets a theme font override an explicit name.
    """
    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr_child(rpr, "w:rFonts")
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            rpr_child(rpr, tag).set(qn("w:val"), str(int(size_pt * 2)))


def _set_char_spacing(style_element, twentieths: int) -> None:
    """w:spacing on a style's run properties (0 writes an explicit 0, overriding a base)."""
    rpr_child(style_element.get_or_add_rPr(), "w:spacing").set(qn("w:val"), str(twentieths))


def _set_indent_chars(paragraph_format, first_line_chars: int = 0, right_chars: float = 0) -> None:
    """Indents in characters (w:firstLineChars), with the twip value for older readers."""
    if first_line_chars:
        paragraph_format.first_line_indent = Pt(BODY_PT * first_line_chars)
    else:
        paragraph_format.first_line_indent = Pt(0)
    if right_chars:
        paragraph_format.right_indent = Pt(BODY_PT * right_chars)
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    if first_line_chars:
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
    else:
        ind.set(qn("w:firstLineChars"), "0")


class _Writer:
    def __init__(self, fonts: Fonts) -> None:
        self.fonts = fonts
        self.doc = Document()
        self._page()
        self._defaults()
        self._styles()
        self._font_table()
        self._page_numbers()

    # -- page, grid, defaults -------------------------------------------------------------

    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
        section.footer_distance = Mm(FOOTER_DISTANCE_MM)
        section.header_distance = Mm(15)
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))

    def _defaults(self) -> None:
        styles = self.doc.styles.element
        rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts"))
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        fonts.set(qn("w:ascii"), self.fonts.latin)
        fonts.set(qn("w:hAnsi"), self.fonts.latin)
        fonts.set(qn("w:eastAsia"), self.fonts.body)
        fonts.set(qn("w:cs"), self.fonts.body)
        # the character grid's pitch is measured from the default size: make that 3号
        for tag in ("w:sz", "w:szCs"):
            rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
        lang = rpr.find(qn("w:lang"))
        lang.set(qn("w:eastAsia"), "zh-CN")
        ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), str(LINE_PITCH_TWIPS))
        spacing.set(qn("w:lineRule"), "exact")
        settings = self.doc.settings.element
        if settings.find(qn("w:evenAndOddHeaders")) is None:
            settings.append(OxmlElement("w:evenAndOddHeaders"))

    def _paragraph_style(
        self, name: str, east_asian: str, size: float, align, first_chars: int, spacing: int = 0
    ):
        styles = self.doc.styles
        style = (
            styles[name]
            if name in [s.name for s in styles]
            else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        )
        if name != STYLE_BODY:
            style.base_style = styles[STYLE_BODY]
        set_run_fonts(style.element, east_asian, self.fonts.latin, size)
        _set_char_spacing(style.element, spacing)
        fmt = style.paragraph_format
        fmt.alignment = align
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(LINE_PITCH_TWIPS)
        fmt.widow_control = False
        _set_indent_chars(fmt, first_chars)
        return style

    def _styles(self) -> None:
        f = self.fonts
        squeeze = _char_spacing_twentieths()
        self._paragraph_style(STYLE_BODY, f.body, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, squeeze)
        title = self._paragraph_style(STYLE_TITLE, f.title, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER, 0)
        title.paragraph_format.line_spacing = Pt(TITLE_LINE_PT)
        heading = self._paragraph_style(
            STYLE_HEADING1, f.heading1, BODY_PT, WD_ALIGN_PARAGRAPH.JUSTIFY, 2, squeeze
        )
        heading.paragraph_format.keep_with_next = True
        outline = OxmlElement("w:outlineLvl")
        outline.set(qn("w:val"), "0")
        heading.element.get_or_add_pPr().insert_element_before(
            outline, "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"
        )
        self._paragraph_style(
            STYLE_SIGNATURE, f.body, BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT, 0, squeeze
        )
        lead = self.doc.styles.add_style(STYLE_LEAD, WD_STYLE_TYPE.CHARACTER)
        set_run_fonts(lead.element, f.heading2, f.latin, BODY_PT)
        _set_char_spacing(lead.element, squeeze)

    def _font_table(self) -> None:
        """Declare the GB2312 fonts with their Windows built-in alternatives (w:altName)."""
        part = next(
            rel.target_part
            for rel in self.doc.part.rels.values()
            if rel.reltype.endswith("/fontTable")
        )
        root = etree.fromstring(part.blob)
        for name, (alt, _) in self.fonts.alternatives.items():
            font = etree.SubElement(root, qn("w:font"))
            font.set(qn("w:name"), name)
            alt_name = etree.SubElement(font, qn("w:altName"))
            alt_name.set(qn("w:val"), alt)
            charset = etree.SubElement(font, qn("w:charset"))
            charset.set(qn("w:val"), "86")  # GB2312
            family = etree.SubElement(font, qn("w:family"))
            family.set(qn("w:val"), "modern" if "仿宋" in name or "楷" in name else "roman")
            pitch = etree.SubElement(font, qn("w:pitch"))
            pitch.set(qn("w:val"), "variable")
        # python-docx keeps unknown parts as bytes; replacing the bytes is how to edit them.
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # -- page numbers -----------------------------------------------------------------------

    def _page_number_paragraph(self, footer, align) -> None:
        paragraph = footer.paragraphs[0]
        for run in list(paragraph._element.iter(qn("w:r"))):
            run.getparent().remove(run)
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        _set_indent_chars(fmt, 0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_NUMBER_PT)
        else:
            fmt.left_indent = Pt(PAGE_NUMBER_PT)
        self._footer_run(paragraph, "— ")
        self._field(paragraph, "PAGE", "1")
        self._footer_run(paragraph, " —")

    def _footer_run(self, paragraph, text: str):
        run = paragraph.add_run(text)
        set_run_fonts(run._element, self.fonts.page_number, self.fonts.page_number, PAGE_NUMBER_PT)
        return run

    def _field(self, paragraph, instruction: str, placeholder: str) -> None:
        for kind, text in (("begin", None), ("instr", instruction), ("separate", None)):
            run = self._footer_run(paragraph, "")
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = f" {text} "
                run._element.append(instr)
            else:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._element.append(char)
        self._footer_run(paragraph, placeholder)
        end = self._footer_run(paragraph, "")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), "end")
        end._element.append(char)

    def _page_numbers(self) -> None:
        section = self.doc.sections[0]
        self._page_number_paragraph(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number_paragraph(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    # -- content -------------------------------------------------------------------------

    def title(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(style=STYLE_TITLE)
        run = paragraph.add_run(text)
        set_run_fonts(run._element, self.fonts.title, self.fonts.title, TITLE_PT)
        self.doc.add_paragraph(style=STYLE_BODY)  # one blank line under the title

    def heading(self, text: str) -> None:
        paragraph = self.doc.add_paragraph(style=STYLE_HEADING1)
        run = paragraph.add_run(text)
        set_run_fonts(run._element, self.fonts.heading1, self.fonts.heading1, BODY_PT)

    def body(self, text: str, lead: str = "") -> None:
        paragraph = self.doc.add_paragraph(style=STYLE_BODY)
        if lead:
            run = paragraph.add_run(lead, style=STYLE_LEAD)
            set_run_fonts(run._element, self.fonts.heading2, self.fonts.latin, BODY_PT)
        run = paragraph.add_run(text)
        set_run_fonts(run._element, self.fonts.body, self.fonts.latin, BODY_PT)

    def signature(self, organ: str, when: str) -> None:
        """署名 and 成文日期 (GB/T 9704 7.3.5.2): the date starts two characters right of the
        organ's first character and, if longer, stands two characters from the right edge."""
        organ_w, date_w = _width_chars(organ), _width_chars(when)
        if date_w + 2 <= organ_w:
            organ_right, date_right = 2.0, organ_w - date_w
        else:
            organ_right, date_right = date_w + 4 - organ_w, 2.0
        self.doc.add_paragraph(style=STYLE_BODY)  # one blank line after the text
        for text, right in ((organ, organ_right), (when, date_right)):
            paragraph = self.doc.add_paragraph(style=STYLE_SIGNATURE)
            paragraph.paragraph_format.right_indent = Pt(BODY_PT * right)
            run = paragraph.add_run(text)
            set_run_fonts(run._element, self.fonts.body, self.fonts.latin, BODY_PT)

    def save(self, path: Path, title: str) -> Path:
        props = self.doc.core_properties
        props.title = title
        props.author = ""
        props.language = "zh-CN"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path


def _width_chars(text: str) -> float:
    """Width in body characters: ASCII (digits in dates) is half a character wide."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def write_docx(report: ComposedReport, path: Path, fonts: Fonts | None = None) -> Path:
    """Write the composed draft to `path` (.docx) and return it."""
    return write_blocks(report.title, report.blocks, path, fonts)


def write_blocks(
    title: str, blocks: Iterable[Block], path: Path, fonts: Fonts | None = None
) -> Path:
    """Any draft made of Blocks (a town's report, the county summary) in the official
    format: the same page, styles, fonts and page numbers."""
    writer = _Writer(fonts or Fonts())
    pending_signature: str | None = None
    for block in blocks:
        if block.kind == "title":
            writer.title(block.text)
        elif block.kind == "heading":
            writer.heading(block.text)
        elif block.kind == "body":
            writer.body(block.text, block.lead)
        elif block.kind == "signature":
            pending_signature = block.text
        elif block.kind == "date":
            writer.signature(pending_signature or "", block.text)
            pending_signature = None
    return writer.save(path, title)
