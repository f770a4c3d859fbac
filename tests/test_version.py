"""NX-OS release parsing, ordering and licensing mode (knowledge file, section 8)."""

from __future__ import annotations

import pytest

from diag.version import Release, licensing_mode_for


def R(text: str) -> Release:
    rel = Release.parse(text)
    assert rel is not None, text
    return rel


# text -> (major, minor, maint, rebuild, tag, designator, train, train_rebuild, kind)
FORMS = {
    "7.0(3)I7(8)": (7, 0, 3, "", "", "I", 7, 8, ""),
    "6.0(2)U6(10)": (6, 0, 2, "", "", "U", 6, 10, ""),
    "7.3(8)N1(1)": (7, 3, 8, "", "", "N", 1, 1, ""),
    "6.0(2)A8(11)": (6, 0, 2, "", "", "A", 8, 11, ""),
    "7.0(3)IA7(1)": (7, 0, 3, "", "", "IA", 7, 1, ""),
    "5.2(1)N1(9b)": (5, 2, 1, "", "", "N", 1, 9, ""),
    "9.3(4)": (9, 3, 4, "", "", "", 0, 0, ""),
    "9.3(10)": (9, 3, 10, "", "", "", 0, 0, ""),
    "9.3(5a)": (9, 3, 5, "a", "", "", 0, 0, ""),
    "8.4(2c)": (8, 4, 2, "c", "", "", 0, 0, ""),
    "10.2(3)F": (10, 2, 3, "", "", "", 0, 0, "F"),
    "10.2(5)M": (10, 2, 5, "", "", "", 0, 0, "M"),
    "10.4(1)F": (10, 4, 1, "", "", "", 0, 0, "F"),
    "10.2(3t)": (10, 2, 3, "", "t", "", 0, 0, ""),
    "9.3(6uu)I9(1uu)": (9, 3, 6, "", "uu", "I", 9, 1, ""),
}


@pytest.mark.parametrize("text", sorted(FORMS))
def test_parse_every_form(text):
    rel = R(text)
    got = (rel.major, rel.minor, rel.maint, rel.rebuild, rel.tag, rel.designator, rel.train,
           rel.train_rebuild, rel.kind)
    assert got == FORMS[text]
    assert str(rel) == text  # the text is kept exactly as printed


@pytest.mark.parametrize("line, text", [
    ("NXOS: version 9.3(8)", "9.3(8)"),
    ("  NXOS: version 10.2(3) [Feature Release]", "10.2(3)"),
    ("version 9.3(4) Bios:version 07.67", "9.3(4)"),
    (" NXOS: version 9.3(6uu)I9(1uu) [build 9.3(6)]", "9.3(6uu)I9(1uu)"),
    ("system:    version 7.1(4)N1(1)", "7.1(4)N1(1)"),
    ("nxos64-cs.10.2.3.F.bin", None),  # image file names are not releases
    ("", None),
    ("no release here", None),
])
def test_parse_finds_the_first_release_in_text(line, text):
    rel = Release.parse(line)
    assert (str(rel) if rel else None) == text


def test_feature_letter_is_not_a_designator_when_a_train_follows():
    # 7.0(3)F3(4) is a legacy N9K "F" train, not a 7.0(3) Feature Release
    rel = R("7.0(3)F3(4)")
    assert (rel.designator, rel.train, rel.train_rebuild, rel.kind) == ("F", 3, 4, "")


def test_sample_ordering():
    chain = ["7.0(3)I7(8)", "9.3(4)", "9.3(10)", "10.1(2)", "10.2(1)F", "10.2(3)F", "10.2(5)M", "10.4(1)F"]
    rels = [R(t) for t in chain]
    for older, newer in zip(rels, rels[1:]):
        assert older < newer, (older, newer)
        assert newer > older
        assert older != newer
    assert sorted(reversed(rels)) == rels


def test_numeric_not_string_comparison():
    assert R("9.3(10)") > R("9.3(4)")
    assert R("10.1(2)") > R("9.3(13)")
    assert R("7.0(3)I7(10)") > R("7.0(3)I7(8)")
    assert R("6.0(2)U6(10)") > R("6.0(2)U6(9)")


def test_equality_ignores_feature_maintenance_and_platform_tag():
    assert R("10.2(3)") == R("10.2(3)F") == R("10.2(3t)")
    assert hash(R("10.2(3)")) == hash(R("10.2(3)F")) == hash(R("10.2(3t)"))
    assert len({R("10.2(3)"), R("10.2(3)F"), R("10.2(3t)")}) == 1
    assert R("10.2(5)") == R("10.2(5)M")


