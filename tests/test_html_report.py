"""The HTML report (``-f html``) without a browser: one self-contained page whose CSP
allows exactly its one inline style and one inline script by hash, which links nowhere
but inside itself, and which keeps every value from a capture as text. The timeline's
scale and label placement are checked as functions; tests/test_html_browser.py looks at
the pages in Chromium."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, SAMPLES, SYSTEM_NOW
from diag.api import Options, analyze
from diag.cli import cli
from diag.report import html as h
from diag.report import render
from diag.report.htmlassets import CSP, SCRIPT, STYLE

SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


class Page(HTMLParser):
    """Every start tag with its attributes, the text of each <style> and <script>, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.blocks: dict[str, list[str]] = {"style": [], "script": []}
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.blocks:
            self._in = tag
            self.blocks[tag].append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.blocks[self._in][-1] += data
        else:
            self.text.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    return p


def report_for(rulebook, *paths, **kw):
    return analyze([str(p) for p in paths], Options(system_now=SYSTEM_NOW, **kw), rules=rulebook)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def sample_pages(rulebook) -> dict[str, str]:
    pages = {p.name: render(report_for(rulebook, p), "html") for p in SAMPLE_FILES}
    pages["fleet"] = render(report_for(rulebook, SAMPLES), "html")
    return pages


# -- the page holds together -----------------------------------------------------------------

def test_csp_allows_exactly_the_inline_style_and_script_by_hash(sample_pages):
    for name, page in sample_pages.items():
        p = parse(page)
        metas = [a for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
        assert len(metas) == 1, name
        csp = metas[0]["content"]
        assert csp == CSP
        directives = dict((d.split()[0], d.split()[1:]) for d in csp.split(";") if d.strip())
        assert directives["default-src"] == ["'none'"]
        assert directives["style-src"] == [_hash(STYLE)] and directives["script-src"] == [_hash(SCRIPT)]
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        # the blocks in the page are the ones hashed, byte for byte
        assert p.blocks["style"] == [STYLE] and p.blocks["script"] == [SCRIPT], name


def test_no_style_attribute_or_inline_handler(sample_pages):
    """Both would need 'unsafe-hashes' (the CSP would block them): the page uses neither."""
    for name, page in sample_pages.items():
        for tag, attrs in parse(page).tags:
            assert "style" not in attrs, (name, tag)
            assert not any(k.startswith("on") for k in attrs), (name, tag, attrs)


def test_nothing_links_outside_the_page(sample_pages):
    """No src anywhere; every href an in-page anchor that exists; the Cisco references are text."""
    for name, page in sample_pages.items():
        p = parse(page)
        ids = {a["id"] for _, a in p.tags if "id" in a}
        for tag, attrs in p.tags:
            assert "src" not in attrs and "srcset" not in attrs and "xlink:href" not in attrs, (name, tag)
            if "href" in attrs:
                assert attrs["href"].startswith("#") and attrs["href"][1:] in ids, (name, attrs)
            assert tag not in ("link", "iframe", "object", "embed", "img", "base", "form"), (name, tag)
        assert not re.search(r"url\(|@import", STYLE)


def test_every_sample_shows_its_findings_and_device(sample_pages, rulebook):
    for path in SAMPLE_FILES:
        page = sample_pages[path.name]
        report = report_for(rulebook, path)
        text = "".join(parse(page).text)
        for dev in report.devices:
            assert dev.name in text
        for f in report.findings:
            assert f.rule_id in text and f.title in text
            for ev in f.evidence:
                assert ev.text in text
        for c in report.outcome.collect_next:
            assert c.command in text


def test_fleet_view_only_with_several_devices(sample_pages):
    assert 'class="fleet-table sortable"' in sample_pages["fleet"]
    assert 'class="fleet-table' not in sample_pages["healthy-registered-9.3.txt"]
    assert 'class="fleet-table' in sample_pages["two-switches-session.log"]
    # a fleet's sections start closed; a single device's open
    assert '<details class="device" id="dev-0" open>' in sample_pages["healthy-registered-9.3.txt"]
    assert '<details class="device" id="dev-0">' in sample_pages["fleet"]


def test_a_large_fleet_gets_summary_sections(rulebook, monkeypatch):
    monkeypatch.setattr(h, "FULL_DEVICES", 3)
    page = render(report_for(rulebook, SAMPLES), "html")
    assert "Evidence, fix and verify of each finding: <code>diag check -f html" in page
    assert '<div class="finding' not in page
    assert 'class="tl"' in page  # the timelines stay


def test_cli_writes_html(tmp_path):
    res = CliRunner().invoke(cli, ["check", "-f", "html", "--no-config", str(SAMPLES / "known-issue-2-plain-http.txt")])
    assert res.exit_code == 1, res.output
    assert res.output.startswith("<!DOCTYPE html>") and res.output.rstrip().endswith("</html>")


# -- escaping ---------------------------------------------------------------------------------

@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'=/ ;:()\\`\n\t\x00\x07abcscriptonerror")) | st.characters(),
               max_size=60))
