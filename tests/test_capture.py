"""capture.py: bytes in, clean numbered lines out, whatever the capture went through.

Every test checks the line numbers as well as the text: findings point at lines of
the original input, so clean-up may change a line's text but never its number.
"""

from __future__ import annotations

import codecs
import gzip
import io

import pytest

from diag.capture import ReadStats, clean_line, iter_lines, looks_binary, open_binary, read_lines
from diag.errors import InputError

SHOW_CLOCK = "leaf01# show clock\nTime source is NTP\n09:20:05.123 UTC Fri Mar 03 2023\nleaf01#\n"
EXPECTED = [(1, "leaf01# show clock"), (2, "Time source is NTP"), (3, "09:20:05.123 UTC Fri Mar 03 2023"),
            (4, "leaf01#")]


def lines_of(data: bytes, stats: ReadStats | None = None) -> list[tuple[int, str]]:
    return list(iter_lines(io.BytesIO(data), "<test>", stats))


# -- encodings -------------------------------------------------------------------

def test_utf8():
    stats = ReadStats()
    assert lines_of(SHOW_CLOCK.encode(), stats) == EXPECTED
    assert stats.lines == 4 and stats.encoding == "utf-8" and stats.fallback_lines == 0


def test_utf8_multibyte_text_is_kept():
    data = "leaf01# show callhome\nstreet addr:Königstraße 12, 70173 Stuttgart\n".encode()
    assert lines_of(data)[1] == (2, "street addr:Königstraße 12, 70173 Stuttgart")


def test_latin1_line_in_utf8_file_falls_back_line_by_line():
    data = ("contact person name(sysContact):Jürgen\n".encode()
            + b"street addr:Rue de l'\xe9glise 4\n"          # cp1252/latin-1, not UTF-8
            + "site id:Zürich-2\n".encode())
    stats = ReadStats()
    assert lines_of(data, stats) == [
        (1, "contact person name(sysContact):Jürgen"),
        (2, "street addr:Rue de l'église 4"),
        (3, "site id:Zürich-2"),
    ]
    assert stats.fallback_lines == 1
    assert "fallback" in stats.encoding


def test_byte_undefined_in_cp1252_falls_back_to_latin1_without_crashing():
    data = b"customer id:AB\x81\x8dCD\nsite id:x\n"
    got = lines_of(data)
    assert [no for no, _ in got] == [1, 2]
    assert got[0][1] == "customer id:ABCD"  # C1 control characters are not shown by a terminal


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
                         ids=["le", "be"])
def test_utf16_with_bom(bom, codec):
    stats = ReadStats()
    data = bom + SHOW_CLOCK.replace("\n", "\r\n").encode(codec)
    assert lines_of(data, stats) == EXPECTED
    assert stats.encoding.startswith("utf-16")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(codec):
    assert lines_of(SHOW_CLOCK.encode(codec)) == EXPECTED


def test_utf16_non_ascii():
    data = codecs.BOM_UTF16_LE + "street addr:Königstraße 12\r\n".encode("utf-16-le")
    assert lines_of(data) == [(1, "street addr:Königstraße 12")]


def test_utf8_bom_is_dropped():
    stats = ReadStats()
    got = lines_of(codecs.BOM_UTF8 + SHOW_CLOCK.encode(), stats)
    assert got == EXPECTED
    assert not got[0][1].startswith("\ufeff")
    assert "utf-8" in stats.encoding


# -- line ends --------------------------------------------------------------------

def test_crlf():
    assert lines_of(SHOW_CLOCK.replace("\n", "\r\n").encode()) == EXPECTED


def test_cr_only_file_is_split_on_carriage_returns():
    assert lines_of(SHOW_CLOCK.replace("\n", "\r").encode()) == EXPECTED


def test_cr_only_utf16():
    data = codecs.BOM_UTF16_LE + SHOW_CLOCK.replace("\n", "\r").encode("utf-16-le")
    assert lines_of(data) == EXPECTED


