"""``license smart trust idtoken <token> [force]``: the switch's answer to a trust code install.

The token is a secret: the command resolves with it redacted (``CommandSpec.secret_args``),
no fact keeps the prompt line it was typed on, and an answer that echoes it has it
replaced by ``<redacted>``. Only the result, the error text and the ``force`` keyword are
kept. NX-OS's wording is not published: the result is read from the words of the answer.
"""

from __future__ import annotations

import re

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser

COMMAND = "license smart trust idtoken"

_FAILED = re.compile(r"(?i)\b(?:fail(?:ed|ure|s)?|error|unable|invalid|cannot|can't|could not|not valid|"
                     r"not allowed|not supported|already|denied|reject(?:ed)?|mismatch|expired)\b")
_SUCCEEDED = re.compile(r"(?i)\b(?:success(?:ful|fully)?|succeeded|installed|completed?)\b")
_INITIATED = re.compile(r"(?i)\b(?:initiated|in progress|started|request sent)\b")
_TYPED_TOKEN = re.compile(r"(?i)\bidtoken\s+(\S+)")
# a token-like run (base64 / URL-safe), in case the answer echoes a token diag cannot see
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9+/_%=-]{40,}")


def _scrub(text: str, token: str | None) -> str:
    if token and token != "<redacted>":
        text = text.replace(token, "<redacted>")
    return _TOKEN_LIKE.sub("<redacted>", text)


def _answer(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """One fact for the whole answer: its result, its error text, and whether 'force' was given."""
    typed = _TYPED_TOKEN.search(section.head or "")
    token = typed.group(1) if typed else None
    lines = [(lines.get("MESSAGE"), _scrub(values.get("MESSAGE") or "", token)) for values, lines in rows
             if values.get("MESSAGE")]
    if not lines:
        return []
    failed = [(no, text) for no, text in lines if _FAILED.search(text)]
    succeeded = [(no, text) for no, text in lines if _SUCCEEDED.search(text)]
    initiated = [(no, text) for no, text in lines if _INITIATED.search(text)]
    fields: dict = {"force": any(str(a).lower() == "force" for a in section.args)}
    where: dict[str, int] = {}
    if failed:
        fields["result"], where["result"] = "FAILED", failed[0][0]
        fields["error"] = " ".join(text for _, text in failed)
        where["error"] = failed[0][0]
    elif succeeded:
        fields["result"], where["result"] = "SUCCEEDED", succeeded[0][0]
    elif initiated:
        fields["result"], where["result"] = "INITIATED", initiated[0][0]
    else:
        fields["result"], where["result"] = "UNKNOWN", lines[0][0]
    # 'force' comes from the command line, which holds the token: it keeps no line of its own
    return [Fact("license.trust_idtoken", fields, where, section, where["result"])]


PARSER = TextFSMParser(
    COMMAND,
    "cisco_nxos_license_smart_trust_idtoken.textfsm",
    [FactMap("license.trust_idtoken", "The switch's answer to 'license smart trust idtoken' (SLP trust code install)", {
        "result": ("MESSAGE", "upper", "FAILED / SUCCEEDED / INITIATED (install started) / UNKNOWN, read from "
                                       "the words of the answer"),
    }, extra={
        "error": ("text", "the failure line(s) of the answer, any token in them redacted"),
        "force": ("bool", "True when the command was given with 'force' (replace an installed trust code)"),
    })],
    post=_answer,
)
