"""The blank import workbook (template) of each kind."""

from __future__ import annotations

import datetime

from parkparty.core.imports.cells import ExcelDateWidget
from parkparty.core.imports.specs import IMPORT_KINDS

# --------------------------------------------------------------------------- template


def write_template(kind: str, target) -> None:
    """Write the blank import workbook of ``kind`` to ``target`` (a path or a binary file)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = IMPORT_KINDS[kind]
    columns = spec.columns()
    book = Workbook()
    sheet = book.active
    sheet.title = spec.sheet_title
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4E4")
    plain_fill = PatternFill("solid", fgColor="F2F2F2")
    last_row = 10_001
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.column_name)
        cell.font = bold
        cell.fill = required_fill if column.value_required else plain_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        letter = get_column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
        elif isinstance(column.widget, ExcelDateWidget):
            dimension.number_format = "yyyy-mm-dd"
        if column.choices:
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=not column.value_required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error="请从下拉列表中选择：" + "、".join(column.choices),
            )
            validation.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 22

    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写说明", "示例"])
    for cell in guide[1]:
        cell.font = bold
    for column in columns:
        must = "必填" if column.value_required else "选填"
        note = column.help_text
        if column.choices:
            note = f"{note}（可选：{'、'.join(column.choices)}）"
        example = column.example
        if isinstance(example, datetime.date):
            example = example.isoformat()
        guide.append([column.column_name, must, note, str(example)])
    guide.append([])
    guide.append(["说明", "", "第一个工作表为数据表，第一行为表头，请勿修改表头；空行会被跳过；请勿使用公式。", ""])
    for letter, width in zip("ABCD", (24, 10, 80, 28), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    book.active = 0
    book.save(target)