def test_letter_rebuilds():
    assert R("9.3(5)") < R("9.3(5a)") < R("9.3(5b)") < R("9.3(6)")
    assert R("8.4(2)") < R("8.4(2b)") < R("8.4(2c)") < R("8.4(3)")
    assert R("9.3(5a)") != R("9.3(5)")


def test_legacy_designator_releases_are_older_than_9x_and_10x():
    for legacy in ("7.0(3)I7(10)", "7.3(8)N1(1)", "6.0(2)U6(10)", "8.4(2c)"):
        assert R(legacy) < R("9.3(1)") < R("10.2(1)F")


def test_upgrade_image_tag_is_not_a_rebuild():
    rel = R("9.3(6uu)I9(1uu)")
    assert R("9.3(6)") < rel < R("9.3(6a)") < R("9.3(7)")


def test_with_kind_marks_feature_release_and_keeps_text():
    rel = R("10.2(3)").with_kind("Feature Release")
    assert rel.kind == "F" and str(rel) == "10.2(3)" and rel == R("10.2(3)F")
    assert R("10.2(5)").with_kind("Maintenance Release").kind == "M"
    assert R("9.3(8)").with_kind("") is not None


def test_coerce():
    assert Release.coerce("9.3(3)") == R("9.3(3)")
    rel = R("9.3(3)")
    assert Release.coerce(rel) is rel
    with pytest.raises(ValueError):
        Release.coerce("not a release")


@pytest.mark.parametrize("release, platform, mode", [
    # Nexus 3000/9000: traditional before 9.3(3), classic 9.3(3)..10.1(x), SLP from 10.2(1)
    ("7.0(3)I7(8)", "C93180YC-EX", "traditional"),
    ("9.3(2)", "C93180YC-EX", "traditional"),
    ("9.3(3)", "C93180YC-EX", "classic"),
    ("9.3(13)", "C93180YC-FX", "classic"),
    ("10.1(2)", "C93180YC-FX", "classic"),
    ("10.2(1)F", "C93180YC-FX", "slp"),
    ("10.2(3)", "Nexus9000 C9332D-GX2B", "slp"),
    ("10.4(1)F", "C9364C-GX", "slp"),
    ("10.2(3t)", "Nexus3550-T C3550T-48", "slp"),
    ("9.3(6uu)I9(1uu)", "C9508", "classic"),
    ("7.0(3)I7(8)", "Nexus3000 C3172PQ", "traditional"),
    ("9.3(8)", "Nexus3000 C3232C", "classic"),
    # Nexus 3016 and 3064 never run Smart Licensing
    ("9.3(8)", "Nexus 3064", "traditional"),
    ("9.3(8)", "C3064PQ-10GX", "traditional"),
    ("9.3(8)", "N3K-C3016Q-40GE", "traditional"),
    # Nexus 7000/7700: classic Smart Licensing from 8.0(1)
    ("6.2(14)", "Nexus7000 C7009", "traditional"),
    ("7.3(8)D1(1)", "C7010", "traditional"),
    ("8.0(1)", "Nexus7000 C7010", "classic"),
    ("8.4(2c)", "Nexus7700 C7706", "classic"),
    ("8.4(2c)", "N7K-C7018", "classic"),
    # older trains and other families: traditional
    ("6.0(2)U6(10)", "Nexus 3048", "traditional"),
    ("7.3(8)N1(1)", "Nexus 5672UP", "traditional"),
])
def test_licensing_mode_for(release, platform, mode):
    assert licensing_mode_for(R(release), platform) == mode


def test_licensing_mode_without_platform_or_release():
    assert licensing_mode_for(None, "C93180YC-EX") == "unknown"
    assert licensing_mode_for(R("9.3(4)")) == "classic"
    assert licensing_mode_for(R("10.2(3)F")) == "slp"
    # NX-OS 8.x is the Nexus 7000 line (classic Smart Licensing from 8.0(1)); the Nexus 9000
    # went from 7.0(3)I7 to 9.2
    assert licensing_mode_for(R("8.4(2c)")) == "classic"
    assert licensing_mode_for(R("7.0(3)I7(8)")) == "traditional"
    assert licensing_mode_for(R("9.2(4)")) == "traditional"
    # 'license smart enable' in the configuration: only classic Smart Licensing accepts it
    assert licensing_mode_for(R("7.0(3)I7(8)"), "", smart_config=True) == "classic"
    assert licensing_mode_for(R("9.3(8)"), "N3K-C3064PQ-10GX", smart_config=True) == "traditional"
    assert licensing_mode_for(R("10.2(3)F"), "", smart_config=True) == "slp"