def test_no_final_newline():
    assert lines_of(SHOW_CLOCK.rstrip("\n").encode()) == EXPECTED


def test_blank_lines_are_kept_and_counted():
    got = lines_of(b"a\n\n  \nb\n")
    assert got == [(1, "a"), (2, ""), (3, ""), (4, "b")]


def test_lone_cr_inside_a_line_is_a_terminal_overwrite():
    # the pager drew --More--, then erased it with CR + spaces + CR before the next line
    data = b"Registration:\n --More-- \r          \r  Status: REGISTERED\nend\n"
    assert lines_of(data) == [(1, "Registration:"), (2, "  Status: REGISTERED"), (3, "end")]


def test_overwrite_keeps_the_tail_of_a_longer_line():
    assert clean_line("0123456789\rab") == "ab23456789"


def test_telnet_cr_nul_padding_is_text_not_binary():
    data = b"Trying 72.163.4.38...\r\x00\r\nConnected to tools.cisco.com.\r\n"
    assert lines_of(data) == [(1, "Trying 72.163.4.38..."), (2, "Connected to tools.cisco.com.")]


# -- terminal junk ------------------------------------------------------------------

@pytest.mark.parametrize("raw,clean", [
    ("\x1b[1;32mleaf01#\x1b[0m show clock", "leaf01# show clock"),               # colour
    ("\x1b]0;admin@leaf01: ~\x07leaf01# show clock", "leaf01# show clock"),      # window title (OSC)
    ("\x1b[?2004hleaf01# show clock", "leaf01# show clock"),                     # bracketed paste mode
    ("Status: \x1b[31mFAILED\x1b[m", "Status: FAILED"),
    ("abc\x1b[3Dxyz", "xyz"),                                                     # cursor back, overwrite
    ("ab\x1b[5Cz", "ab     z"),                                                   # cursor forward
    ("\x1b[7m--More--\x1b[m\r\x1b[Kabc", "abc"),                                 # NX-OS pager, erase to EOL
    ("\x9b31mred\x9b0m", "red"),                                                  # 8-bit CSI
], ids=["colour", "osc-title", "private-mode", "inline-colour", "cursor-back", "cursor-forward",
        "pager-erase-eol", "8bit-csi"])
def test_ansi_sequences(raw, clean):
    assert clean_line(raw) == clean


@pytest.mark.parametrize("raw,clean", [
    ("leaf01# sh lic stst\b\batus", "leaf01# sh lic status"),                    # typed correction
    ("leaf01# show clocc\b \bk", "leaf01# show clock"),                          # echo of backspace: \b space \b
    ("\b\bshow", "show"),                                                         # nothing to delete
], ids=["keystrokes", "echoed-erase", "leading"])
def test_backspaces(raw, clean):
    assert clean_line(raw) == clean


@pytest.mark.parametrize("raw,clean", [
    (" --More-- ", ""),
    ("--More--", ""),
    (" --More-- Status: REGISTERED", "Status: REGISTERED"),
    (" --More-- \b\b\b\b\b\b\b\b\b\b          \b\b\b\b\b\b\b\b\b\bStatus: REGISTERED", "Status: REGISTERED"),
    (" --More-- \r          \r  Status: REGISTERED", "  Status: REGISTERED"),
    ("\x1b[7m--More--\x1b[27m\r\x1b[K  Status: REGISTERED", "  Status: REGISTERED"),
    ("  Smart Account: Acme --More--", "  Smart Account: Acme"),
    ("<--- More --->", ""),
    ("-- More --", ""),
], ids=["alone", "alone-no-space", "prefix", "backspace-erase", "cr-erase", "ansi-erase", "suffix",
        "angle", "spaced"])
def test_pager_leftovers(raw, clean):
    assert clean_line(raw) == clean


def test_words_containing_more_are_not_pager_prompts():
    assert clean_line("Furthermore, see --more-info below") == "Furthermore, see --more-info below"


