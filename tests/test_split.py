"""split.py: numbered lines in, command sections out (DESIGN.md section 3).

A section starts at a prompt line, a show-tech header, or content only one
supported output starts with. Unsupported sections are skipped and counted, never
kept. Console syslog lines go to a section of their own.
"""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diag.capture import lines_from_text
from diag.split import Splitter, split_lines


def split(text: str):
    return split_lines(lines_from_text(textwrap.dedent(text).lstrip("\n")), "cap.txt")


def summary(result) -> list[tuple[str, int, str, list[int]]]:
    """(command, start, origin, line numbers) of each section."""
    return [(s.command, s.start, s.origin, [n for n, _ in s.lines]) for s in result.sections]


LICENSE = """\
    Smart Licensing is ENABLED

    Registration:
      Status: REGISTERED
    """


# -- prompts ---------------------------------------------------------------------

def test_prompt_with_any_hostname():
    for host in ("leaf01", "N9K-C93180YC-EX-1", "DC1_LEAF.lab", "sw", "7k-core"):
        r = split(f"{host}# show clock\n09:20:05.123 UTC Fri Mar 03 2023\n")
        assert summary(r) == [("show clock", 1, "prompt", [2])], host
        assert r.sections[0].host == host
        assert r.hosts == [host]


def test_prompt_without_space_and_with_trailing_prompt():
    r = split("""
        leaf01#sh clock
        09:20:05.123 UTC Fri Mar 03 2023
        leaf01#
        leaf01#
        """)
    assert summary(r) == [("show clock", 1, "prompt", [2])]


def test_config_mode_prompts_and_do():
    r = split("""
        leaf01# configure terminal
        Enter configuration commands, one per line. End with CNTL/Z.
        leaf01(config)# callhome
        leaf01(config-callhome)# email-contact noc@acme.example
        leaf01(config-callhome)# destination-profile CiscoTAC-1 transport-method http
        leaf01(config-callhome)# do show callhome
        callhome enabled
        leaf01(config-callhome)# transport http use-vrf management
        leaf01(config-callhome)# show running-config callhome
        !Command: show running-config callhome
        callhome
          transport http use-vrf management
        leaf01(config-callhome)# end
        leaf01#
        """)
    assert summary(r) == [
        ("show callhome", 6, "prompt", [7]),
        ("show running-config", 9, "prompt", [10, 11, 12]),
    ]
    assert r.sections[0].typed == "show callhome"
    assert r.sections[1].coverage == {"show running-config callhome"}
    # callhome, email-contact, destination-profile, transport, end
    assert r.skipped["(configuration commands)"] == 5
    assert r.skipped["configure"] == 1
    assert r.skipped_lines == 1  # "Enter configuration commands ..."


def test_config_mode_prompt_of_an_unseen_host_is_a_prompt():
    r = split("""
        spine01(config)# feature bgp
        spine01(config)# do sh clock
        09:20:05.123 UTC Fri Mar 03 2023
        """)
    assert summary(r) == [("show clock", 2, "prompt", [3])]
    assert r.skipped["(configuration commands)"] == 1
    assert r.unrecognised_lines == 0


def test_config_statements_that_look_like_show_are_config():
    r = split("""
        leaf01(config)# interface mgmt0
        leaf01(config-if)# shutdown
        leaf01(config-if)# no shutdown
        leaf01(config-if)# sh run int mgmt0
        interface mgmt0
          vrf member management
        """)
    assert summary(r) == [("show running-config", 4, "prompt", [5, 6])]
    assert r.skipped == {"(configuration commands)": 3}


def test_exec_commands_in_config_mode():
    r = split("""
        leaf01(config)# ping tools.cisco.com vrf management
        % Invalid host/interface tools.cisco.com
        """)
    assert summary(r) == [("ping", 1, "prompt", [2])]
    assert r.sections[0].params == {"host": "tools.cisco.com", "vrf": "management"}