def test_escaped_text_is_text_in_content_and_in_attributes(value):
    """Whatever the string, in an element or a double-quoted attribute it parses back as the same
    text (control characters shown as U+FFFD) and opens no tag."""
    shown = value.translate(h._CTRL)
    page = f'<p title="{h.esc(value)}">{h.esc(value)}</p>'
    p = parse(page)
    assert [t for t, _ in p.tags] == ["p"]
    assert p.tags[0][1]["title"] == shown
    assert "".join(p.text) == shown.replace("\r\n", "\n").replace("\r", "\n") or "\r" in shown


def _hostile_captures(folder: Path) -> Path:
    text = (SAMPLES / "known-issue-1-source-interface.txt").read_text(encoding="utf-8")
    (folder / "reason.txt").write_text(text.replace("Fail to send out Call Home HTTP message.", f'Fail "x" {HOSTILE}'),
                                       encoding="utf-8")
    status = "\n".join(text.splitlines()[10:35]) + "\n"
    # a device named by its file: the name holds markup and a handler
    (folder / "<img src=x onerror=window.__pwned=3>.txt").write_text(status, encoding="utf-8")
    return folder


@pytest.fixture
def hostile(tmp_path) -> Path:
    return _hostile_captures(tmp_path)


def test_hostile_names_and_reasons_stay_text(rulebook, hostile):
    report = report_for(rulebook, hostile)
    assert any(d.name.endswith("<img src=x onerror=window.__pwned=3>.txt") for d in report.devices)
    page = render(report, "html")
    p = parse(page)
    assert [t for t, _ in p.tags].count("script") == 1 and "img" not in [t for t, _ in p.tags]
    assert all(not k.startswith("on") for _, a in p.tags for k in a)
    text = "".join(p.text)
    assert HOSTILE in text and "<img src=x onerror=window.__pwned=3>.txt" in text
    # and inside the SVG titles and aria-labels too
    titles = [a.get("aria-label", "") for _, a in p.tags]
    assert any("__pwned=3" in t for t in titles)


# -- the timeline ------------------------------------------------------------------------------

def test_scale_is_monotone_and_symmetric():
    points = [-4000, -365, -30, -1, -0.01, 0, 0.01, 1, 30, 365, 4000]
    xs = [h.scale(d) for d in points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert h.scale(-30) == -h.scale(30)
    # years apart stay on a page: 10 years is less than 4 times as far as a day
    assert h.scale(3652) < 4 * h.scale(1)


def _check_layout(xs, widths, rows, pad=h.LABEL_PAD, gap=h.LABEL_GAP):
    boxes = [(x + pad, x + pad + w, r) for x, w, r in zip(xs, widths, rows)]
    for i, (a0, a1, ra) in enumerate(boxes):
        for j, (b0, b1, rb) in enumerate(boxes):
            if i == j:
                continue
            if ra == rb:
                assert a1 + gap / 2 <= b0 or b1 + gap / 2 <= a0 or a1 <= b0 or b1 <= a0, (i, j, boxes)
            if rb > ra:  # j's leader runs from the axis down past row ra at xs[j]
                assert not (a0 <= xs[j] <= a1), (i, j, boxes)


def test_labels_of_one_day_are_stacked():
    xs = [100, 100, 100, 101, 400]
    widths = [150, 180, 120, 160, 100]
    rows = h.place_labels(xs, widths)
    _check_layout(xs, widths, rows)
    assert len(set(rows[:4])) == 4  # four labels at one place: four rows
    assert rows[4] == 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 800), st.integers(20, 200)), min_size=1, max_size=25))