def test_tabs_are_kept_and_trailing_space_dropped():
    assert clean_line("callhome\tenabled   ") == "callhome\tenabled"


def test_line_numbers_survive_every_clean_up():
    raw = (b"\x1b[1mleaf01#\x1b[0m show license status\r\n"     # 1 colour + CRLF
           b"Smart Licensing is ENABLED\r\n"                      # 2
           b" --More-- \r          \r\r\n"                        # 3 pager, erased: empty line
           b"Registration:\r\n"                                   # 4
           b"  Status: REGISTER\x08\x08\x08\x08\x08\x08\x08\x08REGISTERED\r\n"  # 5 backspaces
           b"  Smart Account: Acme \xc9tudes\r\n"                 # 6 latin-1
           b"\r\n"                                                # 7 blank
           b"\x1b[7m--More--\x1b[m\r\x1b[K  Virtual Account: DC\r\n")  # 8
    assert lines_of(raw) == [
        (1, "leaf01# show license status"),
        (2, "Smart Licensing is ENABLED"),
        (3, ""),
        (4, "Registration:"),
        (5, "  Status: REGISTERED"),
        (6, "  Smart Account: Acme Études"),
        (7, ""),
        (8, "  Virtual Account: DC"),
    ]


# -- what is not text -----------------------------------------------------------------

def test_binary_input_is_an_input_error():
    with pytest.raises(InputError, match="binary"):
        lines_of(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00")


def test_text_that_is_mostly_nul_is_binary():
    with pytest.raises(InputError, match="binary"):
        lines_of(b"show clock\n\x00\x00\x00\x00")


CONFIG = ("!Command: show running-config\n!Time: Tue Oct 10 14:03:00 2023\n\nversion 9.3(8) Bios:version 05.45\n"
          "hostname leaf01\nfeature lldp\nusername admin password 5 $5$abc role network-admin\n"
          "ip domain-lookup\nip name-server 10.0.0.53 use-vrf management\ncallhome\n"
          "  email-contact noc@example.net\n  destination-profile CiscoTAC-1 transport-method http\n"
          "  destination-profile CiscoTAC-1 index 1 http https://tools.cisco.com/its/service/oddce/services/DDCEService\n"
          "  transport http use-vrf management\n  enable\nline console\nline vty\n")


def _nul_variants() -> dict[str, bytes]:
    raw = CONFIG.encode()
    at = raw.index(b"feature")
    return {
        "one-at-start": b"\x00" + raw,
        "one-in-the-middle-of-a-line": raw.replace(b"hostname leaf01", b"hostname le\x00af01"),
        "one-at-a-line-end": raw.replace(b"feature lldp\n", b"feature lldp\x00\n"),
        "several-here-and-there": raw.replace(b"\n", b"\n\x00", 4),
        "a-short-run": raw[:at] + b"\x00" * 8 + raw[at:],
        "telnet-cr-nul-padding": raw.replace(b"\n", b"\r\x00\n"),
        "telnet-padding-and-a-stray-one": raw.replace(b"\n", b"\r\x00\n").replace(b"callhome", b"call\x00home", 1),
    }


@pytest.mark.parametrize("name", sorted(_nul_variants()))
def test_stray_nul_bytes_in_text_are_text(name):
    data = _nul_variants()[name]
    assert not looks_binary(data)
    assert [text for _, text in lines_of(data)] == CONFIG.rstrip("\n").split("\n")


def _elf() -> bytes:
    head = (b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00>\x00\x01\x00\x00\x00" + bytes(40))
    code = bytes((i * 37 + 11) % 256 for i in range(6000))  # machine code: every byte value
    return head + code + b"GCC: (GNU) 12.2.0\x00.text\x00.data\x00" + bytes(512)


def _png() -> bytes:
    import random
    import zlib

    body = zlib.compress(random.Random(3).randbytes(9000))
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
            + len(body).to_bytes(4, "big") + b"IDAT" + body + b"\x00\x00\x00\x00IEND\xaeB`\x82")


def _compressed_without_gzip_header() -> bytes:
    import random
    import zlib

    return zlib.compress(random.Random(4).randbytes(20000))[2:]


@pytest.mark.parametrize("data", [_elf(), _png(), _compressed_without_gzip_header(), _png()[:300]],
                         ids=["elf", "png", "raw-deflate", "png-head"])
def test_real_binaries_are_binary(data):
    assert looks_binary(data)


def test_random_control_bytes_are_binary():
    assert looks_binary(bytes(range(1, 32)) * 20)
    assert not looks_binary(SHOW_CLOCK.encode())
    assert not looks_binary(b"")


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE], ids=["empty", "utf8-bom", "utf16-bom"])
def test_empty_input_is_an_input_error(data):
    with pytest.raises(InputError, match="empty"):
        lines_of(data)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty") as exc:
        list(read_lines(str(path)))
    assert exc.value.path == str(path)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_lines(str(tmp_path / "nope.txt")))
    with pytest.raises(InputError, match="directory"):
        list(read_lines(str(tmp_path)))


