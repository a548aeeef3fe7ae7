"""Placeholder until the records-side twin lands."""


class MemoryAudit:
    def __init__(self, tables: object) -> None:
        self._tables = tables
