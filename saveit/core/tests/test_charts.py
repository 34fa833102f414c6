"""Server-side SVG charts: well-formed, accessible, escaped, proportional, and readable by typst."""

from __future__ import annotations

import io
import itertools
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
import typst
from hypothesis import given, settings
from hypothesis import strategies as st

from saveit.core.charts import (
    PALETTE,
    PDF_FONT_FAMILY,
    Bar,
    Point,
    Series,
    StackedRow,
    french_number,
    french_percent,
    hbar_chart,
    histogram,
    line_chart,
    stacked_bar_chart,
)
from saveit.core.charts.svg import INK, INK_2, INK_3, WHITE, contrast, fit, text_width

NS = "{http://www.w3.org/2000/svg}"
NBSP = "\u00a0"
NNBSP = "\u202f"
EVIL = "<script>alert('x')</script> & Fils"
SVG_11_ELEMENTS = {"svg", "title", "desc", "g", "rect", "line", "polyline", "circle", "text"}

STATUSES = [
    Series("Réussi", PALETTE[1]),
    Series("En cours", PALETTE[2]),
    Series("Échoué", PALETTE[3]),
    Series("Non commencé", PALETTE[5]),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (the charts' own output)


def local(element: ET.Element) -> str:
    return element.tag.removeprefix(NS)


def texts(root: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{NS}text")]


def rects(root: ET.Element, fill: str) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{NS}rect") if rect.get("fill") == fill]


def segments(root: ET.Element, fill: str) -> list[float]:
    """Widths of the stacked segments of one colour (legend swatches have no tooltip)."""
    return [
        float(rect.get("width", "0"))
        for rect in rects(root, fill)
        if rect.find(f"{NS}title") is not None
    ]


def widths(root: ET.Element, fill: str) -> list[float]:
    return [float(rect.get("width", "0")) for rect in rects(root, fill)]


def pass_rates(**options: object) -> str:
    rows = [
        Bar("Hygiène des mains", 90, french_percent(90)),
        Bar("Circuit du médicament", 45, french_percent(45)),
        Bar("Identitovigilance", 72.5, french_percent(72.5)),
    ]
    return hbar_chart(
        title="Taux de réussite", description="Par module", rows=rows, max_value=100, **options
    )  # type: ignore[arg-type]


def statuses(**options: object) -> str:
    rows = [StackedRow("HYG-01", [30, 10, 5, 5]), StackedRow("MED-02", [12, 0, 1, 27])]
    return stacked_bar_chart(
        title="Statuts", description="Par module", series=STATUSES, rows=rows, **options
    )  # type: ignore[arg-type]


def weeks(count: int = 6, **options: object) -> str:
    points = [Point(f"S{week}", week * 10.5) for week in range(1, count + 1)]
    return line_chart(title="Achèvement", description="Par semaine", points=points, **options)  # type: ignore[arg-type]


def scores(**options: object) -> str:
    bins = [Bar(f"{low}–{low + 9}", count) for count, low in enumerate(range(0, 100, 10))]
    return histogram(title="Scores", description="Par tranche", bins=bins, **options)  # type: ignore[arg-type]


ALL_CHARTS: list[Callable[..., str]] = [pass_rates, statuses, weeks, scores]
EMPTY_CHARTS: list[Callable[[str], str]] = [
    lambda text: hbar_chart(title="T", description="D", rows=[], empty_text=text),
    lambda text: stacked_bar_chart(
        title="T", description="D", series=STATUSES, rows=[], empty_text=text
    ),
    lambda text: stacked_bar_chart(
        title="T", description="D", series=[], rows=[StackedRow("A", [])], empty_text=text
    ),
    lambda text: line_chart(title="T", description="D", points=[], empty_text=text),
    lambda text: histogram(title="T", description="D", bins=[], empty_text=text),
]


# --- Accessible, portable, deterministic --------------------------------------------------------


@pytest.mark.parametrize("chart", ALL_CHARTS)
def test_every_chart_is_an_accessible_image_named_by_its_title_and_description(chart):
    root = parse(chart())
    assert local(root) == "svg"
    assert root.get("role") == "img"
    first, second = list(root)[:2]
    assert (local(first), local(second)) == ("title", "desc")
    assert root.get("aria-labelledby") == f"{first.get('id')} {second.get('id')}"
    assert first.text and second.text
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    assert root.get("viewBox") == f"0 0 {width:g} {height:g}"


@pytest.mark.parametrize("chart", ALL_CHARTS)
def test_every_chart_uses_plain_svg_presentation_attributes_only(chart):
    svg = chart()
    root = parse(svg)
    assert {local(element) for element in root.iter()} <= SVG_11_ELEMENTS
    for forbidden in ("<style", "class=", "style=", "href", "foreignObject", "<?xml", "url("):
        assert forbidden not in svg
    assert "Segoe UI" in (root.get("font-family") or "")


@pytest.mark.parametrize("chart", ALL_CHARTS)
def test_the_same_input_gives_the_same_bytes(chart):
    assert chart() == chart()


def test_ids_differ_between_charts_and_follow_a_given_prefix():
    ids = {parse(chart()).get("aria-labelledby") for chart in ALL_CHARTS}
    assert len(ids) == len(ALL_CHARTS)
    root = parse(pass_rates(id_prefix="pass rate 1"))
    assert root.get("aria-labelledby") == "pass-rate-1-title pass-rate-1-desc"
    assert root.find(f"{NS}title").get("id") == "pass-rate-1-title"  # type: ignore[union-attr]


@pytest.mark.parametrize("chart", ALL_CHARTS)
def test_the_pdf_font_can_replace_the_html_font_stack(chart):
    assert parse(chart(font_family=PDF_FONT_FAMILY)).get("font-family") == "Libertinus Serif"


def test_text_colours_keep_a_contrast_of_at_least_4_5_to_1():
    for colour in (INK, INK_2, INK_3):
        assert contrast(colour, WHITE) >= 4.5
    for colour in PALETTE:
        assert contrast(WHITE, colour) >= 4.5
    assert len(set(PALETTE)) == 6


def test_text_on_a_segment_is_white_or_ink_whichever_reads_better():
    root = parse(
        stacked_bar_chart(
            title="T",
            description="D",
            series=[Series("Clair", "#f0f0f0"), Series("Foncé", PALETTE[0])],
            rows=[StackedRow("A", [50, 50])],
        )
    )
    value = f"50 ({french_percent(50)})"
    fills = [text.get("fill") for text in root.iter(f"{NS}text") if text.text == value]
    assert fills == [INK, WHITE]


# --- Escaping and empty data --------------------------------------------------------------------


def test_labels_titles_and_series_names_are_escaped():
    charts = [
        hbar_chart(title=EVIL, description=EVIL, rows=[Bar(EVIL, 3)]),
        stacked_bar_chart(
            title=EVIL,
            description=EVIL,
            series=[Series(EVIL, PALETTE[0])],
            rows=[StackedRow(EVIL, [2])],
        ),
        line_chart(title=EVIL, description=EVIL, points=[Point(EVIL, 1)]),
        histogram(title=EVIL, description=EVIL, bins=[Bar(EVIL, 1)]),
    ]
    for svg in charts:
        assert "<script" not in svg
        root = parse(svg)
        assert root.find(f"{NS}title").text == EVIL  # type: ignore[union-attr]
        assert root.find(f"{NS}desc").text == EVIL  # type: ignore[union-attr]
        every_text = [*texts(root), *("".join(t.itertext()) for t in root.iter(f"{NS}title"))]
        assert sum(EVIL in text for text in every_text) >= 2


def test_control_characters_that_xml_cannot_carry_are_dropped():
    root = parse(hbar_chart(title="a\x00b", description="c\x1bd", rows=[Bar("e\x07f", 1)]))
    assert root.find(f"{NS}title").text == "ab"  # type: ignore[union-attr]
    assert "ef" in texts(root)


@pytest.mark.parametrize("chart", EMPTY_CHARTS)
def test_a_chart_without_data_is_a_frame_with_the_callers_message(chart):
    root = parse(chart("No data for this period"))
    assert texts(root) == ["No data for this period"]
    assert root.get("role") == "img"
    assert texts(parse(chart(""))) == []


def test_zero_and_non_finite_values_draw_without_error():
    root = parse(hbar_chart(title="T", description="D", rows=[Bar("A", 0), Bar("B", float("nan"))]))
    assert widths(root, PALETTE[0]) == [0, 0]
    stacked = parse(
        stacked_bar_chart(
            title="T", description="D", series=STATUSES, rows=[StackedRow("A", [0, 0, 0, 0])]
        )
    )
    assert texts(stacked)[-1] == "A"
    flat = parse(line_chart(title="T", description="D", points=[Point("S1", 0), Point("S2", 0)]))
    assert len(list(flat.iter(f"{NS}circle"))) == 2


numbers = st.floats(allow_nan=True, allow_infinity=True, width=32)
labels = st.text(max_size=60)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(labels, numbers), max_size=12),
    st.lists(st.lists(st.floats(min_value=0, max_value=1e6), min_size=3, max_size=3), max_size=4),
)
def test_any_labels_and_numbers_give_a_well_formed_chart(pairs, stacks):
    bars = [Bar(text, value) for text, value in pairs]
    points = [Point(text, value) for text, value in pairs]
    rows = [StackedRow(f"R{index}", values) for index, values in enumerate(stacks)]
    for svg in (
        hbar_chart(title="T", description="D", rows=bars),
        histogram(title="T", description="D", bins=bars),
        line_chart(title="T", description="D", points=points),
        stacked_bar_chart(title="T", description="D", series=STATUSES[:3], rows=rows),
    ):
        assert local(parse(svg)) == "svg"


# --- Horizontal bars ----------------------------------------------------------------------------


def test_hbar_prints_every_value_and_its_bars_are_proportional_to_the_values():
    root = parse(pass_rates())
    shown = texts(root)
    for value in ("90\u00a0%", "45\u00a0%", "72,5\u00a0%"):
        assert value in shown
    bars = widths(root, PALETTE[0])
    track = widths(root, "#f5f6f8")[0]
    assert bars == pytest.approx([0.9 * track, 0.45 * track, 0.725 * track], abs=0.1)


def test_hbar_scales_to_the_largest_value_without_max_value_and_formats_it_french_style():
    root = parse(
        hbar_chart(title="T", description="D", rows=[Bar("Lyon", 1234.5), Bar("Brest", 617.25)])
    )
    assert f"1{NNBSP}234,5" in texts(root)
    longest, half = widths(root, PALETTE[0])
    assert longest == pytest.approx(widths(root, "#f5f6f8")[0])
    assert half == pytest.approx(longest / 2, abs=0.1)


def test_hbar_uses_the_value_format_when_a_bar_has_no_text():
    rows = [Bar("A", 0.25), Bar("B", 0.5, text="moitié")]
    root = parse(
        hbar_chart(
            title="T", description="D", rows=rows, value_format=lambda v: french_percent(v * 100)
        )
    )
    assert {"25\u00a0%", "moitié"} <= set(texts(root))


def test_hbar_cuts_long_labels_and_keeps_the_full_label_in_the_row_title():
    long_label = (
        "Circuit du médicament en unité de soins : prescription, dispensation, administration"
    )
    root = parse(hbar_chart(title="T", description="D", rows=[Bar(long_label, 3)]))
    row = root.find(f"{NS}g")
    assert row is not None
    assert row.find(f"{NS}title").text == long_label  # type: ignore[union-attr]
    shown = [text for text in texts(root) if text.startswith("Circuit")]
    assert len(shown) == 1 and shown[0].endswith("…") and len(shown[0]) < len(long_label)


def test_hbar_grows_with_its_rows():
    def height(count: int) -> float:
        rows = [Bar(f"Site {index}", index) for index in range(count)]
        return float(parse(hbar_chart(title="T", description="D", rows=rows)).get("height", "0"))

    assert height(1) < height(5) < height(200)
    assert height(200) - height(100) == pytest.approx(100 * (height(2) - height(1)))


def test_hbar_with_many_rows_stays_well_formed_and_prints_every_value():
    rows = [Bar(f"Apprenant {index:03d}", index) for index in range(300)]
    root = parse(hbar_chart(title="T", description="D", rows=rows))
    assert len(widths(root, PALETTE[0])) == 300
    assert {str(index) for index in range(300)} <= set(texts(root))


# --- Stacked bars -------------------------------------------------------------------------------


def test_stacked_segments_fill_the_bar_in_proportion_to_the_values():
    root = parse(statuses())
    track = float(rects(root, "#f5f6f8")[0].get("width", "0"))
    first_row = [segments(root, one.colour)[0] for one in STATUSES]
    assert first_row == pytest.approx([track * share for share in (0.6, 0.2, 0.1, 0.1)], abs=0.1)
    # The second row has no "in progress": three segments, summing to the whole bar.
    second_row = [segments(root, one.colour)[-1] for one in (STATUSES[0], STATUSES[2], STATUSES[3])]
    assert sum(second_row) == pytest.approx(track, abs=0.2)
    assert second_row == pytest.approx([track * share for share in (0.3, 0.025, 0.675)], abs=0.1)
    assert len(segments(root, STATUSES[1].colour)) == 1


def test_stacked_bars_print_every_non_zero_value_with_its_share_and_a_legend():
    shown = " ".join(texts(parse(statuses())))
    for count, share in ((30, "60"), (10, "20"), (5, "10"), (12, "30"), (1, "2,5"), (27, "67,5")):
        assert f"{count} ({share}{NBSP}%)" in shown
    for one in STATUSES:
        assert one.name in texts(parse(statuses()))


def test_a_segment_too_narrow_for_its_value_lists_it_under_the_bar():
    root = parse(
        stacked_bar_chart(
            title="T", description="D", series=STATUSES, rows=[StackedRow("A", [97, 0, 1, 2])]
        )
    )
    caption = [text for text in texts(root) if "Échoué" in text and "·" in text]
    assert caption == [f"Échoué 1 (1{NBSP}%) · Non commencé 2 (2{NBSP}%)"]


def test_a_stacked_row_with_the_wrong_number_of_values_is_refused():
    with pytest.raises(ValueError, match="2 values for 4 series"):
        stacked_bar_chart(
            title="T", description="D", series=STATUSES, rows=[StackedRow("A", [1, 2])]
        )


def test_the_legend_wraps_instead_of_running_off_the_chart():
    series = [Series(f"Version 1.{index} du module", PALETTE[index % 6]) for index in range(8)]
    root = parse(
        stacked_bar_chart(
            title="T", description="D", series=series, rows=[StackedRow("A", [1] * 8)], width=400
        )
    )
    for text in root.iter(f"{NS}text"):
        start = float(text.get("x", "0"))
        if text.get("text-anchor") is None:
            assert start + text_width("".join(text.itertext())) <= 400


# --- Line chart ---------------------------------------------------------------------------------


def test_line_chart_marks_each_point_and_prints_its_values():
    root = parse(weeks(6, y_max=100, y_format=french_percent))
    markers = list(root.iter(f"{NS}circle"))
    assert len(markers) == 6
    shown = texts(root)
    for week in range(1, 7):
        assert f"S{week}" in shown
        assert french_percent(week * 10.5) in shown
    assert {"0\u00a0%", "50\u00a0%", "100\u00a0%"} <= set(shown)
    ys = [float(marker.get("cy", "0")) for marker in markers]
    assert ys == sorted(ys, reverse=True)  # rising values climb up the chart
    xs = [float(marker.get("cx", "0")) for marker in markers]
    steps = [b - a for a, b in itertools.pairwise(xs)]
    assert max(steps) - min(steps) <= 0.2  # equally spaced weeks


def test_line_chart_heights_follow_the_values():
    points = [Point("S1", 0), Point("S2", 25), Point("S3", 50), Point("S4", 100)]
    root = parse(line_chart(title="T", description="D", points=points, y_max=100))
    ys = [float(marker.get("cy", "0")) for marker in root.iter(f"{NS}circle")]
    base, full = ys[0], ys[-1]
    assert (base - ys[1]) == pytest.approx((base - full) / 4, abs=0.1)
    assert (base - ys[2]) == pytest.approx((base - full) / 2, abs=0.1)


def test_line_chart_with_many_points_thins_its_labels_and_keeps_the_last():
    points = [Point(f"2026-S{week:02d}", week * 3) for week in range(1, 105)]
    root = parse(line_chart(title="T", description="D", points=points))
    shown = texts(root)
    x_labels = [text for text in shown if text.startswith("2026-S")]
    assert 3 < len(x_labels) < 20
    assert "2026-S104" in x_labels
    assert "312" in shown  # the last value
    assert len(list(root.iter(f"{NS}circle"))) == 104
    assert not _overlapping(root, "2026-S")


def test_a_single_point_is_drawn_in_the_middle():
    root = parse(line_chart(title="T", description="D", points=[Point("S1", 4)]))
    marker = next(root.iter(f"{NS}circle"))
    assert 200 < float(marker.get("cx", "0")) < 440
    assert "4" in texts(root)


def _overlapping(root: ET.Element, prefix: str) -> bool:
    spans = sorted(
        (float(text.get("x", "0")) - w / 2, float(text.get("x", "0")) + w / 2)
        for text in root.iter(f"{NS}text")
        if (content := "".join(text.itertext())).startswith(prefix)
        for w in [text_width(content, 12)]
    )
    return any(right > left for (_, right), (left, _) in itertools.pairwise(spans))


# --- Histogram ----------------------------------------------------------------------------------


def test_histogram_bars_are_as_tall_as_their_counts_and_print_them():
    root = parse(scores())
    heights = [float(rect.get("height", "0")) for rect in rects(root, PALETTE[0])]
    assert len(heights) == 10
    unit = heights[1]
    assert heights == pytest.approx([count * unit for count in range(10)], abs=0.2)
    shown = texts(root)
    assert {str(count) for count in range(10)} <= set(shown)
    assert {"0–9", "90–99"} <= set(shown)


def test_histogram_gridlines_are_whole_numbers_for_counts():
    root = parse(histogram(title="T", description="D", bins=[Bar("0–9", 1), Bar("10–19", 3)]))
    ticks = [text for text in texts(root) if re.fullmatch(r"[\d,]+", text)]
    assert all("," not in tick for tick in ticks)


# --- French numbers and text fitting ------------------------------------------------------------


def test_numbers_and_percentages_are_printed_the_french_way():
    assert french_number(1234567.25) == f"1{NNBSP}234{NNBSP}567,3"
    assert french_number(42) == "42"
    assert french_number(3.14159, 2) == "3,14"
    assert french_percent(72.5) == f"72,5{NBSP}%"
    assert french_percent(100.0) == f"100{NBSP}%"
    assert french_percent(33.333) == f"33,3{NBSP}%"
    assert french_percent(float("inf")) == f"0{NBSP}%"
    assert french_number(1e30) == NNBSP.join(["1"] + ["000"] * 10)


def test_fit_cuts_with_an_ellipsis_only_when_needed():
    assert fit("court", 200) == "court"
    cut = fit("un libellé beaucoup trop long pour la colonne", 80)
    assert cut.endswith("…") and text_width(cut) <= 80


# --- Typst round trip ---------------------------------------------------------------------------

TYPST_DOCUMENT = """
#set page(width: 18cm, height: auto, margin: 1cm)
#set text(font: "Libertinus Serif", size: 10pt)
#for svg in json(bytes(sys.inputs.charts)) {
  image(bytes(svg), format: "svg", width: 100%)
}
"""


def test_typst_embeds_every_chart_with_its_text_searchable_in_the_pdf(tmp_path: Path):
    charts = [chart(font_family=PDF_FONT_FAMILY) for chart in ALL_CHARTS]
    source = tmp_path / "charts.typ"
    source.write_text(TYPST_DOCUMENT, encoding="utf-8")
    pdf = typst.compile(
        str(source),
        root=str(tmp_path),
        ignore_system_fonts=True,
        sys_inputs={"charts": json.dumps(charts, ensure_ascii=False)},
        format="pdf",
    )
    assert isinstance(pdf, bytes)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    expected = [
        "Hygiène des mains",
        "Identitovigilance",
        f"72,5{NBSP}%",
        "Non commencé",
        f"30 (60{NBSP}%)",
        "S6",
        "63",
        "90–99",
    ]
    for label in expected:
        assert label in text, label
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("LibertinusSerif" in font for font in fonts)
