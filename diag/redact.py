"""Redact captures before they leave the building: ``diag redact`` and ``diag check --redact``.

A TAC bundle holds what the diagnosis needs (states, dates, URLs, VRFs, interface
names, failure reasons) next to what nobody outside should see (host names,
addresses, accounts, contacts, serial numbers, tokens, passwords). This module
replaces the second kind with *placeholders* and keeps the first kind as it is.

How it works
------------
* Lines come from :mod:`diag.capture` (decoding, terminal clean-up, one line per
  ``\\n``), so one output line stands for each input line and line numbers never move.
  A binary or undecodable input raises ``InputError`` exactly as ``diag check`` does.
* Each line is read **in context** first: a prompt, ``hostname``, ``Device name:``,
  a syslog line's host, ``username X password 5 ...``, ``snmp-server community X``,
  ``Smart Account: X``, ``Processor Board ID X``, ``VDH=X``, ``license smart register
  idtoken X`` and so on name the kind of the value exactly. Then **patterns** find
  what has a shape of its own anywhere (URLs, e-mail addresses, IPv4/IPv6 addresses,
  fully qualified names, international phone numbers, crypt hashes), then what merely
  *looks* secret: an unknown ``password`` / ``secret`` / ``key`` / ``token`` followed by a
  value, a long base64 or hex blob. Unknown is redacted, never kept.
* A run makes **two passes** over all its inputs: the first learns every value it
  finds in context, the second replaces them, and also replaces each learned value
  wherever else it appears (a host name in a banner line, a serial number inside a
  license file name, a token echoed in an error message), in every file of the run.
* Placeholders are a keyed HMAC of the value: the same value gets the same
  placeholder in every file of a run (devices still group, cross-file rules still
  work), and the same key gives the same placeholders in another run. They keep the
  type (an address stays an address, in a range never routed).
* Placeholders are recognised and kept, so redacting a redacted file changes nothing.
* Nothing from outside a folder is read: :func:`walk` follows a link to a file inside the
  folder once (copied as a plain file), never a link to a folder, and skips (and reports)
  every link leading outside, broken or looping. A path named by the user is followed.

What is replaced and what is kept, value by value, and each placeholder's shape:
docs/redaction.md.

Nothing here prints or exits; :mod:`diag.cli` does.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import hashlib
import hmac
import io
import ipaddress
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from diag.capture import GZIP_MAGIC, ReadStats, open_binary, read_lines, refused_as_binary
from diag.commands import resolve
from diag.errors import DiagError, InputError
from diag.inputs import special_file
from diag.split import prompt

MAP_SCHEMA = "diag-redact-map/1"

# kind -> what the summary calls it
KINDS: dict[str, str] = {
    "hostname": "host names",
    "domain": "domain names",
    "ipv4": "IPv4 addresses",
    "ipv6": "IPv6 addresses",
    "email": "e-mail addresses",
    "phone": "phone numbers",
    "street": "street addresses and locations",
    "contact": "contact names",
    "customer-id": "customer ids",
    "contract-id": "contract ids",
    "site-id": "site ids",
    "smart-account": "Smart Account names",
    "virtual-account": "Virtual Account names",
    "token": "ID and trust tokens",
    "serial": "serial numbers and host ids",
    "license-key": "license keys and PAKs",
    "username": "user names",
    "secret": "passwords, keys and community strings",
    "unknown-secret": "unrecognised secret-looking values",
    "cert-name": "certificate subject names",
}

# Placeholder prefixes (name-like kinds); the hex part is the keyed HMAC of the value.
_PREFIX = {
    "device": "switch", "host": "host", "domain": "domain", "street": "address", "contact": "contact",
    "customer-id": "customer", "contract-id": "contract", "site-id": "site", "smart-account": "account",
    "virtual-account": "vaccount", "username": "user", "token": "token", "secret": "secret",
    "unknown-secret": "secret", "license-key": "license", "cert-name": "name",
}
_HEX_LEN = {"token": 8, "secret": 8, "unknown-secret": 8, "license-key": 8}
# Kinds whose values share placeholders (a name seen as a host and as a device is one
# name), and kinds whose values are told apart exactly as written (case, spaces).
_FAMILY = {"device": "name", "host": "name", "domain": "name", "unknown-secret": "secret"}
_VERBATIM = {"secret", "unknown-secret", "token", "license-key", "ipv4", "ipv6"}

# Every placeholder shape this module writes (except addresses and phone numbers, which
# are recognised by value): kept as they are, so a second run changes nothing.
PLACEHOLDER = re.compile(
    r"(?<![\w.-])(?:"
    r"(?:switch|host|user|contact|address|customer|contract|site|account|vaccount|name)-[0-9a-f]{6,16}"
    r"(?:\.example)?"
    r"|domain-[0-9a-f]{6,16}\.example"
    r"|(?:secret|token|license)-[0-9a-f]{8,16}"
    r"|email-[0-9a-f]{6,16}@example\.com"
    r"|SER[0-9A-F]{8,12}"
    r")(?![\w-])"
)

_V4_POOL = ipaddress.ip_network("198.18.0.0/15")
_V6_POOL = ipaddress.ip_network("2001:db8::/32")
_V4_KEEP = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/4", "240.0.0.0/4",  # this network, loopback, multicast, reserved
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",  # documentation (RFC 5737)
    "198.18.0.0/15",  # where IPv4 placeholders live
)]
_PHONE_PH = re.compile(r"^\+1555\d{7}$")

CISCO_EMAIL = "sch-smart-licensing@cisco.com"

# Words that are never learned as a value to replace everywhere (they are still
# replaced where a context names them, e.g. 'username admin'): NX-OS defaults and
# common words that occur in outputs diag reads.
_COMMON = set("""
admin administrator root user users guest operator network-admin network-operator vdc-admin
switch router default management mgmt mgmt0 cisco none null empty not configured enable enabled
disable disabled yes no true false on off unknown any all local public private test lab
ciscotac-1 callhome smart license licensing http https email server host name port vrf
global internal external primary secondary backup main core edge access leaf spine
""".split())
# Values that follow a secret-looking keyword in free text and are not secrets.
_NOT_SECRET = set("""
is was are were be been has have had not the a an to for of in on with from and or by at as
will must can cannot could should may might did does do expired invalid valid required
encryption strength-check secure-mode lifetime group role auth priv md5 sha sha1 sha-256 type
chain config-key ascii length max-length min-length history prompt change policy reset
recovery rejected revoked missing set unset use-vrf vrf port default key keys format
typed created issues belongs instead then that which this fails failed error used
installed install installation value values string strings column field word words file
param generate zeroize import export label rsa ecc dsa mypubkey pubkey pair modulus exportable
extended standard both large id ids
""".split())
_LEARN_MIN = 3

# a jump host's shell prompt: user@host:~$, [user@host ~]$, root@host:/var/log#, user@host ~ %,
# after what a shell or a logger may put in front of it ((venv), [10:01:02], 2023-03-16 10:01:02)
_SHELL_PRE = r"(?:(?:\([\w.@-]{1,40}\)|\[[\d:. -]{5,30}\]|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?Z?)\s*)*"
_SHELL_PROMPT = re.compile(
    r"^" + _SHELL_PRE + r"\[?(?P<user>[A-Za-z_][\w.-]{0,31})@(?P<host>[A-Za-z0-9][\w.-]{0,62})"
    r"(?:[: ][^$#>\]\n]{0,255})?\]?[$#>%]\s?")
# macOS / BSD: jump01:~ user$  (host, then a path from ~ or /, then the user)
_SHELL_PROMPT_BSD = re.compile(
    r"^" + _SHELL_PRE + r"(?P<host>[A-Za-z0-9][\w.-]{0,62}):(?:~|/(?!/))[^\s$#]{0,255}\s+(?P<user>[A-Za-z_][\w.-]{0,31})"
    r"[$#%](?:\s|$)")
_NAME_OK = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?$")
_MAC = re.compile(r"^(?:[0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$|^(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")
# Cisco's public hosts carry the diagnosis; the GNU and OSI sites are in every show version banner.
_PUBLIC_HOST = re.compile(r"(?i)^(?:[a-z0-9-]+\.)*(?:cisco\.com|gnu\.org|opensource\.org)\.?$")
# NX-OS file systems: bootflash://sup-1/... names a supervisor, not a host
_FS_SCHEME = re.compile(r"(?i)^(?:bootflash|slot\d|usb\d|logflash|volatile|nvram|modflash|debug|log|system|"
                        r"cdrom|bootflash-\w+)$")
_PUBLIC_CA = re.compile(r"(?i)quovadis|identrust|cisco|digicert|hydrantid|globalsign|entrust|sectigo|"
                        r"comodo|godaddy|verisign|thawte|baltimore|let'?s encrypt|isrg|amazon|microsoft|"
                        r"usertrust|certum|geotrust|starfield|buypass|actalis|swisssign")
# file extensions that are also two-letter country codes (or look like one)
_FILE_EXT = set("gz bz xz lz md sh py pl rb js ts cc so rs ps db mk in am ai bin lic txt log cfg conf tar tgz zip"
                .split())
_TLD_GENERIC = ("com|net|org|edu|gov|mil|int|io|biz|info|local|localdomain|lan|corp|internal|intra|"
                "intranet|home|example|test|invalid|cloud|online|site|tech|dev|app|global|group|"
                "company|services|network|systems|solutions|xyz|me|tv|cc")


# -- patterns found anywhere ---------------------------------------------------------
_c = re.compile
_URL = _c(r"(?i)(?<![\w.+-])(?P<scheme>[a-z][a-z0-9+.-]{1,15})://(?:(?P<userinfo>[^\s/'\"<>]+)@)?"
          r"(?P<host>\[[0-9a-f:.]+\]|[^\s/:?#'\"<>\[\]]+)(?::(?P<port>\d{1,5}))?(?P<rest>[^\s'\"<>]*)")
_EMAIL = _c(r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,24}(?![\w-])")
_CRYPT = _c(r"(?<![\w$])\$(?:1|2[abxy]?|5|6|7|8|9|y|gy|sha1|md5)\$[./A-Za-z0-9=+-]{0,64}\$[./A-Za-z0-9=+-]{4,}")
_IPV4 = _c(r"(?<![\w.])(?<![A-Za-z]-)(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
# in a file name an address may be glued to a word (site10.40.1.53.log, x-10.40.1.53.txt):
# only digits and dots around it say it is not one
_IPV4_IN_NAME = _c(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")
_IPV6 = _c(r"(?<![\w:.])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)(?:[0-9A-Fa-f]{0,4}:){2,7}"
           r"(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])")
_FQDN = _c(r"(?i)(?<![\w.@/%$-])(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+"
           r"(?:(?:" + _TLD_GENERIC + r")|[a-z]{2})\.?(?![\w-]|\.[a-z0-9])")
_PHONE = _c(r"(?<![\w+])\+\d{1,3}(?:[ -]?\(?\d{1,5}\)?){2,6}(?![\w-])")
_HEXBLOB = _c(r"(?<![\w:$])(?:0x)?[0-9A-Fa-f]{32,}(?![\w:])")
_B64BLOB = _c(r"(?<![\w+/=%$-])[A-Za-z0-9+/%]{32,}={0,2}(?![\w+/=%-])")
# (a character every match holds, pattern, kind): what has a shape of its own
_SHAPES = (("@", _EMAIL, "email"), ("$", _CRYPT, "secret"), (".", _IPV4, "ipv4"), (":", _IPV6, "ipv6"))
# Secret-looking keyword followed by a value: label style ("Password: x", "token=x") in
# any case, and configuration style (lower case keyword, optional algorithm and type).
_SECRET_LABEL = _c(r"(?i)(?<![\w-])(?:[a-z0-9]+[-_])*(?:password|passwd|pwd|secret|passphrase|token|idtoken|"
                   r"api[-_]?key|pre-shared-key|shared[-_]?secret|auth[-_]?key|authentication[-_]key|private[-_]key|"
                   r"community|credentials?)\s*[:=]\s*(?P<v>\"[^\"]*\"|'[^']*'|[^\s,;]+)")
_SECRET_CONF = _c(r"(?<![\w-])(?:[a-z0-9]+[-_])*(?:password|passwd|secret|passphrase|token|idtoken|community|key|"
                  r"pre-shared-key|psk)\s+(?:(?:md5|sha\d*|sha-\d+|aes-\d+|des|3des|cleartext|encrypted|"
                  r"hidden|unencrypted)\s+)?(?:[0-9]\s+)?(?P<v>\"[^\"]*\"|'[^']*'|[^\s,;]+)")


# -- contexts: a line shape that says what its value is -------------------------------
def _context(pattern: str, kinds: str | dict[str, str], *triggers: str):
    """(pattern, {group: kind}, triggers): ``kinds`` names the kind of each named group (a
    string: of every group). A pattern runs only on a line holding one of its triggers
    (lower case), so that most lines of a show tech-support cost a few substring tests."""
    rx = re.compile(pattern)
    return rx, dict.fromkeys(rx.groupindex, kinds) if isinstance(kinds, str) else kinds, triggers


def _kw(word: str, least: int) -> str:
    """A keyword as NX-OS accepts it typed: any prefix of ``word`` of ``least`` characters or
    more (``street``, ``streetadd``, ``streetaddress``); the caller makes it case-insensitive."""
    rx = ""
    for ch in reversed(word[least:]):
        rx = f"(?:{re.escape(ch)}{rx})?"
    return re.escape(word[:least]) + rx + r"(?![\w-])"


# a value: in double quotes (the quotes stay) or one word / the rest of the line
_VALUE_WORD = r"(?:\"(?P<q>[^\"]*)\"(?!\S)|(?P<v>\S+))"
_VALUE_TO_END = r"(?:\"(?P<q>[^\"]*)\"\s*$|(?P<v>\S.*?)\s*$)"
# a configuration value, not an output's next label ('Custom Id: X' is no 'customer-id' typed short)
_NOT_LABEL = r"(?![\w-]+\s*:(?:\s|$))"

# Applied to the line (after a prompt: to the command typed).
_CONTEXTS: list[tuple[re.Pattern, dict[str, str], tuple[str, ...]]] = [
    # device names
    _context(r"^\s*(?:hostname|switchname)\s+(?P<d>\S+)", "device", "name"),
    _context(r"^\s*vdc\s+(?P<d>[A-Za-z0-9][\w.-]*)(?=\s+id\s+\d|\s*$)", "device", "vdc"),
    _context(r"\bDevice name\s*:\s*(?P<d>\S+)", "device", "device name"),
    # domain and host names
    _context(r"^\s*(?:ip|ipv6)\s+domain-(?:name|list)\s+(?P<n>\S+)", "domain", "domain-"),
    _context(r"\bDefault domain (?:for vrf:\S+ )?is\s+(?P<n>\S+)", "domain", "default domain"),
    _context(r"^\s*(?:ip|ipv6)\s+host\s+(?P<h>\S+)", "host", "host"),
    _context(r"\btransport\s+http\s+proxy\s+server\s+(?P<h>\S+)", "hostish", "proxy"),
    _context(r"(?i)\bhttp proxy server\s*:\s*(?P<h>\S+)", "hostish", "proxy server"),
    _context(r"(?i)\bsmtp server\s*:\s*(?P<h>[^\s:]+)", "hostish", "smtp"),
    _context(r"\bsmtp-server\s+(?P<h>[^\s:]+)", "hostish", "smtp"),
    _context(r"^\s*Address\s*:\s*(?P<h>\S+)", "hostish", "address"),
    _context(r"^\s*(?:ntp|logging|tacacs-server|radius-server|snmp-server|ldap-server)\s+(?:server|host|peer)\s+"
             r"(?P<h>[^\s,]+)", "hostish", "server", "host", "peer"),
    _context(r"^\s*license\s+smart\s+proxy\s+(?:\S+\s+)?(?P<h>[A-Za-z0-9][^\s:]*)(?=\s+port|\s*$)", "hostish", "proxy"),
    _context(r"^\s*(?:do\s+)?(?:ping6?|telnet6?|traceroute6?|tracert|nslookup)\s+(?:-\S+\s+)*"
             r"(?P<h>[A-Za-z0-9][\w.:-]*)", "hostish", "ping", "telnet", "trac", "nslookup"),
    # ssh / scp / sftp only in the user@host and -l user forms ('ssh key rsa' is configuration)
    _context(r"^\s*(?:do\s+)?(?:ssh6?|scp|sftp|telnet)\s+(?:-\S+\s+)*(?P<u>[\w.-]+)@(?P<h>[A-Za-z0-9][\w.:-]*)",
             {"u": "username", "h": "hostish"}, "@"),
    _context(r"^\s*(?:do\s+)?(?:ssh6?|scp|sftp)\s+(?:-\S+\s+)*-l\s+(?P<u>\S+)\s+(?:-\S+\s+)*"
             r"(?P<h>[A-Za-z0-9][\w.:-]*)", {"u": "username", "h": "hostish"}, "-l"),
    _context(r"^\s*PING\s+(?P<h>\S+)\s+\(", "hostish", "ping"),
    _context(r"^\s*Trying\s+(?P<h>[^\s.][^\s]*?)\.{0,3}\s*$", "hostish", "trying"),
    _context(r"^\s*Connected to\s+(?P<h>\S+?)\.?\s*$", "hostish", "connected to"),
    _context(r"^---\s+(?P<h>\S+)\s+ping(?:6)? statistics", "hostish", "ping"),
    _context(r"(?i)%\s*(?:Invalid host/interface|Unknown host|Invalid host)\s+(?P<h>\S+)", "hostish", "host"),
    _context(r"^\s*(?:Device ID|System Name)\s*:\s*(?P<h>[^\s(]+)(?:\((?P<s>[^)\s]+)\))?",
             {"h": "hostish", "s": "serial"}, "device id", "system name"),
    # users
    _context(r"^\s*username\s+(?:\"(?P<q>[^\"]+)\"|(?P<u>\S+))", "username", "username"),
    _context(r"^\s*snmp-server\s+user\s+(?P<u>\S+)", "username", "snmp"),
    _context(r"\buser=(?P<u>[^\s:@,;]+)", "username", "user="),
    _context(r"^\s*(?:login|Username|User name|user name)\s*:\s*(?P<u>\S+)", "username", "login", "user"),
    # passwords, keys, community strings
    _context(r"^\s*username\s+(?:\"[^\"]+\"|\S+)\s+password\s+(?:[0-9]\s+)?(?P<s>\S+)", "secret", "username"),
    _context(r"^\s*snmp-server\s+community\s+(?:\"(?P<q>[^\"]*)\"|(?P<s>\S+))", "secret", "snmp"),
    _context(r"^\s*snmp-server\s+user\s+\S+.*?\bauth\s+(?:md5|sha\S*)\s+(?P<s>\S+)", "secret", "snmp"),
    _context(r"^\s*snmp-server\s+user\s+\S+.*?\bpriv\s+(?:(?:aes-128|aes-256|aes|3des|des)\s+)?(?P<s>\S+)",
             "secret", "snmp"),
    _context(r"^\s*snmp-server\s+host\s+\S+\s+(?:(?:traps|informs)\s+)?version\s+(?:1|2c|3\s+(?:auth|noauth|priv))\s+"
             r"(?P<s>\S+)", "secret", "snmp"),
    # snmp-server mib community-map <community> context <context>: the community is a password
    _context(r"(?i)^\s*" + _kw("snmp-server", 6) + r"\s+" + _kw("mib", 2) + r"\s+" + _kw("community-map", 4)
             + r"\s+" + _VALUE_WORD, "secret", "snmp"),
    # AAA server test probes: tacacs-server|radius-server host X test [idle-time N] username U password P
    _context(r"(?i)\b(?:tacacs|radius)(?:-server|\+)?\s+host\s+\S+.*?\s" + _kw("test", 2) + r"\s+(?:.*?\s)?"
             + _kw("username", 2) + r"\s+" + _VALUE_WORD, "username", "tacacs", "radius"),
    _context(r"(?i)\b(?:tacacs|radius)(?:-server|\+)?\s+host\s+\S+.*?\s" + _kw("test", 2) + r"\s+(?:.*?\s)?"
             + _kw("password", 2) + r"\s+(?:[0-9]\s+)?" + _VALUE_WORD, "secret", "tacacs", "radius"),
    # test aaa server radius|tacacs+ <server> [vrf V] <user> <password>, test aaa group <group> <user> <password>
    _context(r"(?i)^\s*test\s+aaa\s+(?:server\s+(?:radius|tacacs\+?)\s+\S+|group\s+\S+)(?:\s+vrf\s+\S+)?\s+"
             r"(?P<u>\S+)(?:\s+(?P<s>\S+))?", {"u": "username", "s": "secret"}, "test"),
    # show radius-server / show tacacs-server: the test probe's user and password
    _context(r"(?i)^\s*test\s+user(?:name)?\s*:\s*(?P<u>\S+)", "username", "test user"),
    _context(r"(?i)^\s*test\s+password\s*:\s*(?P<s>\S+)", "secret", "test password"),
    # Call Home / SLP proxy credentials given apart from the URL
    _context(r"(?i)\bproxy\s+(?:\S+\s+)?user(?:name)?\s*[:\s]\s*(?P<u>[^\s:]+)", "username", "proxy"),
    _context(r"\b(?:tacacs-server|radius-server|ldap-server|tacacs|radius)\b.*?\bkey\s+(?:[0-9]\s+)?"
             r"(?:\"(?P<q>[^\"]*)\"|(?P<s>\S+))", "secret", "key"),
    _context(r"\bkey-string\s+(?:[0-9]\s+)?(?:\"(?P<q>[^\"]*)\"|(?P<s>\S+))", "secret", "key-string"),
    _context(r"\bauthentication-key\s+(?:\d+\s+md5\s+)?(?:[0-9]\s+)?(?P<s>\S+)", "secret", "authentication-key"),
    _context(r"\bmessage-digest-key\s+\d+\s+md5\s+(?:[0-9]\s+)?(?P<s>\S+)", "secret", "message-digest-key"),
    # HSRP / VRRP plain-text authentication, PIM hello authentication, MACsec keys
    _context(r"\bauthentication\s+text\s+(?:[0-9]\s+)?(?:\"(?P<q>[^\"]*)\"|(?P<s>\S+))", "secret", "authentication"),
    _context(r"\bhello-authentication\s+ah-md5\s+(?:[0-9]\s+)?(?:\"(?P<q>[^\"]*)\"|(?P<s>\S+))",
             "secret", "hello-authentication"),
    _context(r"\bkey-octet-string\s+(?:[0-9]\s+)?(?P<s>\S+)", "secret", "key-octet-string"),
    _context(r"^\s*(?:password|enable secret|secret)\s+(?:[0-9]\s+)?(?:\"(?P<q>[^\"]*)\"|(?P<s>\S+))",
             "secret", "password", "secret"),
    _context(r"\b(?:register|trust)\s+idtoken\s+(?P<t>\S+)", "token", "idtoken"),
    # contacts (the Call Home contact name is snmp-server contact), typed in any case and
    # abbreviated as NX-OS accepts (streetadd, email, cont), a value quoted or not
    _context(r"(?i)^\s*" + _kw("snmp-server", 6) + r"\s+" + _kw("contact", 4) + r"\s+" + _NOT_LABEL + _VALUE_TO_END,
             "contact", "snmp"),
    _context(r"(?i)^\s*" + _kw("snmp-server", 6) + r"\s+" + _kw("location", 3) + r"\s+" + _NOT_LABEL + _VALUE_TO_END,
             "street", "snmp"),
    _context(r"(?i)^\s*sys\s*contact\s*:\s*" + _VALUE_TO_END, "contact", "sys"),  # show snmp
    _context(r"(?i)^\s*sys\s*location\s*:\s*" + _VALUE_TO_END, "street", "sys"),
    _context(r"(?i)\bcontact\s+person\s+name\s*(?:\(\s*sysContact\s*\))?\s*:\s*" + _VALUE_TO_END, "contact",
             "contact"),
    _context(r"(?i)\bcontact\s+person'?s?\s+e-?mail(?:\s+address)?\s*:\s*(?P<e>\S+)", "email", "contact"),
    _context(r"(?i)\bcontact\s+person'?s?\s+phone(?:\s+number)?\s*:\s*" + _VALUE_TO_END, "phone", "contact"),
    _context(r"(?i)\bstreet[\s-]*addr(?:ess)?\s*:\s*" + _VALUE_TO_END, "street", "street"),
    _context(r"(?i)^\s*site[\s-]*id\s*:\s*" + _VALUE_TO_END, "site-id", "site"),
    _context(r"(?i)^\s*customer[\s-]*id\s*:\s*" + _VALUE_TO_END, "customer-id", "customer"),
    _context(r"(?i)^\s*contract[\s-]*id\s*:\s*" + _VALUE_TO_END, "contract-id", "contract"),
    # callhome configuration: NX-OS streetaddress, IOS street-address (both accepted)
    _context(r"(?i)^\s*" + _kw("email-contact", 6) + r"\s+" + _NOT_LABEL + _VALUE_WORD, "email", "email-"),
    _context(r"(?i)^\s*" + _kw("phone-contact", 6) + r"\s+" + _NOT_LABEL + _VALUE_TO_END, "phone", "phone-"),
    _context(r"(?i)^\s*(?:" + _kw("streetaddress", 6) + r"|" + _kw("street-address", 7) + r")\s+"
             + _NOT_LABEL + _VALUE_TO_END,
             "street", "street"),
    _context(r"(?i)^\s*" + _kw("site-id", 5) + r"\s+" + _NOT_LABEL + _VALUE_TO_END, "site-id", "site-"),
    _context(r"(?i)^\s*" + _kw("customer-id", 5) + r"\s+" + _NOT_LABEL + _VALUE_TO_END, "customer-id", "custo"),
    _context(r"(?i)^\s*" + _kw("contract-id", 5) + r"\s+" + _NOT_LABEL + _VALUE_TO_END, "contract-id", "contr"),
    # the same fields in a Call Home message (XML)
    _context(r"<(?:[\w-]+:)?StreetAddress>(?P<a>[^<]+)<|<(?:[\w-]+:)?(?:ContactEmail|Email)>(?P<e>[^<]+)<"
             r"|<(?:[\w-]+:)?ContactPhoneNumber>(?P<p>[^<]+)<|<(?:[\w-]+:)?Contact(?:Name)?>(?P<c>[^<]+)<"
             r"|<(?:[\w-]+:)?CustomerId>(?P<cu>[^<]+)<|<(?:[\w-]+:)?ContractId>(?P<co>[^<]+)<"
             r"|<(?:[\w-]+:)?SiteId>(?P<si>[^<]+)<",
             {"a": "street", "e": "email", "p": "phone", "c": "contact", "cu": "customer-id", "co": "contract-id",
              "si": "site-id"}, "address>", "email>", "phonenumber>", "contact", "id>"),
    _context(r"(?i)\b(?:from|reply[- ]to|return receipt)\s+email addr\s*:\s*(?P<e>\S+)", "email", "email addr"),
    _context(r"^\s*transport\s+email\s+(?:from|reply-to)\s+(?P<e>\S+)", "email", "transport email"),
    # Smart Licensing accounts and ids (SLP appends "As of <date>": the date stays)
    _context(r"\bSmart Account(?: Name)?\s*:\s*(?P<v>.+?)(?=\s+As of\s|\s*$)", "smart-account", "smart account"),
    _context(r"\bVirtual Account(?: Name)?\s*:\s*(?P<v>.+?)(?=\s+As of\s|\s*$)", "virtual-account", "virtual account"),
    _context(r"\bCustom Id\s*:\s*(?P<v>.+?)\s*$", "customer-id", "custom id"),
    # serial numbers, UDI, host id
    _context(r"(?i)\bProcessor board ID\s+(?P<s>\S+)", "serial", "processor"),
    _context(r"\bSN\s*:\s*(?P<s>[A-Za-z0-9-]+)", "serial", "sn"),
    _context(r"(?i)\bserial\s*=\s*(?P<s>[A-Za-z0-9:-]+)", "serial", "serial"),
    _context(r"(?i)\b(?:system |chassis )?serial(?:[ _-](?:number|no\.?|num))?\s*[:#]\s*(?P<s>[A-Za-z0-9-]{4,})",
             "serial", "serial"),
    _context(r"\bVDH=(?P<s>[A-Za-z0-9]+)", "serial", "vdh="),
    # license keys, PAKs, license file signatures
    _context(r"(?i)<PAK>(?P<k>[^<]+)</PAK>", "license-key", "<pak>"),
    _context(r"(?i)<LicFileID>(?P<k>[^<]+)</LicFileID>", "license-key", "<licfileid>"),
    _context(r"\bPAK\s*[:=#]?\s+(?P<k>[A-Za-z0-9-]{8,})", "license-key", "pak"),
    _context(r"\bSIGN2?=(?P<k>\"[^\"]*\"|\S+)", "license-key", "sign"),
    _context(r"(?i)\blicen[cs]e[ _-]?key\s*[:=]?\s*(?P<k>[A-Za-z0-9-]{8,})", "license-key", "key"),
]


# the extension of a capture's file name (".txt", ".log.gz"), kept as it is
_EXTENSION = re.compile(r"(?:\.(?:txt|log|cfg|conf|out|text|tech|json|md|csv|gz|zip|bak|old))+$", re.I)
_TRIGGERS = re.compile("|".join(re.escape(t) for t in sorted({t for _, _, ts in _CONTEXTS for t in ts},
                                                               key=len, reverse=True)))
_TRIGGER_LIST = sorted({t for _, _, ts in _CONTEXTS for t in ts})
_BY_TRIGGER = {t: [i for i, (_, _, ts) in enumerate(_CONTEXTS) if t in ts] for t in _TRIGGER_LIST}
_SECRET_HINT = re.compile(r"(?i)pass|pwd|secret|token|key|communit|credential|psk")

# distinguished names (certificate subjects and issuers, LDAP bind DNs): attribute values,
# unless they name a public CA
_DN_LINE = _c(r"(?i)^\s*(?:subject|issuer)\s*[=:]|\b(?:rootDN|base-?DN|bind-?DN)\b")
_DN_ATTR = _c(r"(?i)(?:^|[/,\"=]\s*)(?P<attr>CN|O|OU|L|ST|DC|UID|emailAddress)\s*=\s*(?P<v>[^/,\"]+?)\s*"
              r"(?=[/,\"]|$)")
_DN_KEEP_DC = set("com net org edu gov mil int io local lan corp example test internal".split())
_SYSLOG_TS = _c(r"^\*?(?:\d{4}\s+)?[A-Z][a-z]{2}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{1,2}:\d\d:\d\d(?:\.\d+)?")
_SYSLOG_MSG = _c(r"%[A-Z$]|\b[\w.-]+\[\d+\]:")
_ZONE = _c(r"^(?:UTC|GMT|Z|[A-Z]{1,3}[SD]?T|[A-Z]{2,4}ST|[A-Z]{2,4}DT):?$")  # UTC, CEST, PST, AEDT
_SHOWTECH = _c(r"^`(?P<cmd>[a-z][^`]{2,200})`\s*$")


_COMMUNITY_TABLE = _c(r"^\s*Community\s+Group\s*/\s*Access\b")
_PEM_BEGIN = _c(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
_SEND_COMMUNITY = _c(r"(?i)(?<![\w-])send-comm\w*(?:-\w+)?\s+(?:extended|standard|both|large)(?![\w-])")
# a Cisco public name, then its address(es): ip host tools.cisco.com 72.163.4.38, a show hosts
# row, PING tools.cisco.com (72.163.4.38)
_PUBLIC_PAIR = _c(r"(?i)(?<![\w.-])(?:[a-z0-9-]+\.)*cisco\.com\.?(?:\s+\(?|\s*\[)"
                  r"(?P<a>[0-9a-f:.]+(?:[\s,]+[0-9a-f:.]+)*)")
# key = value, key: value (ini, env, YAML, JSON, AWS credentials) when the key names a secret
_KEY_VALUE = _c(r"""(?ix)^\s*(?:export\s+|set\s+|-\s+)?["']?
    (?P<k>(?:[a-z0-9_.-]*?[_.-])?(?:[a-z0-9]*(?:password|passwd|pwd|passphrase|secret|token|credentials?|key))
    (?:[_.-]?id)?)["']?\s*[=:]\s*
    (?P<v>"[^"]*"|'[^']*'|[^\s"'#][^#]*?)\s*[,;]?\s*$""")
_AWS_KEY_ID = _c(r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}"
                 r"(?![A-Za-z0-9])")
_AWS_HINT = _c(r"A[KSBCGINRP][A-Z]A[A-Z0-9]{16}")
_SEGMENT_CUT = _c(r"\s;\s|\bcmd=")
_ACCOUNTING_END = _c(r"\s*\((?:SUCCESS|FAILURE|REDIRECT|FAILED)\)\s*$")


def _segments(text: str, body: int) -> list[tuple[int, int]]:
    """Where commands stand in a line: after the prompt, and in each of several commands
    joined by ' ; ' (typed, or in an accounting log: ``cmd=configure terminal ; callhome ;
    streetaddress ... (SUCCESS)``)."""
    if ";" not in text and "cmd=" not in text:
        return [(body, len(text))]
    end = len(text)
    tail = _ACCOUNTING_END.search(text, body)
    if tail and "cmd=" in text:
        end = tail.start()
    out, pos = [], body
    for cut in _SEGMENT_CUT.finditer(text, body, end):
        out.append((pos, cut.start()))
        pos = cut.end()
    out.append((pos, end))
    return [(s, e) for s, e in out if e > s]


def _fold(value: str) -> str:
    """How a value is compared: case and runs of white space do not count."""
    return " ".join(value.split()).casefold()


def _valid_name(value: str) -> bool:
    return (bool(_NAME_OK.match(value)) and any(c.isalpha() for c in value) and not _MAC.match(value)
            and ".." not in value)


@dataclass
class Entry:
    kind: str
    original: str
    placeholder: str
    count: int = 0


@dataclass
class _FileState:
    """What the line redactor remembers inside one file."""

    known_hosts: set[str] = field(default_factory=set)
    expect_name: bool = False  # the next output line is a device name (show switchname / hostname)
    neighbors: int = 0  # 1: in a cdp/lldp neighbor table, 2: past its header line
    pem: bool = False  # inside a -----BEGIN ... PRIVATE KEY----- block
    communities: bool = False  # in the community table of show snmp / show snmp community


class Redactor:
    """One run's mapping from original values to placeholders, and the line redactor."""

    def __init__(self, key: str | bytes | None = None):
        if key is None:
            self.key = os.urandom(32)
            self.keyed = False
        else:
            self.key = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key
            self.keyed = True
        self.learning = True
        self._entries: dict[tuple[str, str], Entry] = {}
        self._taken: dict[str, tuple[str, str]] = {}
        self._learned: dict[str, Entry] = {}  # casefolded literal -> entry
        self._learned_re: re.Pattern | None = None
        self._learned_path_re: re.Pattern | None = None
        self._device_names: dict[str, str] = {}
        self._device_path_re: re.Pattern | None = None
        # global addresses a Cisco public name resolves to (ip host tools.cisco.com 72.163.4.38):
        # public, and read by no rule as private: kept wherever they appear in the run
        self._public_ips: set[str] = set()

    # -- placeholders --------------------------------------------------------
    def _shape(self, kind: str, value: str, digest: bytes, attempt: int) -> str:
        if attempt:
            digest = hashlib.sha256(digest + attempt.to_bytes(4, "big")).digest()
        hx = digest.hex()
        if kind == "ipv4":
            n = int.from_bytes(digest[:4], "big") % _V4_POOL.num_addresses
            addr = int(_V4_POOL.network_address) + n
            if addr & 0xFF in (0, 255):
                addr = (addr & ~0xFF) | (1 + digest[4] % 254)
            return str(ipaddress.IPv4Address(addr))
        if kind == "ipv6":
            low = int.from_bytes(digest[:12], "big")
            return str(ipaddress.IPv6Address(int(_V6_POOL.network_address) | low))
        if kind == "email":
            return f"email-{hx[:6 + 2 * attempt]}@example.com"
        if kind == "phone":
            return "+1555" + str(int.from_bytes(digest[:6], "big") % 10_000_000).zfill(7)
        if kind == "serial":
            return "SER" + hx[:8 + 2 * attempt].upper()
        n = _HEX_LEN.get(kind, 6) + 2 * attempt
        prefix = _PREFIX[kind]
        if kind == "domain" or (kind == "host" and "." in value):
            return f"{prefix}-{hx[:n]}.example"
        return f"{prefix}-{hx[:n]}"

    def _placeholder(self, kind: str, value: str) -> str:
        family = _FAMILY.get(kind, kind)
        if kind in _VERBATIM:
            norm = value
        else:
            norm = value.rstrip(".").lower() if family == "name" else _fold(value)
        entry = self._entries.get((family, norm))
        rank = {"device": 3, "domain": 2, "host": 1}
        if entry is not None:
            if self.learning and family == "name" and rank[kind] > rank.get(entry.kind, 0):
                # the same name seen as a device (prompt, hostname) takes the device shape
                del self._taken[entry.placeholder.lower()]
                entry.kind = kind
                entry.placeholder = self._fresh(kind, value, family, norm)
                self._taken[entry.placeholder.lower()] = (family, norm)
            if not self.learning:
                entry.count += 1
            return entry.placeholder
        ph = self._fresh(kind, value, family, norm)
        entry = Entry(kind, value, ph, 0 if self.learning else 1)
        self._entries[(family, norm)] = entry
        self._taken[ph.lower()] = (family, norm)
        if self.learning:
            self._learn(value, entry)
        return ph

    def _fresh(self, kind: str, value: str, family: str, norm: str) -> str:
        digest = hmac.new(self.key, f"{family}\x00{norm}".encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
        for attempt in range(64):
            ph = self._shape(kind, value, digest, attempt)
            if ph.lower() not in self._taken:
                return ph
        raise DiagError("redaction: could not find a free placeholder (too many values)")  # pragma: no cover

    def _learn(self, value: str, entry: Entry) -> None:
        if entry.kind in ("ipv4", "ipv6", "unknown-secret"):
            return  # addresses are found by their pattern everywhere; a guess only where it was found
        low = _fold(value)
        if len(low) < _LEARN_MIN or low in _COMMON or low in _NOT_SECRET:
            return
        if low.isdigit() and len(low) < 6:
            return
        if not any(c.isalnum() for c in low):
            return
        self._learned.setdefault(low, entry)

    def freeze(self) -> None:
        """End of the learning pass: from now on values are replaced and counted.

        A distinctive value (8+ characters mixing letters and digits: a serial number,
        ``leaf07-dc2``) is also found inside compounds (``license_FDO2315Q7K_1.lic``,
        ``leaf07-dc2-mgmt``); a short or plain one (``n3k``, ``spine-a``) only as a whole
        token, so that it never eats into ``N3K-C3064PQ`` or ``24P_N3K_LIC_PKG``.
        """
        self.learning = False
        if self._learned:
            alts = [(lit, r"\s+".join(re.escape(w) for w in lit.split()))
                    for lit in sorted(self._learned, key=len, reverse=True)]
            self._learned_re = re.compile("|".join(
                r"(?<![A-Za-z0-9])" + body + r"(?![A-Za-z0-9])" if _distinctive(lit)
                else r"(?<![\w-])" + body + r"(?![\w-]|\.\w)" for lit, body in alts), re.I)
            # in a file name, '-' and '.' separate words: leaf21-extra.log names leaf21
            self._learned_path_re = re.compile(
                "|".join(r"(?<![A-Za-z0-9])" + body + r"(?![A-Za-z0-9])" for _, body in alts), re.I)
        # a switch's own name in a file name, however short or common (sw1.txt, CORE.log): the
        # name of a switch is never learned for free text below 3 characters or as a common word
        self._device_names = {e.original.rstrip(".").lower(): e.placeholder for e in self._entries.values()
                              if e.kind == "device" and len(e.original) >= 2 and _fold(e.original) not in self._learned}
        if self._device_names:
            self._device_path_re = re.compile("|".join(
                r"(?<![A-Za-z0-9])" + re.escape(n) + r"(?![A-Za-z0-9])"
                for n in sorted(self._device_names, key=len, reverse=True)), re.I)

    # -- what a value becomes -----------------------------------------------------
    def value(self, kind: str, value: str) -> str | None:
        """The placeholder for ``value`` of ``kind``, or None to keep it as it is."""
        v = value.strip()
        if not v or PLACEHOLDER.fullmatch(v) or _is_sentinel(v):
            return None
        if kind in ("secret", "unknown-secret", "token", "license-key") and not any(c.isalnum() for c in v):
            return None  # '=' of 'password = x', '********': punctuation hides nothing
        if kind in ("device", "host", "hostish", "domain"):
            return self._name(kind, v)
        if kind == "email":
            if v.lower() == CISCO_EMAIL:
                return None
            if "@" not in v:
                return self._name("host", v) if _valid_name(v) else self._placeholder("contact", v)
            return self._placeholder("email", v)
        if kind == "phone":
            if _PHONE_PH.match(v.replace("-", "").replace(" ", "")):
                return None
            if sum(c.isdigit() for c in v) < 5:
                return self.value("contact", v)  # not a number: whatever it says, it is not kept
            return self._placeholder("phone", v)
        if kind == "contact":
            if "@" in v and " " not in v:
                return self.value("email", v)
            if _PHONE.fullmatch(v):
                return self._placeholder("phone", v)
            return self._placeholder("contact", v)
        if kind in ("ipv4", "ipv6"):
            return self._ip(v)
        if kind == "cert-name" and "." in v and _valid_name(v) and " " not in v and not _PUBLIC_CA.search(v):
            return self._name("host", v)
        # what is kept: no serial, a key number, a word that cannot be a user name, a public CA
        if ((kind == "serial" and (v.upper() in ("N/A", "NA", "NONE") or len(v) < 3))
                or (kind in ("secret", "unknown-secret", "token", "license-key") and v.isdigit() and len(v) <= 3)
                or (kind == "username" and not re.match(r"^[\w.@\\-]+$", v))
                or (kind == "cert-name" and _PUBLIC_CA.search(v))):
            return None
        return self._placeholder(kind, v)

    def _name(self, kind: str, v: str) -> str | None:
        bare = v.rstrip(".")
        if bare.startswith("[") and bare.endswith("]"):
            inner = self._ip(bare[1:-1])
            return None if inner is None else f"[{inner}]"
        ip = _parse_ip(bare)
        if ip is not None:
            return self._ip(bare)
        if _PUBLIC_HOST.match(bare) or not _valid_name(bare):
            return None
        low = bare.lower()
        if kind == "hostish":
            kind = "host"
            if low in _COMMON or low in _NOT_SECRET or low in ("statistics", "not"):
                return None
        if kind == "host" and low in ("localhost", "example.com", "example.net", "example.org"):
            return None
        ph = self._placeholder(kind, bare)
        return ph + v[len(bare):]

    def _public_pairs(self, text: str, spans: list) -> None:
        """Keep the global addresses written right after a Cisco public name, and remember
        them for the rest of the run (a private address there, 10.1.1.1, is still replaced)."""
        for pm in _PUBLIC_PAIR.finditer(text):
            base = pm.start("a")
            for am in re.finditer(r"[0-9a-fA-F:.]+", pm.group("a")):
                ip = _parse_ip(am.group())
                if ip is not None and ip.is_global:
                    self._public_ips.add(str(ip))
                    spans.append((base + am.start(), base + am.end(), None))

    def _ip(self, v: str) -> str | None:
        ip = _parse_ip(v)
        if ip is None or str(ip) in self._public_ips:
            return None
        if ip.version == 4:
            if any(ip in net for net in _V4_KEEP) or _is_mask(int(ip)):
                return None
            return self._placeholder("ipv4", str(ip))
        if (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip in _V6_POOL):
            return None
        return self._placeholder("ipv6", str(ip))

    # -- a line -------------------------------------------------------------------
    def line(self, text: str, state: _FileState | None = None) -> str:
        """The redacted text of one clean line (same line, values replaced)."""
        if not text or text.isspace():
            return text
        state = state if state is not None else _FileState()
        spans: list[tuple[int, int, str | None]] = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b, _ in spans)

        def put(s: int, e: int, kind: str) -> None:
            """Redact text[s:e] as a value of ``kind`` unless an earlier finding covers it."""
            if s >= e or not free(s, e):
                return
            spans.append((s, e, self.value(kind, text[s:e])))

        if "-" in text or "SER" in text:
            for m in PLACEHOLDER.finditer(text):
                spans.append((m.start(), m.end(), None))

        body = 0
        m = _SHELL_PROMPT.match(text) if "@" in text else None
        if m is None and ":" in text:
            m = _SHELL_PROMPT_BSD.match(text)
            if m and _FS_SCHEME.match(m.group("host")):
                m = None  # bootflash:/file, not a jump host
        if m:
            put(*m.span("user"), "username")
            put(*m.span("host"), "hostish")
            body = m.end()
            state.expect_name = False
            state.neighbors = 0
        elif "#" in text or ">" in text:  # leaf01# and leaf01> (user mode) prompts
            body = self._prompt(text, state, put)
        if body == 0 and text.startswith("`"):
            st = _SHOWTECH.match(text)
            if st:
                self._command(st.group("cmd"), state)
                body = len(text)  # a header holds no value
        if body == 0 and state.expect_name:
            word = text.strip()
            if word:
                state.expect_name = False
                if " " not in word and _valid_name(word):
                    put(text.index(word), text.index(word) + len(word), "device")
        if body == 0 and state.neighbors:
            self._neighbor(text, state, put)
        if body:
            state.communities = False
        elif state.communities:  # a row of show snmp [community]: the community is a password
            if not text.strip():
                state.communities = False
            elif not text.lstrip().startswith("---"):
                word = text.split()[0]
                put(text.index(word), text.index(word) + len(word), "secret")
        elif "Community" in text and _COMMUNITY_TABLE.match(text):
            state.communities = True
        if body == 0 and "%" in text:
            self._syslog(text, put)

        if state.pem:  # inside a private key block: every line of it is key material
            if text.lstrip().startswith("-----END"):
                state.pem = False
            else:
                word = text.strip()
                put(text.index(word), text.index(word) + len(word), "unknown-secret")
        elif "PRIVATE KEY" in text and _PEM_BEGIN.search(text):
            state.pem = True
        if "isco." in text or "ISCO." in text:
            self._public_pairs(text, spans)
        if "send-comm" in text:  # a BGP keyword (send-community extended), not a community
            for km in _SEND_COMMUNITY.finditer(text):
                spans.append((km.start(), km.end(), None))

        for seg_start, seg_end in _segments(text, body):
            rest = text[seg_start:seg_end]
            low = rest.lower()
            if not _TRIGGERS.search(low):
                continue
            present = {i for t in _TRIGGER_LIST if t in low for i in _BY_TRIGGER[t]}
            for i in sorted(present):  # in the order of _CONTEXTS: the first to claim a value names it
                pattern, groups, _ = _CONTEXTS[i]
                for cm in pattern.finditer(rest):
                    for group, kind in groups.items():  # a group not matched spans (-1, -1): nothing
                        s, e = cm.span(group)
                        if kind in ("hostish", "host") and "://" in rest[s:e]:
                            continue  # a URL (proxy http://user:pass@host): its parts are found below
                        put(seg_start + s, seg_start + e, kind)
        if ("=" in text or ":" in text) and _SECRET_HINT.search(text):
            km = _KEY_VALUE.match(text)
            if km and not _keep_after_keyword(km.group("v")):
                s, e = km.span("v")
                if text[s] in "\"'" and e - s >= 2 and text[e - 1] == text[s]:
                    s, e = s + 1, e - 1
                put(s, e, "secret")
        if "A" in text and _AWS_HINT.search(text):
            for am in _AWS_KEY_ID.finditer(text):
                put(*am.span(), "secret")
        if "=" in text and _DN_LINE.search(text):
            for dm in _DN_ATTR.finditer(text):
                attr, val = dm.group("attr").upper(), dm.group("v")
                if attr == "DC" and val.lower() in _DN_KEEP_DC:
                    continue
                kind = "email" if attr == "EMAILADDRESS" else "username" if attr == "UID" else "cert-name"
                put(*dm.span("v"), kind)

        if "://" in text:
            for um in _URL.finditer(text):
                self._url(um, spans, put)
        for hint, pattern, kind in _SHAPES:
            if hint in text:
                for sm in pattern.finditer(text):
                    if kind not in ("ipv4", "ipv6") or _parse_ip(sm.group()) is not None:
                        put(*sm.span(), kind)
        if self._learned_re is not None:
            for lm in self._learned_re.finditer(text):
                if free(lm.start(), lm.end()):
                    entry = self._learned[_fold(lm.group())]
                    entry.count += 1
                    spans.append((lm.start(), lm.end(), entry.placeholder))
        if "." in text:
            for fm in _FQDN.finditer(text):
                name = fm.group().rstrip(".")
                tld = name.rsplit(".", 1)[-1].lower()
                if tld in _FILE_EXT or (name.count(".") < 2 and not re.fullmatch(_TLD_GENERIC, tld)):
                    continue  # a file name (show-tech.txt.gz), or a country-code name of 2 labels
                put(fm.start(), fm.start() + len(name), "host")
        if "+" in text:
            for pm in _PHONE.finditer(text):
                if sum(c.isdigit() for c in pm.group()) >= 9:
                    put(*pm.span(), "phone")
        for pattern in (_SECRET_LABEL, _SECRET_CONF) if _SECRET_HINT.search(text) else ():
            for sm in pattern.finditer(text):
                s, e = sm.span("v")
                val = sm.group("v")
                if val[:1] in "\"'" and val[-1:] == val[:1] and len(val) >= 2:
                    s, e, val = s + 1, e - 1, val[1:-1]
                if _keep_after_keyword(val):
                    continue
                put(s, e, "unknown-secret")
        for pattern in (_HEXBLOB, _B64BLOB) if len(text) >= 32 else ():
            for bm in pattern.finditer(text):
                if pattern is _HEXBLOB or _looks_random(bm.group()):
                    put(*bm.span(), "unknown-secret")

        return _splice(text, [span for span in spans if span[2] is not None])

    def _prompt(self, text: str, state: _FileState, put) -> int:
        m = prompt(text, state.known_hosts)
        if m is None:
            return 0
        host = m.group("host")
        if host:
            state.known_hosts.add(host)
            put(*m.span("host"), "device")
        self._command(m.group("cmd"), state)
        return m.start("cmd")

    def _command(self, cmd: str, state: _FileState) -> None:
        state.expect_name = False
        state.neighbors = 0
        cmd = cmd.strip()
        if cmd.lower().startswith("do "):
            cmd = cmd[3:]
        if not cmd or not cmd.lower().startswith("sh"):
            return
        words = resolve(cmd.split("|")[0]).words
        if words[:2] in (("show", "switchname"), ("show", "hostname")) and len(words) == 2:
            state.expect_name = True
        elif len(words) >= 3 and words[:2] in (("show", "cdp"), ("show", "lldp")) and \
                words[2].startswith("nei") and "detail" not in words:
            state.neighbors = 1

    def _neighbor(self, text: str, state: _FileState, put) -> None:
        if state.neighbors == 1:
            if re.match(r"^\s*Device[- ]?ID\b", text, re.I):
                state.neighbors = 2
            return
        if text[:1].isspace() or text.startswith(("Total", "Capability")):
            return
        first = text.split()[0]
        name, _, serial = first.partition("(")
        if _valid_name(name):
            put(0, len(name), "hostish")
        if serial.endswith(")") and len(serial) > 1:
            put(len(name) + 1, len(first) - 1, "serial")

    def _syslog(self, text: str, put) -> None:
        ts = _SYSLOG_TS.match(text)
        if not ts:
            return
        msg = _SYSLOG_MSG.search(text, ts.end())
        if not msg:
            return
        # the host is the first word after the time stamp that can be one: a zone (UTC), a
        # second stamp (a syslog server's relay line) or a ':' is not
        between = text[ts.end():msg.start()]
        pos = ts.end()
        for tok in re.finditer(r"\S+", between):
            word = tok.group().rstrip(":")
            if not word or _ZONE.match(tok.group()):
                continue
            ip = _parse_ip(word) is not None
            if ip or _valid_name(word):
                s = pos + tok.start()
                put(s, s + len(word), "hostish" if ip else "device")
                return

    def _url(self, um: re.Match, spans, put) -> None:
        if _FS_SCHEME.match(um.group("scheme")):
            return
        info = um.group("userinfo")
        if info:
            user, sep, password = info.partition(":")
            s = um.start("userinfo")
            put(s, s + len(user), "username")
            if sep and password:
                put(s + len(user) + 1, um.end("userinfo"), "secret")
        put(*um.span("host"), "hostish")
        rest_start = um.start("rest")
        rest = um.group("rest")
        for pattern in (_HEXBLOB, _B64BLOB):
            for bm in pattern.finditer(rest):
                if pattern is _HEXBLOB or _looks_random(bm.group()):
                    put(rest_start + bm.start(), rest_start + bm.end(), "unknown-secret")
        # the scheme, the port and the path carry the diagnosis: the rest of the URL is kept
        pos = um.start()
        for s, e, _ in sorted(x for x in spans if um.start() <= x[0] < um.end()):
            if pos < s:
                spans.append((pos, s, None))
            pos = max(pos, e)
        if pos < um.end():
            spans.append((pos, um.end(), None))

    # -- results --------------------------------------------------------------------
    def replaced(self) -> list[tuple[str, Entry]]:
        """(kind as reported, entry) of each value replaced at least once (a value seen only
        while learning was replaced as something else, or not at all)."""
        return [("hostname" if e.kind in ("device", "host") else e.kind, e) for e in self._entries.values() if e.count]

    def table(self) -> list[dict]:
        return [{"kind": kind, "original": e.original, "placeholder": e.placeholder, "occurrences": e.count}
                for kind, e in sorted(self.replaced(), key=lambda ke: (ke[1].kind, ke[1].original.lower()))]

    def path(self, path: str) -> str:
        """A path with the values this run redacts replaced in its names (separators kept);
        after ``freeze``, as the lines."""
        if path == "-":
            return path
        parts = re.split(r"([/\\])", path)
        return "".join(p if p in ("/", "\\", "", ".", "..") else self._path_part(p) for p in parts)

    def _path_part(self, name: str) -> str:
        m = _EXTENSION.search(name)
        if m and m.start() > 0:  # leaf21.txt: the name before the extension is not an FQDN's label
            return self._path_part(name[:m.start()]) + m.group()
        if "_" in name:  # a separator in file names, a word character to the patterns
            return "_".join(self._path_part(piece) for piece in name.split("_"))
        spans: list[tuple[int, int, str]] = []

        def add(s: int, e: int, rep: str | None) -> None:
            if rep and all(e <= a or s >= b for a, b, _ in spans):
                spans.append((s, e, rep))

        if self._learned_path_re is not None:
            for lm in self._learned_path_re.finditer(name):
                add(lm.start(), lm.end(), self._learned[_fold(lm.group())].placeholder)
        if self._device_path_re is not None:
            for dm in self._device_path_re.finditer(name):
                add(dm.start(), dm.end(), self._device_names[dm.group().lower()])
        for em in _EMAIL.finditer(name):
            add(em.start(), em.end(), self.value("email", em.group()))
        for im in _IPV4_IN_NAME.finditer(name):  # glued to words too: x-10.40.1.53.txt
            add(im.start(), im.end(), self._ip(im.group()))
        return _splice(name, spans)


_SENTINEL = re.compile(r"(?i)^(?:none|n/?a|-+|\*+|empty|\(null\)|null|unknown|unset|"
                       r"not (?:yet )?(?:configured|set(?: up)?|"
                       r"available|applicable|specified|defined|found|present)|not configured\.?|undefined)$")


def _splice(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, replacement) of ``spans`` (none overlapping) put in."""
    parts, pos = [], 0
    for s, e, rep in sorted(spans):
        parts += (text[pos:s], rep)
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


def _is_sentinel(v: str) -> bool:
    """What an output prints for 'no value': never a value to redact."""
    return (v.startswith("<") and v.endswith(">")) or bool(_SENTINEL.match(v.strip()))


def _keep_after_keyword(val: str) -> bool:
    """Whether the word after a secret-looking keyword is no secret: a sentinel, a placeholder,
    a common word, a small number (a key type or index), a bracket opening more text."""
    v = val.strip().rstrip(".,;:")
    return (not v or not any(c.isalnum() for c in v) or _is_sentinel(v) or bool(PLACEHOLDER.fullmatch(v))
            or v.lower() in _NOT_SECRET
            or v.lower() in _COMMON or (v.isdigit() and len(v) <= 3) or v.startswith(("{", "(", "[")))


def _distinctive(lit: str) -> bool:
    return len(lit) >= 8 and any(c.isdigit() for c in lit) and any(c.isalpha() for c in lit)


def _looks_random(val: str) -> bool:
    core = val.rstrip("=")
    return (sum(c.isdigit() for c in core) >= 2 and any(c.isupper() for c in core)
            and any(c.islower() for c in core) and core.count("/") <= max(3, len(core) // 16))


def _parse_ip(v: str):
    if not v or not (v[0].isdigit() or ":" in v or v[0] in "abcdefABCDEF"):
        return None
    try:
        return ipaddress.ip_address(v.split("%")[0])
    except ValueError:
        return None


def _is_mask(n: int) -> bool:
    """A netmask (ones then zeros) or a wildcard mask (zeros then ones)."""
    inv = n ^ 0xFFFFFFFF
    return (inv & (inv + 1)) == 0 or (n & (n + 1)) == 0


# -- files ------------------------------------------------------------------------------
@dataclass
class Job:
    """One input and where its redacted copy goes."""

    src: str  # what to read
    display: str  # the path as given or found (for messages)
    rel: str | None = None  # output path relative to the output folder (None: stdout)
    gz: bool = False
    problem: str | None = None  # why it could not be read (set by learn())
    lines: int = 0
    note: str | None = None


def _is_gzip(path: str) -> bool:
    if path.endswith(".gz"):
        return True
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # a pipe is read once: spool_streams looks at it once copied
        with open(path, "rb") as fh:
            return fh.read(2) == GZIP_MAGIC
    except OSError:
        return False


@dataclass
class Skipped:
    """A symbolic link (or an unreadable folder) met in a folder walk and not copied."""

    path: str  # as found in the walk
    why: str
    kind: str  # "outside", "broken", "loop", "folder-inside", "unreadable"

    @property
    def warning(self) -> bool:
        return self.kind != "folder-inside"


_SKIP_LABELS = {
    "outside": "leading outside the input folder",
    "broken": "broken",
    "loop": "in a loop",
    "folder-inside": "to folders inside the input (their targets are copied under their own names)",
    "unreadable": "unreadable folders",
}


def _inside(real: str, root_real: str) -> bool:
    try:
        return os.path.commonpath([real, root_real]) == root_real
    except ValueError:  # another drive (Windows)
        return False


def _link_target(path: str) -> tuple[str | None, str, str]:
    """(real path or None, why, kind) of a symbolic link met in a walk."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "a symbolic link in a loop (it leads back to itself): not copied", "loop"
        return None, "a broken symbolic link (its target does not exist): not copied", "broken"
    return os.path.realpath(path), "", ""


def walk(given: str, skipped: list[Skipped]) -> list[tuple[str, str]]:
    """The files of the folder ``given`` to read, as (what to open, path found), in the order
    ``diag check`` walks them (sorted, hidden names, FIFOs, sockets and devices left out), with
    this link policy:

    * a link to a file inside the folder is read (its copy is a plain file under the
      link's own name: ``diag check`` reads it there too);
    * a link to a folder inside the folder is not followed (its target is copied under its
      own name; ``diag check`` does not walk into it either): no loop is possible;
    * a link whose target lies outside the folder (``~/.ssh/id_ed25519``, ``/etc/passwd``),
      a broken link and a link loop are not read: each is added to ``skipped``.

    The folder itself may be a link (the user named it): links are judged against where
    it leads.
    """
    root_real = os.path.realpath(given)
    found: list[tuple[str, str]] = []

    def cannot_list(exc: OSError) -> None:
        skipped.append(Skipped(exc.filename or given, f"cannot read the folder: {exc.strerror or exc}",
                               "unreadable"))

    def link(full: str, folder: bool) -> str | None:
        real, why, kind = _link_target(full)
        if real is None:
            skipped.append(Skipped(full, why, kind))
            return None
        if not _inside(real, root_real):
            skipped.append(Skipped(full, f"a symbolic link to a {'folder' if folder else 'file'} outside "
                                         f"{given}: not followed, nothing from outside the input is copied",
                                   "outside"))
            return None
        if folder:
            skipped.append(Skipped(full, "a symbolic link to a folder inside the input: not followed "
                                         "(its target is copied under its own name)", "folder-inside"))
            return None
        return real

    for root, dirs, files in os.walk(given, followlinks=False, onerror=cannot_list):
        keep = []
        for d in sorted(dirs):
            if d.startswith("."):
                continue
            full = os.path.join(root, d)
            if os.path.islink(full):
                link(full, True)
            else:
                keep.append(d)
        dirs[:] = keep
        for name in sorted(files):
            if name.startswith("."):
                continue
            full = os.path.join(root, name)
            real = link(full, False) if os.path.islink(full) else None
            if os.path.islink(full) and real is None:
                continue
            if special_file(real or full) is None:
                found.append((real or full, full))
    return found


def plan(paths: list[str], skipped: list[Skipped] | None = None) -> list[Job]:
    """The inputs of a run: files, folders (recursive, as ``diag check`` walks them), or ``-``.

    Output paths are relative to the output folder the way ``cp -r`` places things: a
    folder keeps its own name and the relative paths below it, a file its name. A path
    named on the command line is followed even when it is a symbolic link (the user chose
    it); links met inside a folder follow :func:`walk`'s policy (``skipped`` collects what
    was left out).
    """
    skipped = [] if skipped is None else skipped
    jobs: list[Job] = []
    for given in paths:
        if given == "-":
            jobs.append(Job("-", "-"))
            continue
        if os.path.isdir(given):
            base = os.path.dirname(os.path.normpath(given))
            for src, path in walk(given, skipped):
                rel = os.path.relpath(path, base) if base else os.path.normpath(path)
                jobs.append(Job(src, path, rel, _is_gzip(path)))
        else:
            jobs.append(Job(given, given, os.path.basename(given) or given, _is_gzip(given)))
    return jobs


def learn(redactor: Redactor, jobs: list[Job]) -> None:
    """First pass: read every input once and learn the values to replace."""
    for job in jobs:
        state = _FileState()
        try:
            for _, text in read_lines(job.src, decorated=True):
                redactor.line(text, state)
        except InputError as exc:
            job.problem = exc.problem
    redactor.freeze()


def redact_lines(redactor: Redactor, job: Job) -> Iterator[str]:
    """Second pass over one input: its redacted lines, one per input line."""
    state = _FileState()
    stats = ReadStats()
    for _, text in read_lines(job.src, stats, decorated=True):
        yield redactor.line(text, state)
    job.lines = stats.lines
    if stats.truncated:
        job.note = f"{stats.truncated}; redacted the {stats.lines} lines read before it"


def _eol(path: str) -> bytes:
    """The input's line ending, kept in its copy: CRLF when its first lines use it."""
    try:
        with open_binary(path) as stream:  # a file: stdin was copied to one
            head = stream.read(1 << 16)
    except (InputError, OSError, EOFError, zlib.error):
        return b"\n"
    return b"\r\n" if b"\r\n" in head else b"\n"


def write_job(redactor: Redactor, job: Job, out: io.BufferedIOBase | None, dest: str | None) -> None:
    """Write one input's redacted copy to ``dest`` (a file path) or to the binary stream ``out``.

    The copy is UTF-8 text, one line for each line of the input (the same numbers), with
    the input's line ending; a gzipped input gives a gzipped copy.
    """
    eol = _eol(job.src)

    def write(sink) -> None:
        for text in redact_lines(redactor, job):
            sink.write(text.encode("utf-8", "surrogateescape") + eol)

    if dest is None:
        assert out is not None
        return write(out)
    os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
    tmp = dest + ".part"
    try:
        # gzip: mtime 0 and no file name in the header, so the same input and key give the same bytes
        with open(tmp, "wb") as raw, (gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if job.gz
                                      else contextlib.nullcontext(raw)) as sink:
            write(sink)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def spool_stdin(directory: str) -> str:
    """Copy stdin to a file (the run reads every input twice)."""
    if sys.stdin is None:
        raise InputError("-", "standard input is closed")
    return _spool(sys.stdin.buffer, os.path.join(directory, "stdin"))


def _spool(stream, path: str) -> str:
    """Copy a stream to ``path``; a binary stream is cut after its first block (it will be
    refused as binary: /dev/zero must not fill the disk)."""
    with open(path, "wb") as fh:
        first = stream.read(1 << 20)
        fh.write(first)
        if not refused_as_binary(first):
            shutil.copyfileobj(stream, fh, 1 << 20)
    return path


def spool_streams(jobs: list["Job"], directory: str) -> None:
    """Pipes and devices (``<(cmd)``, ``/dev/stdin``) can be read once: copy them to files."""
    for n, job in enumerate(jobs):
        if job.src == "-":
            continue
        try:
            mode = os.stat(job.src).st_mode
            if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
                continue
            with open(job.src, "rb") as stream:
                job.src = _spool(stream, os.path.join(directory, f"stream{n}"))
        except OSError:
            continue  # reading it says what is wrong
        job.gz = job.gz or _is_gzip(job.src)


@dataclass
class RunResult:
    jobs: list[Job]
    redactor: Redactor
    written: list[tuple[str, str]] = field(default_factory=list)  # (input, output)
    skipped: list[Skipped] = field(default_factory=list)  # links and folders of the walk not copied


def output_names(redactor: Redactor, jobs: list[Job]) -> dict[int, str]:
    """The redacted output path of each job with one (by ``id(job)``), every one distinct.

    Two inputs whose names differ only in a value the run replaces (``LEAF01.txt`` and
    ``leaf01.txt`` hold one host, whatever its case) would get one redacted name: the later
    ones get ``-2``, ``-3`` ... before the extension, so no copy overwrites another and no
    name tells the original case. Names are compared case-insensitively (a bundle may be
    unpacked on a case-insensitive file system).
    """
    names: dict[int, str] = {}
    taken: set[str] = set()
    for job in jobs:
        if job.rel is None:
            continue
        name = redactor.path(job.rel)
        if os.path.normcase(name).lower() in taken:
            head, tail = os.path.split(name)
            ext = _EXTENSION.search(tail)
            stem, suffix = (tail[:ext.start()], ext.group()) if ext and ext.start() > 0 else (tail, "")
            n = 2
            while os.path.normcase(os.path.join(head, f"{stem}-{n}{suffix}")).lower() in taken:
                n += 1
            name = os.path.join(head, f"{stem}-{n}{suffix}")
            job.note = f"another input has the same redacted name: written as {name}"
        taken.add(os.path.normcase(name).lower())
        names[id(job)] = name
    return names


def redact_to_folder(paths: list[str], outdir: str | None, key: str | None = None,
                     stdout: io.BufferedIOBase | None = None) -> RunResult:
    """``diag redact``: redacted copies of ``paths`` under ``outdir`` (stdin and a lone
    input without ``outdir`` go to ``stdout``). Inputs that cannot be read are not
    written; their problem is set on their job."""
    redactor = Redactor(key)
    skipped: list[Skipped] = []
    jobs = plan(paths, skipped)
    if not jobs:
        links = sum(s.kind != "unreadable" for s in skipped)
        raise DiagError("nothing to redact: the folders given hold no files"
                        + (f" (only {links} symbolic link(s) that are not copied: see 'diag redact' in "
                           "docs/redaction.md)" if links else ""))
    if outdir is None and len(jobs) > 1:
        raise DiagError("give -o OUTDIR to redact several files (only one input can go to stdout)")
    if sum(j.src == "-" for j in jobs) > 1:
        raise DiagError("stdin ('-') can be given only once")
    if outdir is not None:
        out_real = os.path.realpath(outdir)
        for given in paths:
            if given != "-" and os.path.isdir(given):
                root = os.path.realpath(given)
                if os.path.commonpath([root, out_real]) == root:
                    raise DiagError(f"{outdir}: the output folder is inside the input folder {given}; "
                                    "choose one outside it")
        _check_outputs(jobs, outdir)
    with tempfile.TemporaryDirectory(prefix="diagredact") as tmp:
        for job in jobs:
            if job.src == "-":
                job.src = spool_stdin(tmp)
        spool_streams(jobs, tmp)
        learn(redactor, jobs)
        result = RunResult(jobs, redactor, skipped=skipped)
        names = output_names(redactor, jobs)
        for job in jobs:
            to_stdout = outdir is None or job.rel is None  # stdin's copy goes to stdout too
            if job.problem is not None and job.problem.startswith("empty input"):
                job.problem, job.note = None, "empty: copied as an empty file"
                if not to_stdout:
                    dest = os.path.join(outdir, names[id(job)])
                    os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
                    open(dest, "wb").close()
                    result.written.append((job.display, dest))
                continue
            if job.problem is not None:
                continue
            if to_stdout:
                assert stdout is not None
                write_job(redactor, job, stdout, None)
                result.written.append((job.display, "-"))
                continue
            dest = os.path.join(outdir, names[id(job)])
            try:
                write_job(redactor, job, None, dest)
            except InputError as exc:
                job.problem = exc.problem
                continue
            except OSError as exc:
                raise DiagError(f"{dest}: cannot write: {exc.strerror or exc}") from None
            result.written.append((job.display, dest))
    return result


def _check_outputs(jobs: list[Job], outdir: str) -> None:
    if os.path.exists(outdir) and not os.path.isdir(outdir):
        raise DiagError(f"{outdir}: the output must be a folder")
    seen: dict[str, str] = {}
    for job in jobs:
        if job.src == "-" or job.rel is None:
            continue
        dest = os.path.realpath(os.path.join(outdir, job.rel))
        if dest == os.path.realpath(job.src):
            raise DiagError(f"{job.display}: the output would overwrite the input; choose another -o folder")
        if dest in seen:
            raise DiagError(f"{job.display} and {seen[dest]} would both be written to "
                            f"{os.path.join(outdir, job.rel)}; redact them in separate runs")
        seen[dest] = job.display


def write_map(redactor: Redactor, path: str, written: list[tuple[str, str]]) -> None:
    """The private table original -> placeholder (JSON), for the capture's owner only."""
    data = {
        "schema": MAP_SCHEMA,
        "note": "PRIVATE: this table undoes the redaction. Keep it; never send it with the bundle.",
        "keyed": redactor.keyed,
        "files": [{"input": i, "output": o} for i, o in written],
        "values": redactor.table(),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        # an existing file keeps its mode through O_CREAT: make it private (where POSIX modes exist)
        with contextlib.suppress(AttributeError, OSError):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
    except OSError as exc:
        raise DiagError(f"{path}: cannot write the map: {exc.strerror or exc}") from None


def skipped_lines(skipped: list[Skipped]) -> list[str]:
    """The summary of what a folder walk left out: symbolic links by kind."""
    counts = Counter(s.kind for s in skipped)
    links = sum(n for kind, n in counts.items() if kind != "unreadable")
    out = []
    if links:
        out.append(f"skipped {links} symbolic link(s), none followed:")
        out += [f"  {counts[kind]:>5}  {_SKIP_LABELS[kind]}" for kind in ("outside", "broken", "loop", "folder-inside")
                if counts[kind]]
    if counts["unreadable"]:
        out.append(f"skipped {counts['unreadable']} folder(s) that cannot be read")
    return out


def summary_lines(redactor: Redactor) -> list[str]:
    values: Counter = Counter()
    occurrences: Counter = Counter()
    for kind, entry in redactor.replaced():
        values[kind] += 1
        occurrences[kind] += entry.count
    if not values:
        return ["nothing to redact: no value of a redacted kind was found"]
    out = [f"replaced {sum(values.values())} value(s) ({sum(occurrences.values())} occurrence(s)):"]
    for kind in sorted(values, key=lambda k: (-values[k], k)):
        out.append(f"  {values[kind]:>5}  {KINDS.get(kind, kind)} ({occurrences[kind]} occurrence(s))")
    return out


# -- diag check --redact ---------------------------------------------------------------
@dataclass
class Staged:
    """Redacted copies of a check's inputs in a private temporary folder.

    ``paths`` and ``context`` are what to hand to ``analyze``; ``fix`` turns the staged
    paths in a rendered report (or a message) back into the paths the user gave, with
    the redacted values of their names replaced.
    """

    paths: list[str]
    context: list[str]
    fix: Callable[[str], str]
    redactor: Redactor
    skipped: list[Skipped] = field(default_factory=list)
    # each staged file (normalised path) -> the path of the input it copies, as given or
    # found: what --whole-config globs and the project's whole-config are matched against
    origins: dict[str, str] = field(default_factory=dict)


@contextlib.contextmanager
def staged_for_check(paths: list[str], context: Iterable[str] = (), key: str | None = None) -> Iterator[Staged]:
    """Redact every input of ``diag check`` (and its ``--context`` files) into a temporary
    folder, so that the analysis runs on exactly what a redacted bundle holds.

    Every line keeps its number (one output line per input line), so findings point at
    the same lines; device names, messages, evidence and fixes come out of redacted text
    and cannot carry an original value, whatever the report format prints.
    """
    redactor = Redactor(key)
    skipped: list[Skipped] = []
    with tempfile.TemporaryDirectory(prefix="diagredact") as tmp:
        groups: list[tuple[str, bool, list[Job]]] = []  # (given path, is folder, jobs)
        for path in [*paths, *context]:
            if path == "-":
                groups.append((path, False, [Job(spool_stdin(tmp), "-")]))
            elif os.path.isdir(path):
                groups.append((path, True, [Job(src, p, os.path.relpath(p, path)) for src, p in walk(path, skipped)]))
            else:
                groups.append((path, False, [Job(path, path, os.path.basename(path))]))
        all_jobs = [j for _, _, jobs in groups for j in jobs]
        spool_streams(all_jobs, tmp)
        learn(redactor, all_jobs)
        staged: list[str] = []
        swaps: list[tuple[str, str]] = []
        origins: dict[str, str] = {}
        for i, (path, folder, jobs) in enumerate(groups):
            root = os.path.join(tmp, f"{i}x")
            os.makedirs(root, exist_ok=True)
            shown = redactor.path(path)
            if folder:
                target, shown = root, shown.rstrip("/\\") or shown
            else:
                target = os.path.join(root, redactor.path(os.path.basename(path)) if path != "-" else "-")
            names = output_names(redactor, jobs) if folder else {}
            for job in jobs:
                dest = os.path.join(root, names[id(job)]) if folder else target
                origins[os.path.normpath(dest)] = job.display
                if job.problem is None:
                    with contextlib.suppress(InputError):
                        write_job(redactor, job, None, dest)
                elif os.path.isfile(job.src):  # binary or empty: let the analysis say so itself
                    os.makedirs(os.path.dirname(dest), exist_ok=True)
                    try:
                        shutil.copyfile(job.src, dest)
                    except OSError:  # unreadable: not analysed, and said so (never a traceback)
                        skipped.append(Skipped(job.display, f"cannot be read: {job.problem}", "unreadable"))
            staged.append(target)
            swaps.append((target, shown))
        swaps.sort(key=lambda s: len(s[0]), reverse=True)

        def fix(text: str) -> str:
            for src, dst in swaps:
                text = text.replace(src, dst)
                esc_src, esc_dst = json.dumps(src)[1:-1], json.dumps(dst)[1:-1]
                if esc_src != src:
                    text = text.replace(esc_src, esc_dst)
            return text

        yield Staged(staged[:len(paths)], staged[len(paths):], fix, redactor, skipped, origins)