def test_abbreviated_commands_keep_what_was_typed():
    r = split("""
        leaf01# sh lic stat
        Smart Licensing is ENABLED
        leaf01# sh sys int mts buf sum
        node    sapno   recv_q  pers_q  npers_q log_q
        leaf01# sh ver
        Cisco Nexus Operating System (NX-OS) Software
        leaf01# show run | sec callhome
        callhome
          enable
        leaf01# sh run callhome
        callhome
          enable
        """)
    assert [(s.command, s.typed) for s in r.sections] == [
        ("show license status", "sh lic stat"),
        ("show system internal mts buffers summary", "sh sys int mts buf sum"),
        ("show version", "sh ver"),
        ("show running-config", "show run | sec callhome"),
        ("show running-config", "sh run callhome"),
    ]
    assert [s.coverage for s in r.sections][-2:] == [{"show running-config callhome"}] * 2


def test_ambiguous_abbreviation_is_skipped_and_counted():
    r = split("""
        leaf01# sh cl
        % Ambiguous command at '^' marker.
        leaf01# sh clock
        09:20:05.123 UTC Fri Mar 03 2023
        """)
    assert summary(r) == [("show clock", 3, "prompt", [4])]
    assert r.skipped == {"show cl": 1}
    assert r.skipped_lines == 1


def test_pipes():
    r = split("""
        leaf01# show license status | no-more
        Smart Licensing is ENABLED
        leaf01# show license status | include Status
          Status: REGISTERED
        leaf01# show license status | json
        {"smart_licensing": "ENABLED"}
        """)
    assert summary(r) == [("show license status", 1, "prompt", [2]), ("show license status", 3, "prompt", [4])]
    assert r.sections[0].coverage == {"show license status"} and not r.sections[0].filtered
    assert r.sections[1].coverage == frozenset() and r.sections[1].filtered
    # the | json one: an output diag reads, in a form it does not: said, not counted as skipped
    assert r.skipped == {}
    assert r.unread == ["'show license status | json' (line 5) is JSON: capture it without '| json'"]


def test_empty_prompt_ends_a_section():
    r = split("""
        leaf01# show clock
        09:20:05.123 UTC Fri Mar 03 2023
        leaf01#
        some text typed after the prompt was printed
        """)
    assert summary(r) == [("show clock", 1, "prompt", [2])]
    assert r.unrecognised_lines == 1


def test_prompt_like_lines_inside_output_do_not_start_sections():
    r = split("""
        leaf01# show system internal mts buffers summary
        node    sapno   recv_q  pers_q  npers_q log_q
        CPU#0 load 12% user 3% kernel 9%
        Slot#1 show detail follows
        sup     4212    357     0       0       0
        """)
    assert summary(r) == [("show system internal mts buffers summary", 1, "prompt", [2, 3, 4, 5])]


def test_known_host_prompt_with_unusual_command_is_a_prompt():
    r = split("""
        leaf01# show clock
        09:20:05.123 UTC Fri Mar 03 2023
        leaf01# dir bootflash:
        leaf01# show clock
        09:21:00.000 UTC Fri Mar 03 2023
        """)
    assert summary(r) == [("show clock", 1, "prompt", [2]), ("show clock", 4, "prompt", [5])]
    assert r.skipped == {"dir": 1}


# -- show tech-support headers ---------------------------------------------------------

def test_show_tech_backtick_headers():
    r = split("""
        `show version`
        Cisco Nexus Operating System (NX-OS) Software
          NXOS: version 9.3(8)
        `show interface`
        Ethernet1/1 is up
         admin state is up
        `show license status`
        Smart Licensing is ENABLED
        `show clock`
        09:20:05.123 UTC Fri Mar 03 2023
        """)
    assert summary(r) == [
        ("show version", 1, "showtech", [2, 3]),
        ("show license status", 7, "showtech", [8]),
        ("show clock", 9, "showtech", [10]),
    ]
    assert r.skipped == {"show interface": 1}
    assert r.skipped_lines == 2


def test_dashed_headers():
    r = split("""
        ------------------ show version ------------------
        Cisco Nexus Operating System (NX-OS) Software
        ---- show clock ----
        09:20:05.123 UTC Fri Mar 03 2023
        ----- show module -----
        Mod Ports Module-Type
        --- 8.8.8.8 ping statistics ---
        """)
    assert summary(r)[:2] == [("show version", 1, "showtech", [2]), ("show clock", 3, "showtech", [4])]
    assert r.skipped == {"show module": 1}
    assert r.skipped_lines == 2  # the ping statistics line is not a header


