"""The HTML report as a person sees it: in Chromium (Debian's ``chromium`` package, driven by
playwright with ``executable_path``; no browser is ever downloaded).

Each page is served from an intercepted address (nothing listens there): every other
request the page makes is recorded and refused, so "no network request" is checked, not
assumed. Checked on the samples, a fleet (the samples folder) and hostile captures: no
console error, no request, the timeline's marks in date order along the axis, labels that
do not overlap, injected scripts inert, the fleet table sorted by a click, the copy button,
a phone's width, the dark theme and print. A screenshot of each sample report is written
for review (to ``$DIAG_SCREENSHOTS``, else the test's temporary folder).

Without chromium or playwright the tests skip and say why; under CI (``CI`` set) they fail
instead, so that CI cannot pass without running them. The binary is ``$DIAG_CHROMIUM``,
else ``chromium`` on the PATH, else /usr/bin/chromium.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLES, SYSTEM_NOW
from diag.api import Options, analyze
from diag.report import render
from test_html_report import HOSTILE, SAMPLE_FILES, _hostile_captures

URL = "http://localhost:9/report.html"  # localhost: a secure context (the clipboard API), never reached


def chromium_path() -> str | None:
    for candidate in (os.environ.get("DIAG_CHROMIUM"), shutil.which("chromium"), shutil.which("chromium-browser"),
                      "/usr/bin/chromium"):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _unavailable(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"{why}: CI must run the browser tests (the README's test command installs chromium)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install '.[test]')")
    exe = chromium_path()
    if exe is None:
        _unavailable("no chromium binary (apt-get install -y chromium, or set DIAG_CHROMIUM)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=["--no-sandbox"] if os.geteuid() == 0 else [])
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("DIAG_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Loaded:
    def __init__(self, page, errors, requests):
        self.page, self.errors, self.requests = page, errors, requests


def load(browser, html: str, width: int = 1000, scheme: str = "light") -> Loaded:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))

    def route(r):
        if r.request.url == URL:
            r.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
        else:
            requests.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(URL, wait_until="load")
    return Loaded(page, errors, requests)


def report_html(rulebook, *paths) -> str:
    return render(analyze([str(p) for p in paths], Options(system_now=SYSTEM_NOW), rules=rulebook), "html")


def check_timelines(page) -> int:
    """Every timeline: marks in date order along the axis, no two labels overlapping, no
    label outside its picture. Returns the number of marks seen."""
    data = page.evaluate("""() => Array.from(document.querySelectorAll('svg.tl')).map(svg => {
        const s = svg.getBoundingClientRect();
        return {svg: [s.left, s.right],
          marks: Array.from(svg.querySelectorAll('g.mk')).map(g => {
            const m = g.querySelector('.m').getBoundingClientRect();
            return [g.getAttribute('data-date'), (m.left + m.right) / 2];
          }),
          labels: Array.from(svg.querySelectorAll('text.lbl')).map(t => {
            const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];
          })};
    })""")
    seen = 0
    for tl in data:
        marks = sorted(tl["marks"])
        xs = [x for _, x in marks]
        assert xs == sorted(xs), marks
        seen += len(marks)
        labels = tl["labels"]
        for i, a in enumerate(labels):
            assert a[0] >= tl["svg"][0] - 0.5 and a[2] <= tl["svg"][1] + 0.5, (a, tl["svg"])
            for b in labels[i + 1:]:
                apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                assert apart, (a, b)
    return seen


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: p.name)
def test_sample_report_in_chromium(browser, rulebook, shots, sample):
    html = report_html(rulebook, sample)
    run = load(browser, html)
    try:
        assert run.errors == [] and run.requests == []
        report = analyze([str(sample)], Options(system_now=SYSTEM_NOW), rules=rulebook)
        events = sum(len(d.events) for d in report.devices)
        assert check_timelines(run.page) >= events
        run.page.screenshot(path=str(shots / f"{sample.name}.png"), full_page=True)
    finally:
        run.page.context.close()


def test_fleet_table_sorts_and_links(browser, rulebook, shots):
    run = load(browser, report_html(rulebook, SAMPLES))
    page = run.page
    try:
        assert run.errors == [] and run.requests == []
        rows = "() => Array.from(document.querySelectorAll('table.fleet-table tbody tr'))"
        names = page.evaluate(rows + ".map(r => r.cells[0].textContent)")
        assert len(names) >= 10
        days_col = page.locator("table.fleet-table thead th").nth(7)
        days_col.locator("button").click()
        assert days_col.get_attribute("aria-sort") == "ascending"
        days = page.evaluate(rows + ".map(r => r.cells[7].getAttribute('data-k'))")
        values = [float(d) for d in days]
        assert values == sorted(values)
        days_col.locator("button").click()
        assert days_col.get_attribute("aria-sort") == "descending"
        values = [float(d) for d in page.evaluate(rows + ".map(r => r.cells[7].getAttribute('data-k'))")]
        assert values == sorted(values, reverse=True)
        device_col = page.locator("table.fleet-table thead th").nth(0)
        device_col.locator("button").click()
        sorted_names = page.evaluate(rows + ".map(r => r.cells[0].textContent)")
        assert sorted_names == sorted(names, key=str.lower)
        # a row's link opens its device's section
        first = page.locator("table.fleet-table tbody tr a").first
        target = first.get_attribute("href")[1:]
        assert page.evaluate(f"document.getElementById('{target}').open") is False
        first.click()
        page.wait_for_function(f"document.getElementById('{target}').open === true")
        assert check_timelines(page) > 0
        assert page.locator("svg.fc g").count() > 0
        page.screenshot(path=str(shots / "fleet.png"))
    finally:
        page.context.close()


def test_hostile_captures_stay_inert(browser, rulebook, tmp_path):
    folder = _hostile_captures(tmp_path)
    run = load(browser, report_html(rulebook, folder))
    page = run.page
    try:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.wait_for_timeout(200)
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert run.errors == [] and run.requests == []
        body = page.evaluate("() => document.body.textContent")
        assert HOSTILE in body and "<img src=x onerror=window.__pwned=3>.txt" in body
        assert page.evaluate("() => document.querySelectorAll('img').length") == 0
        assert page.evaluate("() => document.scripts.length") == 1
    finally:
        page.context.close()


def test_copy_button_copies_the_fix(browser, rulebook):
    run = load(browser, report_html(rulebook, SAMPLES / "known-issue-2-plain-http.txt"))
    page = run.page
    try:
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin="http://localhost:9")
        block = page.locator(".finding .block").first
        button = block.locator("button.copy")
        assert button.text_content() == "Copy"
        button.click()
        page.wait_for_function("() => document.querySelector('.finding .block button.copy').textContent !== 'Copy'")
        assert button.text_content() == "Copied"
        assert page.evaluate("() => navigator.clipboard.readText()") == block.locator("pre").text_content()
        assert run.errors == []
    finally:
        page.context.close()


def test_without_script_the_text_is_there(browser, rulebook):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        html = report_html(rulebook, SAMPLES)
        page.route("**/*", lambda r: r.fulfill(body=html, content_type="text/html") if r.request.url == URL
                   else r.abort())
        page.goto(URL)
        assert page.locator("button.copy").count() == 0  # no button that would do nothing
        assert page.locator("table.fleet-table tbody tr").count() >= 10
        assert "configure terminal" in page.locator("pre.cp").first.text_content() or page.locator("pre.cp").count()
    finally:
        context.close()


def test_phone_dark_and_print(browser, rulebook, shots):
    html = report_html(rulebook, SAMPLES / "known-issue-1-source-interface.txt")
    run = load(browser, html, width=390, scheme="dark")
    page = run.page
    try:
        # nothing wider than the phone but the timeline's own scrolling box
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(13, 17, 23)"
        page.screenshot(path=str(shots / "phone-dark.png"))
        page.emulate_media(media="print")
        assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
        assert page.evaluate("() => getComputedStyle(document.querySelector('button.copy')).display") == "none"
        assert run.errors == []
    finally:
        page.context.close()


def test_timeline_years_apart_and_same_day_in_chromium(browser):
    from diag.report import html as h
    from diag.report.htmlassets import CSP, STYLE
    from test_html_report import spread_device

    dev = spread_device()
    page_html = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{CSP}">'
                 f"<style>{STYLE}</style></head><body>{h.timeline_svg(dev, 0)}</body></html>")
    run = load(browser, page_html)
    try:
        assert check_timelines(run.page) == len(dev.events)
        assert run.errors == [] and run.requests == []
        # each mark is an image named by its <title>: what a screen reader says
        deadline = run.page.get_by_role("img", name=re.compile(r"^Registration expires: 2034-03-05"))
        assert deadline.count() == 1
    finally:
        run.page.context.close()
