"""Canned responses (issue 22): validation, variables, fill, limits, CSV. Pure, no AWS."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import canned
from chalicelib.domain.canned import (
    CannedFields,
    CannedResponse,
    CannedScope,
    CsvImportRefused,
    EmptySpan,
    apply_canned_edit,
    check_can_manage,
    check_canned_limit,
    check_variables,
    fill,
    from_csv,
    local_date,
    parse_canned_create,
    plan_canned_import,
    scope_for_create,
    shortcut_key,
    to_csv,
    variable_values,
)
from chalicelib.domain.errors import Conflict, Forbidden, InvalidField, LimitReached, TooLong
from chalicelib.domain.model import Principal, Role
from chalicelib.export.values import FORMULA_TRIGGERS as EXPORT_FORMULA_TRIGGERS

AGENT = Principal(Role.AGENT, "alice")
OTHER_AGENT = Principal(Role.AGENT, "bob")
ADMIN = Principal(Role.ADMIN, "root")
CUSTOMER = Principal(Role.CUSTOMER, "cust-1", conversation_id="c1")

VALID = {"title": "인사", "shortcut": "hello", "text": "안녕하세요, {{customer.name}}님.", "category": "공통"}


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


# --- validation ---------------------------------------------------------------------------


def test_a_valid_create_body_is_cleaned():
    fields = parse_canned_create({**VALID, "title": "  인사  ", "shortcut": "/hello", "text": "a\r\nb {{today}}"})
    assert fields == CannedFields(title="인사", shortcut="hello", text="a\nb {{today}}", category="공통")


def test_category_is_optional_and_blank_means_none():
    assert parse_canned_create({**VALID, "category": "   "}).category is None
    assert parse_canned_create({k: v for k, v in VALID.items() if k != "category"}).category is None


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("title", None, InvalidField),
        ("title", "   ", InvalidField),
        ("title", "\u3000\t ", InvalidField),  # ideographic space is whitespace too
        ("title", " \u200b\ufeff ", InvalidField),  # zero-width characters look empty too
        ("title", "a\nb", InvalidField),
        ("title", "x" * 101, TooLong),
        ("title", 5, InvalidField),
        ("title", "a\x00b", InvalidField),
        ("title", "\ud800", InvalidField),
        ("shortcut", "", InvalidField),
        ("shortcut", "/", InvalidField),
        ("shortcut", "two words", InvalidField),
        ("shortcut", "ㄱㄴ", InvalidField),  # bare jamo: a half-typed syllable, never a shortcut
        ("shortcut", "hi!", InvalidField),
        ("shortcut", "x" * 31, TooLong),
        ("category", "x" * 51, TooLong),
        ("category", "a\nb", InvalidField),
        ("text", "", InvalidField),
        ("text", " \n\t ", InvalidField),
        ("text", "x" * 2001, TooLong),
        ("text", "{{customer.phone}}", InvalidField),
    ],
)
def test_each_field_is_refused_by_name(field, value, error):
    with pytest.raises(error) as caught:
        parse_canned_create({**VALID, field: value})
    assert caught.value.field == field


@pytest.mark.parametrize("shortcut", ["hello", "배송지연", "ship-late_2", "a.b", "x" * 30, "/x" + "y" * 29])
def test_shortcuts_that_are_accepted(shortcut):
    assert parse_canned_create({**VALID, "shortcut": shortcut}).shortcut == shortcut.removeprefix("/")


def test_text_of_exactly_2000_characters_is_accepted():
    assert len(parse_canned_create({**VALID, "text": "가" * 2000}).text) == 2000


def test_unknown_fields_are_refused():
    with pytest.raises(InvalidField) as caught:
        parse_canned_create({**VALID, "owner": "bob"})
    assert caught.value.field == "owner"


def test_decomposed_hangul_is_stored_composed():
    decomposed = "\u1100\u1161\u11a8"  # 각 as macOS may hand it over
    assert parse_canned_create({**VALID, "shortcut": decomposed}).shortcut == "각"


def test_shortcuts_compare_without_case():
    assert shortcut_key("Hello") == shortcut_key("hELLO")
    assert shortcut_key("배송") != shortcut_key("배송지연")


def test_an_edit_changes_only_what_it_names():
    before = response(category="공통")
    after = apply_canned_edit(before, {"title": "새 제목"})
    assert (after.title, after.shortcut, after.text, after.category) == ("새 제목", "hello", "안녕하세요", "공통")
    assert apply_canned_edit(before, {"category": None}).category is None
    with pytest.raises(InvalidField):
        apply_canned_edit(before, {})
    with pytest.raises(InvalidField) as caught:
        apply_canned_edit(before, {"text": "{{oops}}"})
    assert caught.value.field == "text"


# --- variables ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("no variables", []),
        ("{{customer.name}}님, {{agent.displayName}}입니다", ["customer.name", "agent.displayName"]),
        ("{{chat.inquiryType}}{{today}}", ["chat.inquiryType", "today"]),
        ("{주문번호} single braces are text", []),
        ("a } and a { alone", []),
    ],
)
def test_variables_found_in_order(text, names):
    assert [use.name for use in check_variables(text)] == names


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("{{customer.phone}}", "{{customer.phone}}"),
        ("{{}}", "{{}}"),
        ("{{ customer.name }}", "did you mean {{customer.name}}"),
        ("{{Today}}", "did you mean {{today}}"),
        ("hello {{today", "'{{' at character 7"),
        ("hello today}}", "'}}' at character 12"),
        ("{{{today}}}", "stray brace"),
        ("{{today}}}", "stray brace"),
        ("{{customer.name}} {{", "'{{' at character 19"),
        ("{{a{{today}}", "'{{' at character 1"),
    ],
)
def test_bad_variables_are_refused_with_a_message_naming_them(text, named):
    with pytest.raises(InvalidField) as caught:
        check_variables(text)
    assert named in caught.value.message
    assert caught.value.field == "text"


def test_fill_puts_values_in_and_leaves_empty_spans_for_the_agent():
    filled = fill(
        "{{customer.name}}님, {{agent.displayName}}입니다. 문의: {{chat.inquiryType}}",
        {"customer.name": "홍길동", "agent.displayName": "  ", "chat.inquiryType": None},
    )
    assert filled.text == "홍길동님, 입니다. 문의: "
    assert filled.empty_spans == (EmptySpan("agent.displayName", 6, 6), EmptySpan("chat.inquiryType", 15, 15))
    assert filled.empty_spans[1].start == len(filled.text)  # the last variable ended the text
    assert not filled.complete


def test_fill_with_a_placeholder_label_returns_spans_covering_it():
    filled = fill("안녕하세요 {{customer.name}}님", {}, placeholder=lambda name: "[고객명]")
    assert filled.text == "안녕하세요 [고객명]님"
    span = filled.empty_spans[0]
    assert filled.text[span.start : span.end] == "[고객명]"


def test_fill_never_reads_a_value_for_variables():
    filled = fill("{{customer.name}} / {{today}}", {"customer.name": "{{today}}", "today": "2026년"})
    assert filled.text == "today / 2026년"  # the value's braces are dropped


def test_fill_treats_a_withdrawn_variable_as_empty():
    assert fill("a {{customer.grade}} b", {"customer.grade": "VIP"}).text == "a  b"


def test_view_offsets_are_utf16_for_the_browser():
    filled = fill("😀 {{customer.name}}!", {})
    assert filled.empty_spans[0].start == 2
    assert filled.to_view()["emptySpans"] == [{"variable": "customer.name", "start": 3, "end": 3}]


def test_filled_text_over_the_message_limit_is_flagged():
    text = "x" * 1990 + "{{customer.name}}"
    assert fill(text, {"customer.name": "가" * 20}).exceeds_message_limit
    assert not fill(text, {"customer.name": "가"}).exceeds_message_limit


def test_today_is_the_service_time_zones_date():
    # 2026-12-01 15:30 UTC is already 2 December in Seoul.
    now = int(datetime(2026, 12, 1, 15, 30, tzinfo=UTC).timestamp() * 1000)
    assert local_date(now).isoformat() == "2026-12-02"
    assert local_date(now, "UTC").isoformat() == "2026-12-01"
    ko = variable_values(customer_name="홍길동", agent_display_name="상담사", inquiry_type=None, now_ms=now)
    assert ko["today"] == "2026년 12월 2일"
    en = variable_values(customer_name=None, agent_display_name=None, inquiry_type=None, now_ms=now, lang="en")
    assert en["today"] == "December 2, 2026"


known_variable = st.sampled_from(sorted(canned.KNOWN_VARIABLES))
any_piece = st.one_of(
    st.text(max_size=8), st.sampled_from(["{", "}", "{{", "}}"]), known_variable.map("{{{{{}}}}}".format)
)
value = st.one_of(st.none(), st.lists(any_piece, max_size=3).map("".join))  # values may hold braces and {{…}}


@settings(max_examples=300)
@given(st.lists(any_piece, max_size=8), st.dictionaries(known_variable, value))
def test_fill_of_a_saved_text_holds_no_double_brace_whatever_the_values(pieces, values):
    text = "".join(pieces)
    try:
        check_variables(text)
    except InvalidField:
        text = "{{customer.name}} " + text.replace("{", "").replace("}", "")  # still a text that saves
    filled = fill(text, values)
    assert "{{" not in filled.text and "}}" not in filled.text
    for span in filled.empty_spans:
        assert span.start == span.end
        assert 0 <= span.start <= len(filled.text)


FILL_CASES = json.loads((Path(__file__).parents[1] / "frontend" / "fill-cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", FILL_CASES, ids=[c["text"][:24] for c in FILL_CASES])
def test_the_cases_the_composers_fill_passes_too(case):
    assert fill(case["text"], case["values"]).to_view() == {"text": case["filled"], "emptySpans": case["emptySpans"]}


# --- who may, limits ----------------------------------------------------------------------


def test_scope_on_create():
    assert scope_for_create(AGENT, None) is CannedScope.PERSONAL
    assert scope_for_create(ADMIN, None) is CannedScope.SHARED
    assert scope_for_create(ADMIN, "personal") is CannedScope.PERSONAL
    with pytest.raises(Forbidden):
        scope_for_create(AGENT, "shared")
    with pytest.raises(Forbidden):
        scope_for_create(CUSTOMER, None)
    with pytest.raises(InvalidField):
        scope_for_create(ADMIN, "team")


@pytest.mark.parametrize(
    ("principal", "item", "allowed"),
    [
        (ADMIN, response(), True),
        (AGENT, response(), False),
        (AGENT, response(scope=CannedScope.PERSONAL, owner_id="alice"), True),
        (OTHER_AGENT, response(scope=CannedScope.PERSONAL, owner_id="alice"), False),
        (ADMIN, response(scope=CannedScope.PERSONAL, owner_id="alice"), False),
        (CUSTOMER, response(scope=CannedScope.PERSONAL, owner_id="cust-1"), False),
    ],
)
def test_who_may_manage(principal, item, allowed):
    if allowed:
        check_can_manage(principal, item)
    else:
        with pytest.raises(Forbidden):
            check_can_manage(principal, item)


def test_who_may_use():
    personal = response(scope=CannedScope.PERSONAL, owner_id="alice")
    assert canned.may_use(AGENT, response()) and canned.may_use(AGENT, personal)
    assert not canned.may_use(OTHER_AGENT, personal)
    assert not canned.may_use(CUSTOMER, response())


@pytest.mark.parametrize(
    ("scope", "existing", "adding", "ok"),
    [
        (CannedScope.SHARED, 1999, 1, True),
        (CannedScope.SHARED, 2000, 1, False),
        (CannedScope.SHARED, 1990, 10, True),
        (CannedScope.SHARED, 1990, 11, False),
        (CannedScope.PERSONAL, 199, 1, True),
        (CannedScope.PERSONAL, 200, 1, False),
        (CannedScope.PERSONAL, 0, 201, False),
    ],
)
def test_limits(scope, existing, adding, ok):
    if ok:
        check_canned_limit(scope, existing, adding)
    else:
        with pytest.raises(LimitReached) as caught:
            check_canned_limit(scope, existing, adding)
        assert isinstance(caught.value, Conflict) and caught.value.code == "conflict"


# --- CSV ----------------------------------------------------------------------------------

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
    assert set(canned.FORMULA_TRIGGERS) == set(EXPORT_FORMULA_TRIGGERS)


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
    assert len(caught.value.errors) == canned.MAX_CSV_ERRORS and caught.value.total == 150


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
    assert canned.restore_cell(canned.neutralise_cell(value)) == value
    assert not canned.neutralise_cell(value).startswith(canned.FORMULA_TRIGGERS)


def test_a_file_excel_re_saved_imports_its_bare_text():
    # Excel drops its "text" apostrophe on save and quotes only cells that need it.
    data = b'shortcut,title,category,text\r\nformula,"=HYPERLINK(""x"")",,"=1+1\nline two"\r\nminus,- item,,@here\r\n'
    assert from_csv(data) == [
        CannedFields(title='=HYPERLINK("x")', shortcut="formula", text="=1+1\nline two"),
        CannedFields(title="- item", shortcut="minus", text="@here"),
    ]
