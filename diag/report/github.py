"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

    ::error file=captures/leaf01.txt,line=7,endLine=7,title=callhome-url-plain-http::leaf01: ...

``error`` findings become ``::error``, ``warning`` ``::warning`` and ``info``
``::notice``. The message (device, title, message, fix) may span lines: data is
escaped as the Actions toolkit does (``%`` ``\\r`` ``\\n``), property values
also escape ``:`` and ``,``. Input from standard input has no file, so its
annotations carry no ``file``/``line``. The output ends with one summary line
that is not a command (the runner prints it as is).
"""

from __future__ import annotations

from diag.model import Report, shown_path
from diag.report import lines, plural, tally
from diag.report.sarif import relative_path

COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation_file(path: str, cwd: str | None = None) -> str | None:
    """The path GitHub resolves against the workspace: relative with forward slashes; None for stdin."""
    if not path or path == "-":
        return None
    rel = relative_path(path, cwd)
    return rel if rel is not None else path.replace("\\", "/")


def _message(f) -> str:
    sure = "suspected, confidence: low" if f.suspected else f"confidence: {f.confidence}"
    lines = [f"{f.device}: {f.title} [{sure}]", f.message]
    if f.suspected:
        lines += ["", f"Confirm with: {'; '.join(f.confirm_with)} ({f.confirmed_by}). Ruled out by: {f.ruled_out_by}."]
    if f.fix.strip():
        lines += ["", "Fix:", f.fix]
    if f.verify:
        lines += ["", "Verify: " + "; ".join(f.verify)]
    return "\n".join(lines)


def chunks(report: Report, **kw):
    cwd = kw.get("cwd")
    out: list[str] = []
    for f in report.findings:
        file = annotation_file(f.path, cwd)
        props: dict[str, object] = {}
        if file is not None:
            props["file"] = file
            if f.line and f.line > 0:
                props["line"] = f.line
                props["endLine"] = max(f.end_line or f.line, f.line)
        props["title"] = f.rule_id
        out.append(command(COMMAND[f.severity], props, _message(f)))
        if len(out) >= 100:
            yield lines(out)
    summary = (f"diag {report.version}: {plural(len(report.devices), 'device')}, {tally(report)}; "
               f"{plural(len(report.outcome.not_evaluated), 'rule')} not evaluated")
    if report.outcome.collect_next:
        summary += f"; {plural(len(report.outcome.collect_next), 'command')} to collect next"
    if report.unread:
        summary += f"; {plural(len(report.unread), 'input')} not read: " + ", ".join(shown_path(p) for p, _ in report.unread)
    out.append(" ".join(summary.splitlines()))  # never a command: it starts with "diag", on one line
    yield lines(out)
