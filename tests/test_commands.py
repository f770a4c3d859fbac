"""commands.py: how typed command lines are understood (DESIGN.md section 3).

A command resolves to a canonical name, its arguments, the parameters a parser needs,
and its *coverage*: the scopes whose absence of facts it proves.
"""

from __future__ import annotations

import pytest

from diag.commands import BY_NAME, SPECS, covers, known_scopes, resolve, scope_collect


# -- abbreviations ---------------------------------------------------------------

@pytest.mark.parametrize("typed,name", [
    ("sh lic stat", "show license status"),
    ("show license status", "show license status"),
    ("SH LIC STATUS", "show license status"),
    ("sh run callhome", "show running-config"),
    ("sh runn", "show running-config"),
    ("sh ver", "show version"),
    ("sh clock", "show clock"),
    ("sh clo", "show clock"),
    ("sh callh", "show callhome"),
    ("sh log logf", "show logging"),
    ("sh log last 50", "show logging"),
    ("sh cry ca trustp", "show crypto ca trustpoints"),
    ("sh crypto ca certif", "show crypto ca certificates"),
    ("sh sys int mts buf sum", "show system internal mts buffers summary"),
    ("sh sys int mts sup sap 4212 desc", "show system internal mts sup sap description"),
    ("ping tools.cisco.com vrf management", "ping"),
    ("telnet tools.cisco.com 443 vrf management", "telnet"),
])
def test_abbreviations_expand(typed, name):
    res = resolve(typed)
    assert res.supported, res.reason
    assert res.name == name


@pytest.mark.parametrize("typed,token", [
    ("sh cl", "cl"),           # class-map, cli, clock
    ("sh c", "c"),
    ("sh lic s", "s"),         # server, smart, status, summary
    ("sh sys int mts buf s", "s"),  # sap, summary
    ("sh crypto ca cert", "cert"),  # certificates, certstore
])
def test_ambiguous_abbreviations_are_not_guessed(typed, token):
    res = resolve(typed)
    assert not res.supported
    assert "ambiguous" in res.reason and f"'{token}'" in res.reason
    assert res.coverage == frozenset()


def test_unknown_keyword():
    res = resolve("show licence status")
    assert not res.supported and "unknown keyword 'licence'" in res.reason


# -- pipes -----------------------------------------------------------------------

def test_no_more_is_ignored():
    res = resolve("show license status | no-more")
    assert res.supported and not res.filtered
    assert res.coverage == {"show license status"}


@pytest.mark.parametrize("pipe", ["include Status", "i Status", "inc Status", "exclude Smart", "grep -i status",
                                  "egrep REG", "last 5", "head -n 3", "count"])
def test_filters_give_empty_coverage(pipe):
    res = resolve(f"show license status | {pipe}")
    assert res.supported and res.filtered
    assert res.coverage == frozenset()


def test_filtered_log_keeps_its_coverage():
    # documented exception: log rules look for events, which a filter keeps
    res = resolve("show logging logfile | include SMART_LIC")
    assert res.supported and res.filtered
    assert res.coverage == {"show logging"}


@pytest.mark.parametrize("pipe", ["json", "json-pretty", "xml", "js", "x"])
def test_structured_output_is_skipped(pipe):
    res = resolve(f"show license status | {pipe}")
    assert not res.supported
    assert "structured output" in res.reason
    assert res.name == "show license status"  # counted as a skipped show license status


def test_alternation_inside_a_pattern_is_not_a_pipe():
    res = resolve("show logging | include SMART_LIC|CALLHOME | no-more")
    assert res.pipes == ("include SMART_LIC|CALLHOME", "no-more")
    assert resolve("show logging | include json|xml").supported


def test_pipes_without_spaces():
    res = resolve("sh run|sec callhome")
    assert res.supported and res.coverage == {"show running-config callhome"}


# -- running-config coverage ---------------------------------------------------------

@pytest.mark.parametrize("typed,coverage", [
    ("show running-config", {"show running-config"}),
    ("show run all", {"show running-config"}),
    ("show run | no-more", {"show running-config"}),
    ("sh run callhome", {"show running-config callhome"}),
    ("show running-config callhome all", {"show running-config callhome"}),
    ("show run | sec callhome", {"show running-config callhome"}),
    ("show run | section callhome", {"show running-config callhome"}),
    ("show run | sec 'callhome'", {"show running-config callhome"}),
    ("show run | begin callhome", {"show running-config callhome"}),
    ("show run | sec callhome|ntp", {"show running-config callhome", "show running-config ntp"}),
    ("show run | sec 'ip http'", set()),
    ("show run | include callhome", set()),
    ("show run | sec callhome | include destination", set()),
    # one interface or one VRF: read, but no part of the configuration is shown whole
    ("show running-config interface mgmt0", set()),
    ("sh run int ethernet 1/49", set()),
    ("show running-config vrf management", set()),
    ("show running-config vrf management all", set()),
    ("show running-config interface", {"show running-config interface"}),
])
def test_running_config_coverage(typed, coverage):
    res = resolve(typed)
    assert res.supported
    assert set(res.coverage) == coverage