def test_label_placement_never_overlaps_or_crosses(items):
    xs = [float(x) for x, _ in items]
    widths = [float(w) for _, w in items]
    rows = h.place_labels(xs, widths)
    assert all(r >= 0 for r in rows) and max(rows) < len(items)
    _check_layout(xs, widths, rows)


def test_timeline_marks_every_event_in_date_order(rulebook):
    for path in SAMPLE_FILES:
        report = report_for(rulebook, path)
        page = render(report, "html")
        p = parse(page)
        marks = [(a["data-date"], float(re.search(r"translate\(([-\d.]+)\)", a["transform"]).group(1)))
                 for t, a in p.tags if t == "g" and "data-date" in a]
        events = sum(len(d.events) for d in report.devices)
        assert len(marks) >= events
        for dev in report.devices:
            for e in dev.events:
                assert e.date.strftime("%Y-%m-%dT%H:%M:%SZ") in {d for d, _ in marks}


def test_relative_wording():
    assert h.relative(0) == "now"
    assert h.relative(21.4) == "in 21 d" and h.relative(-3.2) == "3 d ago"
    assert h.relative(2 / 24) == "in 2 h" and h.relative(-40 / 1440) == "40 min ago"


def test_output_option_writes_the_report_to_a_file(tmp_path):
    out = tmp_path / "case.html"
    capture = str(SAMPLES / "known-issue-2-plain-http.txt")
    res = CliRunner().invoke(cli, ["check", "-f", "html", "--no-config", "-o", str(out), capture])
    assert res.exit_code == 1 and res.stdout == ""
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "callhome-url-plain-http" in page
    # never over a capture being checked
    copy = tmp_path / "capture.txt"
    copy.write_text(Path(capture).read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", "--no-config", "-o", str(copy), str(copy)])
    assert res.exit_code == 2 and "one of the captures being checked" in res.output
    assert copy.read_text(encoding="utf-8") == Path(capture).read_text(encoding="utf-8")


def spread_device():
    """A device whose dates are minutes, days and years apart, several of them on one day."""
    import datetime as dt

    from diag.model import DeviceSummary
    from diag.timeline import Event

    now = dt.datetime(2024, 3, 7, 11, 43, tzinfo=dt.timezone.utc)
    at = [("registration", -5 * 365.0), ("authorization", -400.0), ("last_renewal_attempt", -0.02),
          ("last_communication_attempt", -0.02), ("next_renewal_attempt", 0.03), ("next_communication_attempt", 0.03),
          ("communication_deadline", 0.5), ("evaluation_end", 0.5), ("registration_expires", 10 * 365.0),
          ("next_ack_deadline", 29.0), ("last_ack_received", -29.0)]
    events = tuple(sorted((Event(kind, now + dt.timedelta(days=d), "sw<1>", "cap.txt", n + 1, "line",
                                 failed=kind == "last_renewal_attempt", reason="<b>bad</b>" if n == 2 else None)
                           for n, (kind, d) in enumerate(at)), key=Event.sort_key))
    return DeviceSummary(key="k", name="sw<1>", inputs=["cap.txt"], mode="classic", now=now, now_source="option",
                         events=events)


def test_timeline_of_dates_years_and_minutes_apart():
    dev = spread_device()
    svg = h.timeline_svg(dev, 0)
    p = parse(svg)
    xs = [float(re.search(r"translate\(([-\d.]+)\)", a["transform"]).group(1))
          for t, a in p.tags if t == "g" and "data-date" in a]
    dates = [a["data-date"] for t, a in p.tags if t == "g" and "data-date" in a]
    assert len(xs) == len(dev.events) and dates == sorted(dates) and xs == sorted(xs)
    assert 0 < min(xs) and max(xs) < h.WIDTH - 150  # room for the last label
    assert "&lt;b&gt;bad&lt;/b&gt;" in svg and "sw&lt;1&gt;" in svg
