"""The one place that maps a command to its parser.

Each module in this package defines ``PARSER`` (or ``PARSERS``) for the
commands in ``diag.commands.SPECS``; the key is the spec's ``parser`` name,
which is the module's file name. ``parse_section`` turns a section into facts.
"""

from __future__ import annotations

import importlib
import operator
from functools import lru_cache
from typing import Protocol

from diag import limits
from diag.commands import SPECS
from diag.facts import Fact


class Parser(Protocol):
    command: str

    def parse(self, section) -> list[Fact]: ...


MODULES = {
    "show_license_status": "license_status",
    "show_license_all": "license_all",
    "show_license_tech_support": "license_all",
    "show_license_summary": "license_summary",
    "show_license_usage": "license_usage",
    "show_license_host_id": "license_host_id",
    "running_config": "running_config",
    "show_version": "version",
    "show_clock": "clock",
    "show_callhome": "callhome",
    "show_callhome_destination_profile": "callhome_profiles",
    "show_callhome_transport": "callhome_profiles",
    "show_hosts": "hosts",
    "show_ntp_peer_status": "ntp",
    "show_ntp_peers": "ntp",
    "show_logging": "logging",
    "show_crypto_ca_trustpoints": "crypto",
    "show_crypto_ca_certificates": "crypto",
    "show_mts_buffers_summary": "mts",
    "show_mts_buffers_details": "mts",
    "show_ip_route": "routes",
    "show_mts_sap_description": "mts",
    "ping": "probes",
    "telnet": "probes",
    "license_smart_trust_idtoken": "license_trust",
}


@lru_cache(maxsize=None)
def get_parser(key: str) -> Parser:
    module = importlib.import_module(f"diag.parsers.{MODULES[key]}")
    parsers = getattr(module, "PARSERS", None)
    if parsers is not None:
        return parsers[key]
    return module.PARSER


def load_all() -> dict[str, Parser]:
    """Import every parser (which fills the fact catalogue)."""
    return {spec.parser: get_parser(spec.parser) for spec in SPECS}


# No NX-OS output line comes near limits.MAX_LINE characters. A longer line (a binary blob,
# a paste gone wrong, a hostile input) is reported as unparsed and never given to a
# template: one 5 MB line would cost seconds in every template regex, and a config line of
# a million name servers a million facts.
_text = operator.itemgetter(1)


def parse_section(section) -> list[Fact]:
    """The facts of a section. The facts its parser makes count against the limit of its
    input (``limits.MAX_FACTS``, when the splitter gave the section its input's budget)."""
    if section.rejected:
        return []
    budget = getattr(section, "budget", None)
    if budget is None:
        return _parse(section)
    budget.reading = f"'{section.typed}' (line {section.start})"
    Fact.budget = budget
    try:
        return _parse(section)
    finally:
        Fact.budget = None


def _parse(section) -> list[Fact]:
    parser = get_parser(section.spec.parser)
    MAX_LINE = limits.MAX_LINE  # noqa: N806
    if not section.lines or max(map(len, map(_text, section.lines))) <= MAX_LINE:
        return parser.parse(section)
    from diag.parsers.base import unparsed_facts

    whole = section.lines
    section.lines = [(no, text) for no, text in whole if len(text) <= MAX_LINE]
    section._index = None
    try:
        facts = parser.parse(section)
    finally:
        section.lines = whole
        section._index = None
    return facts + unparsed_facts(section, [no for no, text in whole if len(text) > MAX_LINE])
