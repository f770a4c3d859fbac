"""diag: a troubleshooting expert system and linter for NX-OS Smart Licensing and Call Home."""

__version__ = "0.3.0"