def test_the_whole_config_covers_its_parts():
    assert covers({"show running-config"}, "show running-config callhome")
    assert covers({"show running-config callhome"}, "show running-config callhome")
    assert not covers({"show running-config callhome"}, "show running-config")
    assert not covers({"show running-config callhome"}, "show running-config interface")
    assert not covers(set(), "show license status")


# -- other forms of a supported command -------------------------------------------------

@pytest.mark.parametrize("typed", [
    "show callhome transport-email",
    "show callhome user-def-cmds",
    "show callhome destination-profile CiscoTAC-1",
    "show license usage LAN_ENTERPRISE_SERVICES_PKG",
    "show clock detail",
    "show logging server",
    "show license status extra",
    "show system internal mts sup sap 4212 stats",
    "show system internal mts sup sap callhome description",
])
def test_other_outputs_of_a_command_family_are_not_read_with_its_parser(typed):
    res = resolve(typed)
    assert not res.supported, f"{typed} would be parsed as {res.name}"
    assert res.coverage == frozenset()


@pytest.mark.parametrize("typed,name", [
    ("show callhome transport", "show callhome transport"),
    ("sh callh transport", "show callhome transport"),
    ("show callhome destination-profile", "show callhome destination-profile"),
    ("sh callh dest", "show callhome destination-profile"),
    ("sh callhome destination-profile prof CiscoTAC-1", "show callhome destination-profile"),
    ("show callhome", "show callhome"),
])
def test_callhome_family_members_are_their_own_commands(typed, name):
    """show callhome transport / destination-profile have parsers of their own, never show callhome's."""
    res = resolve(typed)
    assert res.supported and res.name == name, res.reason


def test_destination_profile_of_one_profile_covers_that_profile_only():
    res = resolve("show callhome destination-profile profile CiscoTAC-1")
    assert res.supported and res.args == ("profile", "CiscoTAC-1")
    assert res.coverage == {"show callhome destination-profile profile CiscoTAC-1"}
    assert not covers(res.coverage, "show callhome destination-profile")
    # the predefined profile keeps its spelling whatever the case typed; another is its own scope
    assert resolve("sh callh dest prof ciscotac-1").coverage == {"show callhome destination-profile profile CiscoTAC-1"}
    assert resolve("show callhome destination-profile profile noc").coverage == {
        "show callhome destination-profile profile noc"}
    assert resolve("show callhome destination-profile profile CiscoTAC-1 | include http").coverage == frozenset()
    assert resolve("show callhome destination-profile").coverage == {"show callhome destination-profile"}
    assert "show callhome destination-profile profile CiscoTAC-1" in known_scopes()


@pytest.mark.parametrize("typed,params", [
    ("show ip route", {}),
    ("sh ip ro vrf management", {"vrf": "management"}),
    ("show ip route 0.0.0.0/0 vrf management", {"vrf": "management", "prefix": "0.0.0.0/0"}),
    ("show ip route vrf management 0.0.0.0/0", {"vrf": "management", "prefix": "0.0.0.0/0"}),
    ("show ip route 0.0.0.0/0", {"prefix": "0.0.0.0/0"}),
    ("show ip route vrf all", {"vrf": "all"}),
])
def test_show_ip_route_forms(typed, params):
    res = resolve(typed)
    assert res.name == "show ip route" and res.supported and res.params == params
    assert res.coverage == {"show ip route"}


@pytest.mark.parametrize("typed", ["show ip route static", "show ip route summary vrf all",
                                   "show ip route interface mgmt0", "show ip route vrf management detail"])
def test_other_forms_of_show_ip_route_show_part_of_a_table(typed):
    res = resolve(typed)
    assert not res.supported and res.coverage == frozenset()


def test_ip_route_abbreviation_is_unique_only_from_ro():
    assert resolve("sh ip ro").name == "show ip route"
    assert "ambiguous" in resolve("sh ip r").reason


