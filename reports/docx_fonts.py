"""Fonts and language of the report templates: what a word processor without the official fonts falls back to.

The official fonts (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312, 宋体) are often
missing: Windows 10 and later ship 仿宋 and 楷体 but not the ``_GB2312``
faces, WPS ships its own, LibreOffice on a server has none. So a template
declares, besides the names themselves:

* the document's East-Asian language as Simplified Chinese (``zh-CN``) in
  its settings (``w:themeFontLang``), its default run properties and its
  theme, so a missing face is replaced by a Chinese one, never a Japanese
  one (python-docx's blank document says ``ja-JP``);
* in the font table, for every East-Asian face, an alternative name Word and
  WPS try first (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体) and
  the GB2312 character set, family and panose numbers they pick a
  replacement by;
* no theme fonts in any style (only explicitly named faces).

On Linux (LibreOffice on the server, desktops) ``reports/fonts/
64-parkparty-official-fonts.conf`` maps the names to free faces through
fontconfig (see README, "Deployment").
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from lxml import etree

#: The document's East-Asian language.
EAST_ASIAN_LANGUAGE = "zh-CN"
#: ``w:charset`` of the GB2312 character set (Windows code page 936).
GB2312_CHARSET = "86"


@dataclass(frozen=True)
class Font:
    """One face of the font table: its name, what to use without it, and how Word classifies it."""

    name: str
    alt_name: str
    panose: str
    family: str  # w:family: roman, swiss, modern, script, decorative, auto
    pitch: str  # fixed or variable
    charset: str = GB2312_CHARSET
    # w:sig: Unicode ranges (CJK ideographs, CJK symbols, half/full-width forms) and code page 936
    signature: tuple[str, str, str, str, str, str] = ("00000001", "080E0000", "00000010", "00000000", "00040000", "0")


#: The faces the report templates use, with what stands in for them where they are missing.
FONTS = (
    Font("仿宋_GB2312", "仿宋", "02010609030101010101", "modern", "fixed"),
    Font("楷体_GB2312", "楷体", "02010609030101010101", "modern", "fixed"),
    Font("方正小标宋简体", "宋体", "02000000000000000000", "script", "variable"),
    Font(
        "黑体",
        "SimHei",
        "02010609060101010101",
        "modern",
        "fixed",
        signature=("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000"),
    ),
    Font(
        "宋体",
        "SimSun",
        "02010600030101010101",
        "auto",
        "variable",
        signature=("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000"),
    ),
    Font(
        "Times New Roman",
        "Liberation Serif",
        "02020603050405020304",
        "roman",
        "variable",
        charset="00",
        signature=("E0002AFF", "C0007841", "00000009", "00000000", "000001FF", "00000000"),
    ),
)


def _font_element(font: Font):
    usb0, usb1, usb2, usb3, csb0, csb1 = font.signature
    return parse_xml(
        f'<w:font {nsdecls("w")} w:name="{font.name}">'
        f'<w:altName w:val="{font.alt_name}"/>'
        f'<w:panose1 w:val="{font.panose}"/>'
        f'<w:charset w:val="{font.charset}"/>'
        f'<w:family w:val="{font.family}"/>'
        f'<w:pitch w:val="{font.pitch}"/>'
        f'<w:sig w:usb0="{usb0}" w:usb1="{usb1}" w:usb2="{usb2}" w:usb3="{usb3}" w:csb0="{csb0}" w:csb1="{csb1}"/>'
        "</w:font>"
    )


def _part(document, partname: str):
    for part in document.part.package.parts:
        if part.partname == partname:
            return part
    return None


def set_font_table(document) -> None:
    """Replace the font table with the report's faces and their fallbacks (no Japanese faces left)."""
    part = _part(document, "/word/fontTable.xml")
    if part is None:  # python-docx's blank document has one; a missing table is simply not written
        return
    root = etree.fromstring(part.blob)
    for child in list(root):
        root.remove(child)
    for font in FONTS:
        root.append(_font_element(font))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def set_theme_fonts(document, *, latin: str, major_east_asian: str, minor_east_asian: str) -> None:
    """Name the theme's fonts explicitly, Simplified Chinese first, for anything that still asks the theme."""
    part = _part(document, "/word/theme/theme1.xml")
    if part is None:
        return
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    root = etree.fromstring(part.blob)
    for scheme, east_asian in (("majorFont", major_east_asian), ("minorFont", minor_east_asian)):
        for fonts in root.iter(f"{{{a}}}{scheme}"):
            fonts.find(f"{{{a}}}latin").set("typeface", latin)
            fonts.find(f"{{{a}}}ea").set("typeface", east_asian)
            for script in fonts.findall(f"{{{a}}}font"):
                if script.get("script") in ("Hans", "Jpan"):
                    script.set("typeface", east_asian)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def drop_theme_font_references(document) -> None:
    """Remove ``w:asciiTheme`` and the like from every style: styles then inherit the named defaults."""
    for fonts in document.styles.element.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)


def set_language(settings_element) -> None:
    """Declare Simplified Chinese as the East-Asian language of the theme fonts (``w:themeFontLang``)."""
    lang = settings_element.find(qn("w:themeFontLang"))
    if lang is None:
        lang = parse_xml(f"<w:themeFontLang {nsdecls('w')}/>")
        # schema order: after w:mathPr / w:attachedSchema…, before w:clrSchemeMapping
        following = settings_element.find(qn("w:clrSchemeMapping"))
        if following is not None:
            following.addprevious(lang)
        else:
            settings_element.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)
    lang.attrib.pop(qn("w:bidi"), None)