def test_unsupported_sections_are_never_kept():
    body = "\n".join(f"Ethernet1/{i} is up" for i in range(1, 200))
    r = split(f"`show interface`\n{body}\n`show cdp neighbors`\nDevice-ID\n`show clock`\n"
              "09:20:05.123 UTC Fri Mar 03 2023\n")
    assert [s.command for s in r.sections] == ["show clock"]
    assert r.skipped == {"show interface": 1, "show cdp": 1}
    assert r.skipped_lines == 200


def test_show_tech_inside_a_prompted_session():
    r = split("""
        leaf01# show tech-support callhome
        `show callhome`
        callhome enabled
        `show callhome transport`
        http vrf:management
        leaf01#
        """)
    # show callhome transport is a command of its own, never read as more show callhome
    assert summary(r) == [("show callhome", 2, "showtech", [3]), ("show callhome transport", 4, "showtech", [5])]
    assert r.skipped == {"show tech-support": 1}


# -- content detection ------------------------------------------------------------------

def test_unprompted_license_status():
    r = split(LICENSE)
    assert summary(r) == [("show license status", 1, "content", [1, 2, 3, 4])]
    assert r.sections[0].coverage == {"show license status"}


def test_unprompted_running_config_with_header():
    r = split("""
        !Command: show running-config callhome
        !Running configuration last done at: Fri Mar  3 09:02:40 2023
        !Time: Fri Mar  3 09:20:01 2023

        version 9.3(8) Bios:version 05.45
        callhome
          email-contact noc@acme.example
          enable
        """)
    assert summary(r) == [("show running-config", 1, "content", [1, 2, 3, 4, 5, 6, 7, 8])]
    assert r.sections[0].coverage == {"show running-config callhome"}


def test_unprompted_full_running_config_without_header():
    r = split("""
        version 9.3(8) Bios:version 05.45
        hostname leaf01
        feature telnet
        callhome
          enable
        line console
        line vty
        """)
    assert summary(r) == [("show running-config", 1, "content", [1, 2, 3, 4, 5, 6, 7])]
    assert r.sections[0].coverage == {"show running-config"}


@pytest.mark.parametrize("head", ["leaf01# show running-config\n", "leaf01# show run\n!Command: show running-config\n",
                                  "!Command: show running-config\n", ""])
@pytest.mark.parametrize("stop", [2, 4, 6, 8, 9])
def test_a_whole_running_config_cut_before_its_tail_proves_nothing_whole(head, stop):
    """Every NX-OS running-config prints 'line console' and 'line vty' near its end: one that
    stops before them (a capture quit at --More--, a stray line) was cut. It covers the
    callhome block only when a line after the block shows the block whole."""
    body = ["version 9.3(8) Bios:version 05.45", "hostname leaf01", "ip domain-lookup", "callhome",
            "  email-contact noc@example.net", "  enable", "ntp server 10.1.1.1 use-vrf management",
            "line console", "line vty", "boot nxos bootflash:/nxos.9.3.8.bin"]
    r = split(head + "\n".join(body[:stop]) + "\n")
    [sec] = r.sections
    whole = stop >= 8  # either tail line shows the configuration went on to its end
    assert sec.cut_short is (not whole)
    if whole:
        assert sec.coverage == {"show running-config"}
    else:
        assert sec.coverage == ({"show running-config callhome"} if stop >= 7 else frozenset())


def test_unprompted_callhome_block_only_covers_callhome():
    r = split("""
        callhome
          email-contact noc@acme.example
          destination-profile CiscoTAC-1 transport-method http
          enable
        """)
    assert summary(r) == [("show running-config", 1, "content", [1, 2, 3, 4])]
    assert r.sections[0].coverage == {"show running-config callhome"}


def test_unprompted_show_version_and_ping_after_each_other():
    r = split("""
        Cisco Nexus Operating System (NX-OS) Software
        TAC support: http://www.cisco.com/tac
          NXOS: version 9.3(8)
        PING tools.cisco.com (72.163.4.38): 56 data bytes
        64 bytes from 72.163.4.38: icmp_seq=0 ttl=236 time=41.318 ms
        """)
    assert summary(r) == [("show version", 1, "content", [1, 2, 3]), ("ping", 4, "content", [4, 5])]
    assert r.sections[1].params == {}  # no command line: no host or vrf from it