@pytest.mark.parametrize("typed", ["show system internal mts buffers details",
                                   "show system internal mts buffers detail", "sh sys int mts buf det"])
def test_mts_buffers_details_both_spellings(typed):
    assert resolve(typed).name == "show system internal mts buffers details"


@pytest.mark.parametrize("typed,name", [
    ("sh lic usage", "show license usage"),
    ("sh lic summ", "show license summary"),
    ("sh lic all", "show license all"),
    ("sh lic host", "show license host-id"),
    ("sh hosts", "show hosts"),
    ("sh ntp peer-s", "show ntp peer-status"),
    ("sh ntp peers", "show ntp peers"),
])
def test_issue_3_commands(typed, name):
    res = resolve(typed)
    assert res.supported and res.name == name, res.reason


def test_show_license_all_also_covers_show_license_status():
    assert resolve("show license all").coverage == {"show license all", "show license status"}
    assert resolve("show license summary").coverage == {"show license summary"}


def test_narrowing_argument_reads_facts_but_proves_no_absence():
    res = resolve("show crypto ca certificates IdenTrust")
    assert res.supported and res.args == ("IdenTrust",)
    assert res.coverage == frozenset()
    assert resolve("show crypto ca certificates").coverage == {"show crypto ca certificates"}


@pytest.mark.parametrize("typed", ["show logging logfile", "show logging last 100", "show logging nvram",
                                   "show logging logfile start-time 2023 Mar 3 00:00:00"])
def test_log_forms(typed):
    res = resolve(typed)
    assert res.supported and res.coverage == {"show logging"}


# -- parameters a parser needs ---------------------------------------------------------

@pytest.mark.parametrize("typed,params", [
    ("ping tools.cisco.com vrf management", {"host": "tools.cisco.com", "vrf": "management"}),
    ("ping tools.cisco.com", {"host": "tools.cisco.com"}),
    ("ping 10.99.0.1 source 10.0.0.11 vrf TENANT-A count 2", {"host": "10.99.0.1", "vrf": "TENANT-A"}),
    ("ping count 3 tools.cisco.com vrf management", {"host": "tools.cisco.com", "vrf": "management"}),
    ("ping vrf management tools.cisco.com", {"host": "tools.cisco.com", "vrf": "management"}),
    ("ping 8.8.8.8 df-bit packet-size 1400 vrf management", {"host": "8.8.8.8", "vrf": "management"}),
    ("telnet tools.cisco.com 443 vrf management", {"host": "tools.cisco.com", "port": 443, "vrf": "management"}),
    ("telnet tools.cisco.com vrf management", {"host": "tools.cisco.com", "vrf": "management"}),
    ("telnet 10.1.1.1 443 source-interface mgmt0 vrf management",
     {"host": "10.1.1.1", "port": 443, "vrf": "management"}),
    ("telnet tools.cisco.com 443 use-vrf management", {"host": "tools.cisco.com", "port": 443, "vrf": "management"}),
    ("show system internal mts sup sap 4212 description", {"sap": 4212}),
])
def test_params(typed, params):
    assert resolve(typed).params == params


# -- names of skipped commands ------------------------------------------------------------

@pytest.mark.parametrize("typed,name", [
    ("license smart register idtoken NjA5ZDk0ZjMtYjQ5Ni00OTk2LTg1", "license"),
    ("show interface ethernet1/1", "show interface"),
    ("show interface ethernet1/1 | json", "show interface"),
    ("sh cl", "show cl"),
    ("configure terminal", "configure"),
    ("copy running-config startup-config", "copy"),
])
def test_skipped_commands_are_named_by_their_keywords_only(typed, name):
    res = resolve(typed)
    assert not res.supported
    assert res.name == name


# -- the catalogue is consistent ---------------------------------------------------------

def test_every_spec_resolves_from_its_own_words():
    for spec in SPECS:
        typed = " ".join("4212" if w == "<arg>" else w for w in spec.words)
        if spec.name in ("ping", "telnet"):
            typed += " tools.cisco.com"
        res = resolve(typed)
        assert res.spec is spec, typed
        assert spec.name in res.coverage


def test_collect_commands_resolve_to_their_spec():
    for spec in SPECS:
        res = resolve(spec.collect.replace("<sapno>", "4212"))
        assert res.spec is spec, spec.collect


def test_scopes():
    assert "show running-config callhome" in known_scopes()
    assert set(BY_NAME) <= known_scopes()
    assert scope_collect("show license status") == "show license status"
    assert scope_collect("show running-config callhome") == "show running-config callhome"
