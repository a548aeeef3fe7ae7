"""Canned responses (issue 22): CSV export and import, and the import's plan. Pure, no AWS."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import canned_csv
from chalicelib.domain.canned import CannedFields, CannedResponse, CannedScope, parse_canned_create
from chalicelib.domain.canned_csv import CsvImportRefused, from_csv, plan_canned_import, to_csv
from chalicelib.domain.errors import InvalidField, LimitReached, TooLong
from chalicelib.export.values import FORMULA_TRIGGERS as EXPORT_FORMULA_TRIGGERS


def response(rid: str = "r1", **overrides) -> CannedResponse:
    base = dict(
        response_id=rid,
        scope=CannedScope.SHARED,
        owner_id=None,
        title="인사",
        shortcut="hello",
        text="안녕하세요",
        category=None,
        position=0,
    )
    base.update(overrides)
    return CannedResponse(**base)


TRICKY = [
    response(
        "r1",
        shortcut="hello",
        title="인사, 첫 응대",
        text='안녕하세요 "고객"님,\n무엇을 도와드릴까요?',
        category="공통",
    ),
    response(
        "r2", shortcut="formula", title='=HYPERLINK("http://x")', text="+82 10-1234", category="-분류", position=1
    ),
    response("r3", shortcut="quote", title="'인용", text="@mention", category=None, position=2),
    response("r4", shortcut="tab", title="제목", text="'=1+1", category="'x", position=3),
]


def test_export_is_utf8_with_bom_crlf_and_quoted():
    data = to_csv(TRICKY)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.startswith('"단축어","제목","분류","내용"\r\n')
    assert text.endswith("\r\n")
    assert '"안녕하세요 ""고객""님,\n무엇을 도와드릴까요?"' in text  # LF stays inside its quoted cell
    assert to_csv([], lang="en").decode("utf-8-sig") == '"shortcut","title","category","text"\r\n'


def test_export_neutralises_cells_a_spreadsheet_would_take_for_formulas():
    rows = list(csv.reader(io.StringIO(to_csv(TRICKY).decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    for cell in cells:
        assert not cell.startswith(FORMULA_TRIGGERS_PLAIN), cell
    assert '\'=HYPERLINK("http://x")' in cells and "'+82 10-1234" in cells and "'@mention" in cells
    assert "''인용" in cells and "''=1+1" in cells


FORMULA_TRIGGERS_PLAIN = ("=", "+", "-", "@")


def test_the_guarded_characters_are_the_workbook_exports():
    assert set(canned_csv.FORMULA_TRIGGERS) == set(EXPORT_FORMULA_TRIGGERS)


def test_round_trip_keeps_korean_commas_quotes_newlines_and_guards():
    assert from_csv(to_csv(TRICKY)) == [r.fields for r in TRICKY]
    assert from_csv(to_csv(TRICKY, lang="en")) == [r.fields for r in TRICKY]


def test_export_follows_the_admins_order():
    a, b = response("a", shortcut="a", position=2), response("b", shortcut="b", position=1)
    assert [f.shortcut for f in from_csv(to_csv([a, b]))] == ["b", "a"]


cell_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}")
    | st.sampled_from(["\n", ",", '"', "'", "=", "+", "-", "@", "가", "힣", " "]),
    max_size=60,
).filter(lambda s: s.strip() != "")


def _draft(title: str, text: str, category: str | None, i: int) -> CannedFields:
    return parse_canned_create(
        {"title": title.replace("\n", " "), "shortcut": f"s{i}", "text": text, "category": category}
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cell_text, cell_text, st.one_of(st.none(), cell_text)), max_size=6))
def test_csv_round_trip_of_arbitrary_text(rows):
    drafts = []
    for i, (title, text, category) in enumerate(rows):
        try:
            drafts.append(_draft(title, text, category.replace("\n", " ") if category else None, i))
        except (InvalidField, TooLong):
            continue  # the property is about texts the store can hold
    items = [response(f"r{i}", position=i, **vars(d)) for i, d in enumerate(drafts)]
    assert from_csv(to_csv(items)) == drafts


def _csv(*lines: str, bom: bool = True) -> bytes:
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def test_import_reads_headers_in_any_order_and_either_language_and_skips_blank_rows():
    data = _csv("text,Shortcut,제목", "본문 {{today}},ship,배송", ",,", "둘째,two,제목2", bom=False)
    assert from_csv(data) == [
        CannedFields(title="배송", shortcut="ship", text="본문 {{today}}", category=None),
        CannedFields(title="제목2", shortcut="two", text="둘째", category=None),
    ]


def test_import_reads_cp949_as_korean_excel_saves_it():
    data = "단축어,제목,내용\r\nhi,인사,안녕하세요\r\n".encode("cp949")
    assert from_csv(data) == [CannedFields(title="인사", shortcut="hi", text="안녕하세요")]


def test_import_is_all_or_nothing_with_every_rows_errors():
    data = _csv(
        "단축어,제목,분류,내용",
        "ok,좋음,,본문",  # row 2 fine
        "bad one,,,{{nope}}",  # row 3: shortcut, title, text
        "OK,중복,,본문",  # row 4: same shortcut as row 2, other case
        "x,y,z,w,extra",  # row 5: too many cells
    )
    with pytest.raises(CsvImportRefused) as caught:
        from_csv(data)
    errors = [(e.row, e.field) for e in caught.value.errors]
    assert errors == [(3, "shortcut"), (3, "title"), (3, "text"), (4, "shortcut"), (5, None)]
    assert "row 2" in caught.value.errors[3].message
    body = caught.value.to_body()
    assert body["code"] == "invalid_field" and body["errorCount"] == 5
    assert body["message"].startswith("nothing was imported: row 3, shortcut:")
    assert body["errors"][0] == {"row": 3, "field": "shortcut", "message": caught.value.errors[0].message}


@pytest.mark.parametrize(
    ("data", "row", "field"),
    [
        (b"", 1, None),
        (_csv("shortcut,title"), 1, "text"),
        (_csv("shortcut,title,text,owner"), 1, "owner"),
        (_csv("shortcut,title,text,단축어"), 1, "shortcut"),
        (b"\xff\xfe\x00\x80", 0, None),
        (b'shortcut,title,text\r\n"unclosed,a,b\r\n', 0, None),
    ],
)
def test_import_refuses_bad_files(data, row, field):
    with pytest.raises(CsvImportRefused) as caught:
        from_csv(data)
    assert (caught.value.errors[0].row, caught.value.errors[0].field) == (row, field)


def test_import_caps_rows_and_reported_errors():
    many = _csv("shortcut,title,text", *[f"s{i},t,x" for i in range(2001)])
    with pytest.raises(CsvImportRefused, match="2,001 rows"):
        from_csv(many)
    bad = _csv("shortcut,title,text", *["bad one,t,x" for _ in range(150)])
    with pytest.raises(CsvImportRefused) as caught:
        from_csv(bad)
    assert len(caught.value.errors) == canned_csv.MAX_CSV_ERRORS and caught.value.total == 150


def test_import_plan_matches_by_shortcut_and_counts_only_creates_against_the_limit():
    existing = [response("r1", shortcut="Hello", text="old"), response("r2", shortcut="same")]
    drafts = [
        CannedFields(title="인사", shortcut="hello", text="new"),
        CannedFields(title="인사", shortcut="same", text="안녕하세요"),
        CannedFields(title="새것", shortcut="fresh", text="본문"),
    ]
    plan = plan_canned_import(existing, drafts, scope=CannedScope.SHARED)
    assert plan.creates == (drafts[2],)
    assert plan.updates == ((existing[0], drafts[0]),)
    full = [response(f"r{i}", shortcut=f"s{i}") for i in range(200)]
    with pytest.raises(LimitReached):
        plan_canned_import(full, drafts, scope=CannedScope.PERSONAL)
    assert plan_canned_import(full, [CannedFields("t", "s1", "x")], scope=CannedScope.PERSONAL).creates == ()


@given(st.text(max_size=12))
def test_the_cell_guard_is_undone_exactly(value):
    assert canned_csv.restore_cell(canned_csv.neutralise_cell(value)) == value
    assert not canned_csv.neutralise_cell(value).startswith(canned_csv.FORMULA_TRIGGERS)


def test_a_file_excel_re_saved_imports_its_bare_text():
    # Excel drops its "text" apostrophe on save and quotes only cells that need it.
    data = b'shortcut,title,category,text\r\nformula,"=HYPERLINK(""x"")",,"=1+1\nline two"\r\nminus,- item,,@here\r\n'
    assert from_csv(data) == [
        CannedFields(title='=HYPERLINK("x")', shortcut="formula", text="=1+1\nline two"),
        CannedFields(title="- item", shortcut="minus", text="@here"),
    ]