def test_unprompted_show_license_all_embeds_status_and_usage():
    r = split("""
        Smart Licensing Status
        ======================

        Smart Licensing is ENABLED

        License Usage
        =============

        (LAN_ENTERPRISE_SERVICES_PKG):
          Status: IN USE
        """)
    assert summary(r) == [("show license all", 1, "content", list(range(1, 11)))]
    assert r.sections[0].coverage == {"show license all", "show license status"}


def test_unprompted_summary_starts_like_status():
    r = split(textwrap.dedent(LICENSE) + textwrap.dedent("""
        License Usage:
          License                 Entitlement tag               Count Status
                                  (LAN_ENTERPRISE_SERVICES_PKG)     1 EVAL MODE
        """))
    assert summary(r) == [("show license summary", 1, "content", list(range(1, 9)))]
    assert r.sections[0].coverage == {"show license summary"}


def test_unprompted_license_usage_after_show_version():
    r = split("""
        Cisco Nexus Operating System (NX-OS) Software
          NXOS: version 9.3(8)
        Feature                      Ins  Lic   Status Expiry Date Comments
        LAN_BASE_SERVICES_PKG         Yes   -   In use Never       -
        """)
    assert summary(r) == [("show version", 1, "content", [1, 2]), ("show license usage", 3, "content", [3, 4])]


def test_text_before_any_recognised_output_is_counted():
    r = split("hello team, output below\n\n" + textwrap.dedent(LICENSE))
    assert summary(r) == [("show license status", 3, "content", [3, 4, 5, 6])]
    assert r.unrecognised_lines == 1


# -- console syslog ---------------------------------------------------------------------

def test_console_syslog_inside_output_moves_to_its_own_section():
    r = split("""
        leaf01# show license status
        Smart Licensing is ENABLED
        2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure
        Registration:
        *Mar  3 09:12:45.101: %SMART_LIC-3-COMM_FAILED: Communications failure
          Status: REGISTERED
        2021 Jan 29 06:40:54  %$ VDC-1 %$ %USER-2-SYSTEM_MSG: <<%SMART_LIC-3-COMM_FAILED>> x - smartagent[1]
        leaf01# show clock
        09:20:05.123 UTC Fri Mar 03 2023
        """)
    assert summary(r) == [
        ("show license status", 1, "prompt", [2, 4, 6]),
        ("show logging", 3, "console", [3, 5, 7]),
        ("show clock", 8, "prompt", [9]),
    ]
    console = r.sections[1]
    assert console.coverage == frozenset()  # a few console lines prove no absence
    assert console.host == "leaf01"


def test_syslog_printed_right_after_a_prompt():
    r = split("""
        switch(config)# feature bgp
        switch(config)# 2020 Jun 22 22:28:45 switch %LICMGR-2-LOG_LIC_NO_LIC: No license(s) present for feature
        switch(config)# end
        """)
    assert summary(r) == [("show logging", 2, "console", [2])]
    # kept whole: evidence quotes the line exactly as it is in the input
    assert r.sections[0].text(2).startswith("switch(config)# 2020 Jun 22 22:28:45 switch %LICMGR-2-LOG_LIC_NO_LIC")
    assert r.skipped["(configuration commands)"] == 2


def test_syslog_inside_show_logging_stays_there():
    r = split("""
        leaf01# show logging logfile
        2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure
        2023 Mar  3 09:12:45 leaf01 %CALLHOME-2-EVENT: SMART_LICENSING
        """)
    assert summary(r) == [("show logging", 1, "prompt", [2, 3])]


def test_syslog_inside_a_skipped_section_is_still_collected():
    r = split("""
        leaf01# show interface brief
        Eth1/1  1  eth  trunk  up
        2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure
        Eth1/2  1  eth  trunk  up
        """)
    assert summary(r) == [("show logging", 3, "console", [3])]
    assert r.skipped_lines == 2


def test_console_sections_per_device():
    r = split("""
        leaf01# show clock
        2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x
        leaf01# ssh admin@spine01 vrf management
        spine01# show clock
        2023 Mar  3 09:14:00 spine01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: y
        """)
    consoles = [s for s in r.sections if s.origin == "console"]
    assert [(s.host, [n for n, _ in s.lines]) for s in consoles] == [("leaf01", [2]), ("spine01", [5])]