# -- gzip ----------------------------------------------------------------------------

def test_gzip_is_recognised_by_magic_bytes_not_extension(tmp_path):
    path = tmp_path / "leaf01-showtech.txt"  # no .gz suffix
    path.write_bytes(gzip.compress(SHOW_CLOCK.encode()))
    assert list(read_lines(str(path))) == EXPECTED


def test_gz_suffix_on_plain_text_is_read_as_text(tmp_path):
    path = tmp_path / "capture.txt.gz"
    path.write_bytes(SHOW_CLOCK.encode())
    assert list(read_lines(str(path))) == EXPECTED


def test_gzip_of_utf16_with_crlf(tmp_path):
    path = tmp_path / "putty.log"
    path.write_bytes(gzip.compress(codecs.BOM_UTF16_LE + SHOW_CLOCK.replace("\n", "\r\n").encode("utf-16-le")))
    assert list(read_lines(str(path))) == EXPECTED


def _big_text(n: int = 20000) -> bytes:
    return "".join(f"2023 Mar  3 09:{i // 60 % 60:02d}:{i % 60:02d} leaf01 %ETHPORT-5-IF_UP: Interface "
                   f"Ethernet1/{i % 48 + 1} is up\n" for i in range(n)).encode()


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    data = gzip.compress(_big_text())
    path = tmp_path / "showtech.gz"
    path.write_bytes(data[: len(data) // 2])
    stats = ReadStats()
    got = list(read_lines(str(path), stats))  # no exception
    assert stats.truncated and "truncated" in stats.truncated
    assert 100 < len(got) < 20000
    assert [no for no, _ in got] == list(range(1, len(got) + 1))
    assert got[0][1].startswith("2023 Mar  3 09:00:00 leaf01 %ETHPORT-5-IF_UP")
    assert stats.lines == len(got)


def test_gzip_missing_only_its_trailer(tmp_path):
    data = gzip.compress(SHOW_CLOCK.encode())
    path = tmp_path / "clock.gz"
    path.write_bytes(data[:-8])  # CRC and size gone
    stats = ReadStats()
    got = list(read_lines(str(path), stats))
    assert got == EXPECTED
    assert stats.truncated


def test_gzip_header_only_is_an_input_error(tmp_path):
    path = tmp_path / "broken.gz"
    path.write_bytes(gzip.compress(_big_text(50))[:12])
    with pytest.raises(InputError, match="gzip"):
        list(read_lines(str(path)))


def test_open_binary_gunzips_by_content(tmp_path):
    plain, packed = tmp_path / "a.log", tmp_path / "b.log"
    plain.write_bytes(SHOW_CLOCK.encode())
    packed.write_bytes(gzip.compress(SHOW_CLOCK.encode()))
    for path in (plain, packed):
        stream = open_binary(str(path))
        try:
            assert stream.read() == SHOW_CLOCK.encode()
        finally:
            stream.close()


# -- streaming -------------------------------------------------------------------------

def test_lines_across_chunk_boundaries(monkeypatch):
    import diag.capture as capture

    monkeypatch.setattr(capture, "SNIFF", 7)
    monkeypatch.setattr(capture, "CHUNK", 5)
    data = ("ligne é\r\n" * 3 + "fin").encode()
    assert lines_of(data) == [(1, "ligne é"), (2, "ligne é"), (3, "ligne é"), (4, "fin")]


def test_utf16_across_chunk_boundaries(monkeypatch):
    import diag.capture as capture

    monkeypatch.setattr(capture, "SNIFF", 9)  # odd: splits a UTF-16 code unit
    monkeypatch.setattr(capture, "CHUNK", 3)
    data = codecs.BOM_UTF16_LE + SHOW_CLOCK.replace("\n", "\r\n").encode("utf-16-le")
    assert lines_of(data) == EXPECTED


@pytest.mark.parametrize("chunk", [3, 4, 5, 1 << 20])
@pytest.mark.parametrize("wide", [False, True])
def test_a_capture_in_bare_carriage_returns_that_later_ends_lines_in_newlines(monkeypatch, chunk, wide):
    # the first lines decide that bare CRs end lines; a paste appended later ends its lines
    # in \n or \r\n: each of them ends a line too, and no line holds a newline (the
    # configuration templates would read such a line as two, TextFSM as one)
    import diag.capture as capture

    monkeypatch.setattr(capture, "SNIFF", 48)  # holds a CR and no newline: CRs end lines
    monkeypatch.setattr(capture, "CHUNK", chunk)
    text = "leaf01# show clock\r10:15:02.117 UTC Tue May 16 2023\rleaf01# x\ny\r\nz\r\r\nlast"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le") if wide else text.encode()
    got = lines_of(data)
    assert [t for _, t in got] == ["leaf01# show clock", "10:15:02.117 UTC Tue May 16 2023", "leaf01# x", "y",
                                   "z", "", "last"]
    assert not any("\n" in t for _, t in got)


def test_fast_skipping_feed_gives_the_same_sections_as_line_by_line(tmp_path):
    """capture.feed jumps over skipped sections in bytes; the result must not change."""
    from diag.capture import feed, iter_lines
    from diag.split import Splitter

    parts = ["`show version`", "Cisco Nexus Operating System (NX-OS) Software", "  NXOS: version 9.3(8)",
             "`show interface`"]
    parts += [f"Ethernet1/{i} is up, 100% util #{i}" if i % 7 == 0 else f"  counters {i} x" for i in range(3000)]
    parts += ["`show license status`", "Smart Licensing is ENABLED", "", "Registration:", "  Status: REGISTERED",
              "`show processes cpu`"] + [f"  pid {i} 0%" for i in range(500)]
    parts += ["2023 Mar  3 09:12:44 sw %LICMGR-3-LOG_SMART_LIC_COMM_FAILED: Communications failure",
              "sw# show clock", "10:15:02.117 UTC Tue May 16 2023", "sw# show interface brief"]
    parts += [f"Eth1/{i} up" for i in range(200)] + ["  ! diag: ignore all -- test", "sw# exit"]
    data = ("\r\n".join(parts) + "\r\n").encode()
    path = tmp_path / "t.txt"
    path.write_bytes(data)

    def run(fast: bool):
        splitter = Splitter(str(path))
        with open(path, "rb") as fh:
            if fast:
                feed(fh, str(path), splitter)
            else:
                for no, text in iter_lines(fh, str(path)):
                    splitter.feed(no, text)
        r = splitter.finish()
        return ([(s.command, s.start, s.lines) for s in r.sections], dict(r.skipped), r.skipped_lines,
                r.unrecognised_lines, [(x.line, x.rules) for x in r.suppressions])

    assert run(True) == run(False)
