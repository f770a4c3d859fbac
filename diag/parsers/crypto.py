"""``show crypto ca trustpoints`` and ``show crypto ca certificates``."""

from __future__ import annotations

from diag.facts import Fact
from diag.parsers.base import FactMap, Rows, TextFSMParser


def _certificate_kind(section, facts: list[Fact], rows: Rows) -> list[Fact]:
    """``CA certificate N:`` blocks are the trusted chain; ``certificate:`` is the identity."""
    for fact, (values, lines) in zip(facts, rows):
        fact.line = fact.line_of("subject")  # the block, not the Trustpoint: line filled down
        kind = " ".join((values.get("KIND") or "").split()).lower()
        if kind:
            fact.fields["ca"] = kind == "ca certificate"
            if isinstance(lines.get("KIND"), int):
                fact.lines["ca"] = lines["KIND"]
    return facts


PARSERS = {
    "show_crypto_ca_trustpoints": TextFSMParser(
        "show crypto ca trustpoints",
        "cisco_nxos_show_crypto_ca_trustpoints.textfsm",
        [FactMap("crypto.trustpoint", "A configured PKI trustpoint", {
            "name": ("NAME", "text", "trustpoint name"),
            "key_pair": ("KEY_PAIR", "text", "RSA/ECC key pair label ('key-pair:' or 'key:'); absent for a CA-only "
                                             "trustpoint"),
            "key_type": ("KEY_TYPE", "text", "key type, on releases that print 'key-type:'"),
            "revocation": ("REVOCATION", "text", "revocation check methods, e.g. 'crl' or 'crl ocsp'"),
        }, require="name")],
    ),
    "show_crypto_ca_certificates": TextFSMParser(
        "show crypto ca certificates",
        "cisco_nxos_show_crypto_ca_certificates.textfsm",
        [FactMap("crypto.certificate", "A certificate installed in a trustpoint (its CA chain or its identity)", {
            "trustpoint": ("TRUSTPOINT", "text", "trustpoint holding it"),
            "index": ("INDEX", "int", "position in the CA chain ('CA certificate 0:')"),
            "subject": ("SUBJECT", "text", "certificate subject, as printed"),
            "issuer": ("ISSUER", "text", "certificate issuer, as printed"),
            "serial": ("SERIAL", "text", "serial number (hex)"),
            "not_before": ("NOT_BEFORE", "date", "valid from"),
            "not_after": ("NOT_AFTER", "date", "valid until"),
            "fingerprint": ("FINGERPRINT", "upper", "SHA1 fingerprint, colon-separated hex"),
            "purposes": ("PURPOSES", "text", "purposes, e.g. 'sslserver sslclient'"),
        }, require="subject", extra={
            "ca": ("bool", "True for a 'CA certificate N:' block, False for the trustpoint's own 'certificate:'"),
        })],
        post=_certificate_kind,
    ),
}