# -- answers of the switch ---------------------------------------------------------------

def test_invalid_command_marks_the_section_rejected():
    r = split("""
        leaf01# show license status
                              ^
        % Invalid command at '^' marker.
        leaf01# show callhome
        % Invalid command at '^' marker.
        leaf01# show clock
        09:20:05.123 UTC Fri Mar 03 2023
        """)
    lic, ch, clock = r.sections
    assert lic.rejected and lic.coverage == frozenset()
    assert ch.rejected == "% Invalid command at '^' marker." and ch.coverage == frozenset()
    assert clock.rejected is None and clock.coverage == {"show clock"}


def test_errors_of_ping_and_telnet_are_their_answer():
    r = split("""
        leaf01# ping tools.cisco.com vrf management
        % Invalid host/interface tools.cisco.com
        leaf01# telnet tools.cisco.com 443 vrf management
        % Invalid host/interface tools.cisco.com
        """)
    assert [(s.command, s.rejected, sorted(s.coverage)) for s in r.sections] == [
        ("ping", None, ["ping"]), ("telnet", None, ["telnet"])]


def test_error_later_in_the_output_does_not_reject():
    r = split("""
        leaf01# show logging logfile
        2023 Mar  3 09:12:44 leaf01 %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: x
        2023 Mar  3 09:12:45 leaf01 %VSHD-5-VSHD_SYSLOG_CONFIG_I: y
        2023 Mar  3 09:12:46 leaf01 %VSHD-5-VSHD_SYSLOG_CONFIG_I: z
        % Invalid command at '^' marker.
        """)
    assert r.sections[0].rejected is None


# -- invariants ----------------------------------------------------------------------------

