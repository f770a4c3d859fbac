"""``show crypto ca trustpoints`` and ``show crypto ca certificates``."""

from __future__ import annotations

from diag.parsers.base import FactMap, TextFSMParser

PARSERS = {
    "show_crypto_ca_trustpoints": TextFSMParser(
        "show crypto ca trustpoints",
        "cisco_nxos_show_crypto_ca_trustpoints.textfsm",
        [FactMap("crypto.trustpoint", "A configured PKI trustpoint", {
            "name": ("NAME", "text", "trustpoint name"),
            "key_type": ("KEY_TYPE", "text", "key type"),
        })],
    ),
    "show_crypto_ca_certificates": TextFSMParser(
        "show crypto ca certificates",
        "cisco_nxos_show_crypto_ca_certificates.textfsm",
        [FactMap("crypto.certificate", "A CA certificate installed in a trustpoint", {
            "trustpoint": ("TRUSTPOINT", "text", "trustpoint holding it"),
            "subject": ("SUBJECT", "text", "certificate subject"),
            "issuer": ("ISSUER", "text", "certificate issuer"),
            "serial": ("SERIAL", "text", "serial number"),
            "not_before": ("NOT_BEFORE", "date", "valid from"),
            "not_after": ("NOT_AFTER", "date", "valid until"),
            "fingerprint": ("FINGERPRINT", "text", "SHA1 fingerprint"),
        })],
    ),
}
