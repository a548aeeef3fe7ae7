"""The Excel export (S-7): job options and values here; openpyxl only in `workbook` and `runner`.

Nothing that a chat handler imports may import openpyxl: it would slow every cold start.
`options` and `values` are safe to import from REST handlers; `runner`, `workbook` and
`s3_upload` belong to the export function alone.
"""