_PIECES = [
    "leaf01# show clock", "09:20:05.123 UTC Fri Mar 03 2023", "leaf01# show interface", "Ethernet1/1 is up",
    "Smart Licensing is ENABLED", "Registration:", "  Status: REGISTERED", "`show version`",
    "Cisco Nexus Operating System (NX-OS) Software", "2023 Mar  3 09:12:44 leaf01 %LICMGR-3-X: y",
    "leaf01(config)# callhome", "leaf01(config-callhome)# do show callhome", "callhome enabled", "",
    "% Invalid command at '^' marker.", "spine01# sh lic stat", "random words", "CPU#0 0%",
    "---- show clock ----", "callhome", "  enable", "PING 1.1.1.1 (1.1.1.1): 56 data bytes",
    "leaf01> show clock", "leaf01>", "  Features Authorized:", "    <none>", "telnet> quit", "Software",
    "  NXOS: version 9.3(8)", "TAC support: http://www.cisco.com/tac", "  Device name: leaf01",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_every_line_is_in_at_most_one_section_in_order(pieces):
    lines = list(enumerate(pieces, start=1))
    splitter = Splitter("p")
    for no, text in lines:
        splitter.feed(no, text)
    result = splitter.finish()
    seen: set[int] = set()
    for sec in result.sections:
        numbers = [n for n, _ in sec.lines]
        assert numbers == sorted(numbers)
        assert not seen & set(numbers)
        seen |= set(numbers)
        assert all(sec.text(n) == pieces[n - 1] for n in numbers)
        assert sec.origin == "console" or all(n > sec.start or sec.origin == "content" for n in numbers)
    assert [s.start for s in result.sections] == sorted(s.start for s in result.sections)


def test_markdown_code_fences_around_a_paste_are_ignored():
    from diag.capture import lines_from_text
    from diag.split import split_lines

    text = "```text\nleaf01# show clock\n10:15:02.117 UTC Tue May 16 2023\n```\n"
    result = split_lines(lines_from_text(text), "t")
    assert [s.command for s in result.sections] == ["show clock"]
    assert result.sections[0].lines == [(3, "10:15:02.117 UTC Tue May 16 2023")]
    assert result.unrecognised_lines == 0



# -- login banners -----------------------------------------------------------------------------

# What an NX-OS switch prints at login (its own text, a site's MOTD after it), written here.
BANNER = """\
Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Copyright (C) 2002-2023, Cisco and/or its affiliates.
All rights reserved.
The copyrights to certain works contained in this software are
owned by other third parties and used and distributed under their own
licenses, such as open source.
"""
MOTD = """\
*****************************************************
*  Property of Contoso Ltd. Authorised users only.  *
*  All sessions are logged: CHG-0042 applies.       *
*****************************************************
"""
VERSION_BODY = """\

Software
  BIOS: version 05.47
  NXOS: version 9.3(10)
  NXOS image file is: bootflash:///nxos.9.3.10.bin

Hardware
  cisco Nexus9000 C93180YC-FX Chassis
  Device name: leaf07
"""


def test_login_banner_makes_no_section_and_show_version_still_does():
    text = BANNER + MOTD + "leaf07# show version\n" + BANNER + VERSION_BODY + "leaf07# show clock\n" + \
        "10:01:02.123 UTC Mon Mar 06 2023\nleaf07#\n"
    r = split_lines(lines_from_text(text), "cap.txt")
    first = len((BANNER + MOTD).splitlines()) + 1
    clock = first + len((BANNER + VERSION_BODY).splitlines()) + 1
    assert [(s.command, s.start, s.origin) for s in r.sections] == [
        ("show version", first, "prompt"), ("show clock", clock, "prompt")]
    assert r.skipped["(login banner)"] == 1
    assert r.unrecognised_lines == 0


def test_a_session_that_logs_in_with_a_banner_is_one_device_with_no_unread_line(tmp_path):
    from conftest import SYSTEM_NOW
    from diag.api import Options, analyze

    path = tmp_path / "session.log"
    path.write_text("ssh admin@leaf07\n" + BANNER + MOTD + "leaf07# show version\n" + BANNER + VERSION_BODY
                    + "leaf07# show license status\n" + textwrap.dedent(LICENSE) + "leaf07>\n")
    report = analyze([str(path)], Options(system_now=SYSTEM_NOW))
    assert [d.name for d in report.devices] == ["leaf07"]
    assert report.devices[0].commands == ["show license status", "show version"]
    assert not [f for f in report.findings if f.rule_id == "unparsed-output"], report.findings


def test_show_version_pasted_alone_is_recognised_from_its_first_line():
    r = split(BANNER + VERSION_BODY)
    assert summary(r) == [("show version", 1, "content", list(range(1, len((BANNER + VERSION_BODY).splitlines()) + 1)))]
    assert not r.skipped


@settings(max_examples=100, deadline=None)
@given(head=st.lists(st.sampled_from(BANNER.splitlines()[1:] + MOTD.splitlines() + ["", "Welcome"]), max_size=30),
       end=st.sampled_from(["leaf07#", "leaf07# show clock", "leaf07>", "`show clock`", "", None]))
def test_a_banner_and_any_motd_before_a_prompt_or_nothing_are_no_section(head, end):
    lines = [BANNER.splitlines()[0], *head] + ([end] if end is not None else [])
    r = split_lines(list(enumerate(lines, start=1)), "cap.txt")
    assert all(s.command != "show version" for s in r.sections), summary(r)
    assert r.skipped["(login banner)"] == 1


@settings(max_examples=100, deadline=None)
@given(head=st.lists(st.sampled_from(BANNER.splitlines()[1:] + [""]), max_size=25),
       body=st.sampled_from(["Software", "  NXOS: version 10.2(5)", "  kickstart: version 7.3(8)N1(1)",
                             "Hardware", "  Device name: leaf07", "  cisco Nexus 3048 Chassis"]))
def test_the_same_first_line_followed_by_a_show_version_body_is_show_version(head, body):
    lines = [BANNER.splitlines()[0], *head, body]
    r = split_lines(list(enumerate(lines, start=1)), "cap.txt")
    assert summary(r) == [("show version", 1, "content", list(range(1, len(lines) + 1)))]


def test_a_banner_is_never_held_past_its_bound():
    from diag.split import LOGIN_BANNER_LINES

    splitter = Splitter("cap.txt")
    splitter.feed(1, BANNER.splitlines()[0])
    for no in range(2, 10_000):
        splitter.feed(no, f"site notice line {no}")
        assert len(splitter.pending or []) < LOGIN_BANNER_LINES
    splitter.feed(10_000, "  NXOS: version 9.3(10)")  # a headerless show version: from its own line
    result = splitter.finish()
    assert [(s.command, s.start) for s in result.sections] == [("show version", 10_000)]
    assert result.skipped["(login banner)"] == 1


def test_a_banner_before_another_output_pasted_without_prompt():
    r = split(BANNER + textwrap.dedent(LICENSE))
    n = len(BANNER.splitlines())
    assert summary(r) == [("show license status", n + 1, "content", [n + 1, n + 2, n + 3, n + 4])]


def test_a_banner_after_an_output_pasted_without_prompt_ends_it():
    r = split(textwrap.dedent(LICENSE) + BANNER + "leaf07# show clock\n10:01:02.123 UTC Mon Mar 06 2023\n")
    n = len(BANNER.splitlines())
    assert summary(r) == [("show license status", 1, "content", [1, 2, 3, 4]),
                          ("show clock", 5 + n, "prompt", [6 + n])]


# -- user-mode and configuration-mode prompts ---------------------------------------------------

def test_user_mode_prompts_end_sections_and_start_them():
    r = split("""
        leaf01> show license status
        Smart Licensing is ENABLED

        Export Authorization Key:
          Features Authorized:
            <none>
        leaf01> show clock
        10:01:02.123 UTC Mon Mar 06 2023
        leaf01>
        ciscoasa>
        """)
    assert summary(r) == [("show license status", 1, "prompt", [2, 3, 4, 5, 6]), ("show clock", 7, "prompt", [8])]
    assert r.hosts == ["leaf01", "ciscoasa"]
    # a name alone before '>' is a prompt, even never seen before; one character is not
    assert summary(split("leaf01# show clock\n10:01:02.123 UTC Mon Mar 06 2023\nx>\nTotal>\n")) == [
        ("show clock", 1, "prompt", [2, 3])]


def test_user_mode_prompt_read_from_a_file_ends_a_section(tmp_path):
    """The same through the reader's fast paths (runs of plain lines, skipped outputs)."""
    from diag.inputs import read_sections

    path = tmp_path / "user.txt"
    path.write_text("leaf01> show license status\n" + textwrap.dedent(LICENSE) + "leaf01>\n"
                    + "leaf01> show interface brief\n" + "Eth1/1  1  eth  trunk  up\n" * 50
                    + "leaf01> show clock\n10:01:02.123 UTC Mon Mar 06 2023\nleaf01>\n")
    _, sections = read_sections(str(path))
    assert [(s.command, s.start, [n for n, _ in s.lines]) for s in sections if s.origin != "platform"] == [
        ("show license status", 1, [2, 3, 4, 5]), ("show clock", 58, [59])]
    # the user-mode prompt is a hint of IOS (rule capture-platform-unsure), at its first line
    assert [(s.origin, s.start) for s in sections if s.origin == "platform"] == [("platform", 1)]


@pytest.mark.parametrize("line", [
    "  Status: <none>", "    <empty>", "Eth1/1 --> Eth1/2", "Some text>", "telnet> quit", "a->b", "x>show",
    "<tag>value</tag>", "> quoted reply", "  leaf01> show clock", "leaf01(config)> show clock",
    "ab-> show clock", "Status: DISABLED>",
])
def test_lines_ending_or_holding_a_gt_inside_an_output_stay_in_it(line):
    r = split_lines(list(enumerate(["leaf01# show license status", "Smart Licensing is ENABLED", line,
                                    "Registration:"], start=1)), "cap.txt")
    assert summary(r) == [("show license status", 1, "prompt", [2, 3, 4])], line


def test_configuration_mode_prompts_of_nxos_ios_xe_and_ios_xr_are_prompts():
    r = split("""
        leaf01(config)# show license status
        Smart Licensing is ENABLED
        leaf01(config-callhome)#
        leaf01(config-callhome)# show clock
        10:01:02.123 UTC Mon Mar 06 2023
        leaf01(config-if)# end
        RP/0/RP0/CPU0:xr-pe1(config)# show clock
        10:01:02.123 UTC Mon Mar 06 2023
        RP/0/RP0/CPU0:xr-pe1#
        """)
    assert summary(r) == [("show license status", 1, "prompt", [2]), ("show clock", 4, "prompt", [5]),
                          ("show clock", 7, "prompt", [8])]
    assert r.hosts == ["leaf01", "xr-pe1"]
