"""The command line: thin click commands over ``diag.api``.

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 the tool
could not do its job (usage, unreadable input, invalid rule); 3 a bug.
Data goes to stdout, messages to stderr. This is the only module that prints
or exits.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import sys
import traceback

import click

from diag import __version__
from diag.errors import DiagError
from diag.model import NOW_SYSTEM, shown_path
from diag.report import FORMATS as _REPORTERS

FORMATS = tuple(_REPORTERS)  # -f choices: one per reporter in diag/report/__init__.py


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DiagError as exc:
            click.echo(f"diag: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except OSError as exc:  # the system refused a write (a full disk, /dev/full, an I/O error)
            _quiet_stdout()
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else "writing the output: "
            click.echo(f"diag: error: {where}{exc.strerror or exc}", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("diag: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug: short message, traceback only with --debug
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            else:
                click.echo(f"diag: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                           err=True)
            sys.exit(3)


def _parse_now(value: str | None) -> dt.datetime | str | None:
    if value is None:
        return None
    if value.strip().lower() == NOW_SYSTEM:
        return NOW_SYSTEM  # this machine's clock, read when the run starts
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"'{value}' is not an ISO-8601 date or time (e.g. 2022-06-22T16:16:28Z) "
                                 "nor 'now'")
    from diag.types import YEARS

    if not YEARS[0] <= when.year <= YEARS[1]:
        raise click.BadParameter(f"'{value}': give a date between the years {YEARS[0]} and {YEARS[1]}")
    return when.astimezone(dt.timezone.utc) if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _whole_config(given: tuple[str, ...], default: tuple[str, ...], conf) -> tuple[str, ...]:
    """The files declared whole running-configs: --whole-config, else the config file's
    whole-config, else --whole-config-default (globs on the command line are relative to
    the working directory, those of the file to its folder)."""
    from diag.config import glob_patterns

    try:
        if given:
            return glob_patterns(list(given), os.getcwd(), "--whole-config")
        if conf.whole_config is not None:
            return conf.whole_config
        return glob_patterns(list(default), os.getcwd(), "--whole-config-default") if default else ()
    except DiagError as exc:
        raise click.BadParameter(str(exc).split(": ", 1)[-1]) from None


MAX_JOBS = 64  # more worker processes than this only cost start-up time and memory


def _jobs(jobs: int) -> int:
    if jobs < 0:
        raise click.BadParameter("must be 0 (one per CPU) or more", param_hint="--jobs")
    if jobs > MAX_JOBS:
        raise click.BadParameter(f"must be at most {MAX_JOBS}", param_hint="--jobs")
    if jobs == 0:
        from diag.parallel import cpu_count

        return cpu_count()
    return jobs


def _paths(paths: tuple[str, ...], command: str = "check") -> list[str]:
    if paths:
        return list(paths)
    if sys.stdin is None or sys.stdin.isatty():
        verb = "check" if command == "check" else "read"
        raise click.UsageError(f"give files or folders to {verb}, or pipe a capture into 'diag {command} -'")
    return ["-"]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="diag")
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Diagnose NX-OS Smart Licensing and Call Home from CLI captures."""
    ctx.obj = {"debug": debug}


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that makes the exit code 1 (default: warning, or the config file's).")
@click.option("--now", "now", metavar="ISO-8601|now",
              help="Judge dates against this time instead of each device's capture clock ('now': this "
                   "machine's clock).")
@click.option("-r", "--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of rule files (repeatable).")
@click.option("--select", multiple=True, metavar="RULE_ID", help="Run only these rules (repeatable).")
@click.option("--ignore", multiple=True, metavar="RULE_ID", help="Do not run these rules (repeatable).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .diag.yaml or [tool.diag] in pyproject.toml, found upward).")
@click.option("--no-config", is_flag=True, help="Do not read a configuration file.")
@click.option("--baseline", type=click.Path(dir_okay=False),
              help="Only findings not in this baseline count (see --write-baseline).")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Write the findings of this run as the accepted baseline, then exit 0.")
@click.option("--show-suppressed", is_flag=True, help="List the findings that inline comments suppressed.")
@click.option("-j", "--jobs", type=int, default=1, show_default=True,
              help="Worker processes for many files (0: one per CPU).")
@click.option("--context", multiple=True, type=click.Path(),
              help="Also read these files or folders, only to complete the devices of PATHS (pre-commit).")
@click.option("--whole-config", "whole_config", multiple=True, metavar="GLOB",
              help="Files matching GLOB hold whole running-configs, even without a 'version' line or "
                   "'!Command:' header (repeatable; '**' for any folders). Wins over the config file's "
                   "whole-config.")
@click.option("--whole-config-default", "whole_default", multiple=True, metavar="GLOB",
              help="As --whole-config, unless --whole-config or the config file's whole-config says "
                   "which files are whole (the pre-commit hook passes '**').")
@click.option("--redact", is_flag=True,
              help="Analyse redacted copies of the inputs: the report names no host, address, account, "
                   "serial or secret (line numbers unchanged; see 'diag redact').")
@click.option("--redact-key", metavar="KEY", envvar="DIAG_REDACT_KEY",
              help="Key for --redact placeholders, to match a bundle made with 'diag redact --key KEY'.")
@click.option("--progress/--no-progress", default=None,
              help="A progress line on stderr for long runs (default: only when stderr is a terminal).")
@click.option("--brief", is_flag=True,
              help="One line per finding ('path:line: severity rule-id title'), for pastes and fleets "
                   "(text format only).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to this file instead of stdout ('-': stdout), e.g. -f html -o case.html.")
def check(paths, fmt, fail_on, now, rules_dirs, select, ignore, config_path, no_config, baseline,
          write_baseline, show_suppressed, jobs, context, whole_config, whole_default, redact, redact_key,
          progress, brief, output) -> None:
    """Check captures (files, folders, .gz, or stdin) and report what is wrong and how to fix it."""
    from pathlib import Path

    if brief and fmt != "text":
        raise click.UsageError(f"--brief is a form of the text format; it cannot be used with -f {fmt}")

    from diag import config as cfg
    from diag.api import Options, analyze
    from diag.devices import canonical_path
    from diag.policy import write_baseline as save_baseline
    from diag.report import stream
    from diag.rulebook import load_rules

    conf = cfg.Config()
    if config_path:
        conf = cfg.load(Path(config_path))
    elif not no_config:
        found = cfg.find()
        if found is not None:
            conf = cfg.load(found)
            config_path = str(found)
    book = load_rules(tuple(conf.rules) + tuple(rules_dirs))
    # what is loaded so far (modules, the rule book) lives to the end of the run: the cyclic
    # collector need not walk it at every full collection (a fleet of 2,000: -7 %)
    gc.freeze()
    cfg.check_rule_ids(conf, {r.id for r in book.rules})
    fail_on = fail_on or conf.fail_on or "warning"
    options = Options(
        now=_parse_now(now), rules_dirs=(), select=tuple(select) or conf.select,
        ignore=tuple(ignore) or conf.ignore, fail_on=fail_on, severity=dict(conf.severity),
        baseline=None if write_baseline else (baseline or conf.baseline), context=tuple(context),
        jobs=_jobs(jobs), whole_config=_whole_config(whole_config, whole_default, conf),
        config_file=canonical_path(config_path) if config_path else None, repository=conf.repository,
    )
    if output == "-":
        output = None
    for name, value in (("--baseline", baseline), ("--write-baseline", write_baseline), ("--output", output)):
        if value is not None and (not value.strip() or value == "-" or value.endswith(("/", os.sep))
                                  or os.path.isdir(value)):
            raise click.BadParameter(f"'{value}' is not a file name", param_hint=name)
    for extra in context:
        if not os.path.exists(extra):
            click.echo(f"diag: warning: --context {extra}: no such file or folder", err=True)
    run, fix = _paths(paths), str
    if redact:
        # The analysis reads redacted copies (same lines, same numbers): whatever a reporter
        # prints comes from redacted text. fix() puts the given paths back, redacted.
        from diag.redact import skipped_lines, staged_for_check, summary_lines

        staged = click.get_current_context().with_resource(staged_for_check(run, options.context, redact_key))
        run, options.context, fix = staged.paths, tuple(staged.context), staged.fix
        if options.whole_config:  # the globs name the inputs, not their redacted copies
            from diag.config import matches_glob

            options.whole_files = frozenset(copy for copy, given in staged.origins.items()
                                            if matches_glob(given, options.whole_config))
        for skip in staged.skipped:  # the paths as found: the user's own terminal, before any report
            if skip.warning:
                click.echo(f"diag: warning: --redact: {skip.path}: {skip.why}", err=True)
        click.echo(f"diag: --redact: {summary_lines(staged.redactor)[0]}", err=True)
        for line in skipped_lines(staged.skipped):
            click.echo(f"diag: --redact: {line}", err=True)
    from diag import progress as bar

    if progress is None:
        progress = bar.wanted(sys.stderr)
    options.progress = bar.Progress(sys.stderr) if progress and sys.stderr is not None else None
    try:
        report = analyze(run, options, rules=book)
    except DiagError as exc:
        if not redact:
            raise
        raise DiagError(fix(str(exc))) from None
    finally:
        if options.progress is not None:
            options.progress.close()
    if write_baseline:
        def same(path: str) -> bool:  # the same file by any name (a link, a hard link)
            try:
                return os.path.samefile(path, write_baseline)
            except OSError:
                return False

        read = [i.path for i in report.inputs if i.path != "-"] + list(context)
        if os.path.exists(write_baseline) and any(same(p) for p in read):
            raise DiagError(f"{write_baseline}: this is one of the captures being checked; "
                            "write the baseline to another file")
        save_baseline(write_baseline, report.findings)
        click.echo(f"diag: wrote {len(report.findings)} finding(s) to the baseline {write_baseline}", err=True)
    if output is not None:
        _refuse_overwriting_an_input(output, [i.path for i in report.inputs if i.path != "-"] + list(context))
        with open(output, "wb") as target:
            _write((fix(chunk) for chunk in stream(report, fmt, show_suppressed=show_suppressed, pretty=False,
                                                   brief=brief)), target)
    else:
        pretty = sys.stdout is not None and sys.stdout.isatty()
        _write(fix(chunk) for chunk in stream(report, fmt, show_suppressed=show_suppressed, pretty=pretty,
                                              brief=brief))
    for path, problem in report.unread:
        click.echo(fix(f"diag: error: {shown_path(path)}: {problem}"), err=True)
    for info in report.inputs:
        if info.note:
            click.echo(fix(f"diag: warning: {shown_path(info.path)}: {info.note}"), err=True)
    known = {r.id for r in book.rules}
    for info in report.inputs:
        for sup in info.suppressions:
            if not sup.rules:
                click.echo(fix(f"diag: warning: {shown_path(sup.path)}:{sup.line}: the suppression names no rule id "
                               "('! diag: ignore <rule-id> -- <reason>')"), err=True)
            for rule_id in sup.rules:
                if rule_id != "all" and rule_id not in known:
                    click.echo(fix(f"diag: warning: {shown_path(sup.path)}:{sup.line}: the suppression names an unknown "
                                   f"rule id '{rule_id}' (see 'diag rules')"), err=True)
    sys.exit(0 if write_baseline and not report.unread else report.exit_code(fail_on))


def _window(ctx, param, value):
    if value is None:
        return None
    from diag.deadlines import parse_window

    try:
        return parse_window(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "ics", "json"]), default="table",
              show_default=True,
              help="table: for a person; csv: for spreadsheets and inventory imports (ISO dates, a header row); "
                   "ics: iCalendar, one event with an alarm per deadline; json: for tools.")
@click.option("--within", "within", metavar="N[d|w]", callback=_window,
              help="Exit 1 when a deadline falls within this window of the time each device is judged at "
                   "(e.g. 30d, 4w; a deadline already passed counts too), else 0. In -f ics, the alarm "
                   "fires this long before each deadline (default 7 days).")
@click.option("--now", "now", metavar="ISO-8601", help="Judge dates against this time instead of the capture's clock.")
@click.option("-j", "--jobs", type=int, default=1, show_default=True,
              help="Worker processes for many files (0: one per CPU).")
def deadlines(paths, fmt, within, now, jobs) -> None:
    """List the dated licensing events of each device: kind, date, days from now, source line.

    Registration, authorization, last and next attempts (failed ones marked), the
    communication deadline, registration expiry, evaluation end, SLP ACKs and report
    pushes. Each device is judged at the same time 'diag check' judges it at (--now, the
    capture's clock, this machine's). Exit 2 when an input cannot be read.
    """
    from diag.api import Options, analyze
    from diag.deadlines import chunks, due

    options = Options(now=_parse_now(now), jobs=_jobs(jobs))
    report = analyze(_paths(paths, "deadlines"), options)
    pretty = sys.stdout is not None and sys.stdout.isatty()
    _write(chunks(report, fmt, within, pretty=pretty))
    for path, problem in report.unread:
        click.echo(f"diag: error: {path}: {problem}", err=True)
    for info in report.inputs:
        if info.note:
            click.echo(f"diag: warning: {info.path}: {info.note}", err=True)
    if report.unread:
        sys.exit(2)
    sys.exit(1 if within is not None and due(report, within) else 0)


@cli.command()
@click.argument("hosts", nargs=-1, metavar="[HOST ...]")
@click.option("--inventory", "inventory", type=click.Path(dir_okay=False),
              help="Nornir SimpleInventory hosts file (groups.yaml and defaults.yaml beside it are read too).")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default="captures", show_default=True,
              help="Folder for the session logs, one <host>.log per device (created when needed).")
@click.option("--check", "then_check", is_flag=True, help="Check the logs at once, as 'diag check' would.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format of --check.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="With --check: lowest severity that makes the exit code 1 (default: warning).")
@click.option("-u", "--user", "username", envvar="DIAG_USER", metavar="USER",
              help="SSH user where the inventory names none (or DIAG_USER; default: ~/.ssh/config's, else "
                   "your login name).")
@click.option("--ask-password", is_flag=True,
              help="Ask for the SSH password once (else DIAG_PASSWORD, else keys and the SSH agent).")
@click.option("-i", "--key", "private_key", type=click.Path(dir_okay=False, exists=True),
              help="SSH private key file (the agent and ~/.ssh/config keys are used anyway).")
@click.option("--transport", type=click.Choice(["system", "paramiko"]), default="system", show_default=True,
              help="system: the OpenSSH client (~/.ssh/config, agent, jump hosts); paramiko: the fallback.")
@click.option("--ssh-config", "ssh_config", type=click.Path(dir_okay=False),
              help="OpenSSH configuration file to use instead of ~/.ssh/config.")
@click.option("--no-host-key-check", is_flag=True,
              help="Accept any SSH host key (labs only; by default known_hosts must hold it).")
@click.option("-w", "--workers", type=click.IntRange(1, 256), default=10, show_default=True,
              help="Devices collected at the same time.")
@click.option("--connect-timeout", type=click.FloatRange(0.1), default=15.0, show_default=True, metavar="S",
              help="Seconds to wait for the switch's SSH greeting (OpenSSH counts whole seconds: a fraction is rounded up).")
@click.option("--command-timeout", type=click.FloatRange(0.1), default=60.0, show_default=True, metavar="S",
              help="Seconds to wait for one command's output.")
@click.option("--device-timeout", type=click.FloatRange(0.1), default=600.0, show_default=True, metavar="S",
              help="Seconds one device may take in all.")
@click.option("--redact", is_flag=True,
              help="Write redacted copies only (see 'diag redact'): no host name, address or secret on disk.")
@click.option("--redact-key", metavar="KEY", envvar="DIAG_REDACT_KEY", help="Key for --redact placeholders.")
@click.pass_context
def collect(ctx, hosts, inventory, outdir, then_check, fmt, fail_on, username, ask_password, private_key, transport,
            ssh_config, no_host_key_check, workers, connect_timeout, command_timeout, device_timeout, redact,
            redact_key) -> None:
    """Collect from switches over SSH exactly what the rules need, read-only.

    Runs 'show' commands (and ping / telnet probes to the licensing host) chosen by the
    rules, following up on what each answer shows, and writes one session log per device
    in the form 'diag check' reads. HOST is [user@]name-or-address[:port]. Needs the
    'collect' extra: pip install 'nxos-diag[collect]'.
    """
    from diag import collect as col

    hint = col.missing_extra()
    if hint:
        raise DiagError(hint)
    if not hosts and not inventory:
        raise click.UsageError("give switches to collect from (HOST ...), or --inventory FILE")
    if not outdir.strip():
        raise click.BadParameter("give a folder name", param_hint="-o/--output")
    targets = [col.parse_host(h) for h in hosts]
    password = os.environ.get("DIAG_PASSWORD") or None
    if ask_password:
        password = click.prompt("SSH password", hide_input=True, err=True)
    settings = col.Settings(
        username=username, password=password, private_key=private_key, transport=transport,
        strict_host_key=not no_host_key_check, ssh_config=ssh_config if ssh_config else True,
        timeout_connect=connect_timeout, timeout_command=command_timeout, timeout_device=device_timeout,
        workers=workers)
    secrets = [password] if password else []
    say_lock = __import__("threading").Lock()

    def say(line: str) -> None:
        with say_lock:
            click.echo(col._scrub(f"diag: {line}", secrets), err=True)

    def on_event(name: str, message: str, kind: str) -> None:
        if kind != "command":
            say(f"{name}: {message}")

    import shutil

    results, workdir = col.run(targets, settings, inventory, on_event=on_event)
    written: list[str] = []
    try:
        logs = [r for r in results if r.path]
        if logs:
            os.makedirs(outdir, exist_ok=True)
        if logs and redact:
            from diag.redact import redact_to_folder, summary_lines

            named = os.path.join(workdir, "named")
            os.mkdir(named)
            for r in logs:  # under their final names: the redacted copies keep them (redacted)
                dest = os.path.join(named, r.file)
                os.replace(r.path, dest)
                r.path = dest
            done = redact_to_folder([r.path for r in logs], outdir, redact_key)
            where = dict(done.written)
            for r in logs:
                r.path = where.get(r.path)
            for line in summary_lines(done.redactor)[:1]:
                say(f"--redact: {line}")
        else:
            for r in logs:
                dest = os.path.join(outdir, r.file)
                shutil.move(r.path, dest)
                r.path = dest
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for r in results:
        label = f"{r.name} ({r.device})" if r.device and r.device != r.name else r.name
        if r.ok:
            extra = f"; '% Invalid command' to: {', '.join(r.invalid)}" if r.invalid else ""
            extra += f"; stopped after {r.rounds} rounds" if r.capped else ""
            say(f"{label}: ok, {len(r.commands)} command(s) in {r.rounds + 1} round(s), {r.seconds:.1f} s "
                f"-> {r.path}{extra}")
        else:
            kept = f" (kept what it gave: {r.path})" if r.path else ""
            say(f"{label}: failed: {r.reason}{kept}")
        if r.path:
            written.append(r.path)
    failed = [r for r in results if not r.ok]
    say(f"collected {len(results) - len(failed)} of {len(results)} device(s) into {outdir}"
        + (f"; {len(failed)} failed" if failed else ""))
    code = 2 if failed else 0
    if then_check and written:
        try:
            ctx.invoke(check, paths=tuple(written), fmt=fmt, fail_on=fail_on)
        except SystemExit as exc:
            checked = exc.code if isinstance(exc.code, int) else 2
            code = 2 if failed else checked
    sys.exit(code)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False),
              help="Folder for the redacted copies (created when needed). Without it, one input goes to stdout.")
@click.option("--key", metavar="KEY", envvar="DIAG_REDACT_KEY",
              help="Secret key (or DIAG_REDACT_KEY): the same key gives the same placeholders in every run. "
                   "Default: a new random key per run.")
@click.option("--map", "map_path", type=click.Path(dir_okay=False),
              help="Write the private table original -> placeholder (JSON) to this file; keep it, never send it.")
def redact(paths, outdir, key, map_path) -> None:
    """Write redacted copies of captures, safe to attach to a TAC case.

    Host names, addresses, accounts, contacts, serial numbers, tokens and secrets become
    consistent placeholders; dates, states, Cisco URLs and every line number stay, so
    'diag check' finds the same problems on the copy. Folders are copied recursively,
    .gz stays .gz, stdin ('-' or a pipe) goes to stdout.
    """
    from diag.redact import redact_to_folder, skipped_lines, summary_lines, write_map

    if not paths:
        if sys.stdin is None or sys.stdin.isatty():
            raise click.UsageError("give files or folders to redact (-o OUTDIR), or pipe a capture into 'diag redact -'")
        paths = ("-",)
    if outdir is not None and not outdir.strip():
        raise click.BadParameter("give a folder name", param_hint="-o/--output")
    if map_path and outdir and os.path.commonpath(
            [os.path.realpath(outdir), os.path.realpath(map_path)]) == os.path.realpath(outdir):
        raise DiagError(f"{map_path}: the map undoes the redaction; write it outside the output folder {outdir}")
    stdout = sys.stdout.buffer
    result = redact_to_folder(list(paths), outdir, key, stdout=stdout)
    stdout.flush()
    if map_path:
        write_map(result.redactor, map_path, result.written)
    for skip in result.skipped:
        level = "error" if skip.kind == "unreadable" else "warning" if skip.warning else "note"
        click.echo(f"diag: {level}: {skip.path}: {skip.why}", err=True)
    for job in result.jobs:
        if job.problem:
            click.echo(f"diag: error: {job.display}: {job.problem} (nothing written)", err=True)
        if job.note:
            click.echo(f"diag: warning: {job.display}: {job.note}", err=True)
    lines = sum(j.lines for j in result.jobs if not j.problem)
    where = f" to {outdir}" if outdir else ""
    click.echo(f"diag: redacted {len(result.written)} file(s), {lines} line(s){where}", err=True)
    for line in [*summary_lines(result.redactor), *skipped_lines(result.skipped)]:
        click.echo(f"diag: {line}", err=True)
    if map_path:
        click.echo(f"diag: wrote the private map to {map_path} (keep it; do not send it)", err=True)
    sys.exit(2 if any(j.problem for j in result.jobs) or any(s.kind == "unreadable" for s in result.skipped) else 0)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--whole-config", "whole_config", multiple=True, metavar="GLOB",
              help="Files matching GLOB hold whole running-configs, even without a header (as for check).")
@click.option("--no-config", is_flag=True, help="Do not read .diag.yaml or [tool.diag] (its whole-config).")
def parse(paths, whole_config, no_config) -> None:
    """Show the facts read from captures, as JSON, each with its path and line."""
    from diag import config as cfg
    from diag.api import parse_only
    from diag.report.jsonfmt import device_json

    found = None if no_config or whole_config else cfg.find()
    conf = cfg.load(found) if found is not None else cfg.Config()
    infos, devices, unread = parse_only(_paths(paths, "parse"), _whole_config(whole_config, (), conf))
    out = {
        "schema": "diag-facts/1",
        "tool": {"name": "diag", "version": __version__},
        "inputs": [i.to_json() for i in infos],
        "devices": [
            {**device_json(d), "coverage": sorted(d.coverage),
             "sections": [{"command": s.command, "typed": s.typed, "origin": s.origin, "path": s.path,
                           "line": s.start, "end_line": s.end, "coverage": sorted(s.coverage),
                           **({"shows": {k: sorted(v) for k, v in sorted(s.shows.items())}} if s.shows else {}),
                           **({"rejected": s.rejected} if s.rejected else {})} for s in d.sections],
             "facts": [f.to_json() for f in d.store.all()]}
            for d in devices
        ],
        "unread": [{"path": p, "problem": m} for p, m in unread],
    }
    import json

    _write([json.dumps(out, indent=2, ensure_ascii=False), "\n"])
    for path, problem in unread:
        click.echo(f"diag: error: {shown_path(path)}: {problem}", err=True)
    sys.exit(2 if unread else 0)


def _test_rules(book, rules_dirs, fmt) -> None:
    from pathlib import Path

    from diag.selftest import check_all

    results = check_all(book, [Path(d) for d in rules_dirs] or None)
    failed = [r for r in results if not r.ok]
    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": r.ident, "path": str(r.path), "ok": r.ok, "problems": r.problems}
                               for r in results], indent=2))
    else:
        for r in results:
            click.echo(f"{'ok  ' if r.ok else 'FAIL'}  {r.ident}")
            for problem in r.problems:
                click.echo(f"      {problem}")
        click.echo(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


# docs/rules.md is the output of 'diag rules -f markdown': one section per area, in this order
# (an area not listed here follows, by name), each rule as 'diag explain' documents it.
AREAS = {
    "known-issues": "Known issues of TechNote 217965",
    "callhome": "Call Home configuration",
    "network": "Network prerequisites",
    "platform": "Platform and release",
    "classic": "Classic Smart Licensing (9.3(3) to 10.1(x))",
    "slp": "Smart Licensing Using Policy (10.2(1)F and later)",
    "licenses": "License use and enforcement (any licensing mode)",
    "tool": "The tool itself",
}


def _md(text: str) -> str:
    """Prose from a rule file as Markdown text: one line per paragraph, markup characters escaped."""
    import re

    paras = (" ".join(p.split()) for p in text.strip().split("\n\n"))
    return "\n\n".join(re.sub(r"([\\`*_\[\]<>|])", r"\\\1", p) for p in paras if p)


def _rules_markdown(book) -> str:
    """The rule book as a Markdown page (docs/rules.md), from the loaded rules only."""
    order = {area: n for n, area in enumerate(AREAS)}
    rules = sorted(book.rules, key=lambda r: (order.get(r.area, len(order)), r.area, r.id))
    out = ["<!-- Generated from the rule files by `diag rules -f markdown`: do not edit by hand.",
           "     Regenerate it with: diag rules -f markdown > docs/rules.md -->", "",
           "# Rules", "",
           f"diag has {len(rules)} rules. `diag explain <id>` shows each one with a real capture that "
           "fires it and what diag reports on it; `diag rules -f json` gives this table to tools.", "",
           "Severity `a/b`: the rule reports `a`, raised to `b` when its escalation holds "
           "(a deadline that has passed, for example). Confidence says how well public sources confirm "
           "what the rule rests on: see [What is confirmed and what is not](knowledge.md).", "",
           "| id | severity | confidence | area | title |", "|---|---|---|---|---|"]
    for r in rules:
        sev = f"{r.severity}/{r.escalate[0]}" if r.escalate else r.severity
        out.append(f"| [`{r.id}`](#{r.id}) | {sev} | {r.confidence} | {r.area} | {_md(r.title)} |")
    area = None
    for r in rules:
        if r.area != area:
            area = r.area
            out += ["", f"## {AREAS.get(area, area)}"]
        needs = ["any of " + " / ".join(f"`{c}`" for c in alts) if len(alts) > 1 else f"`{alts[0]}`"
                 for alts in r.requires]
        sev = f"{r.severity}, raised to {r.escalate[0]} when its escalation holds" if r.escalate else r.severity
        out += ["", f"### {r.id}", "", f"**{_md(r.title)}**", "",
                f"- severity: {sev}", f"- confidence: {r.confidence}", f"- area: {r.area}",
                f"- needs: {', '.join(needs) if needs else 'nothing beyond the capture itself'}"]
        if r.modes:
            out.append(f"- applies to: {', '.join(r.modes)} licensing")
        for key, label in (("what", "What it checks"), ("why", "Why it matters"),
                           ("confirm", "What would confirm it")):
            if r.docs.get(key):
                out += ["", f"**{label}:** {_md(r.docs[key])}"]
        out += ["", "**Fix** (`diag check` fills in the switch's own values):", "", "```text",
                *r.fix.text.strip("\n").splitlines(), "```", "", "**Verify:**", ""]
        for command, expect in r.verify:
            line = f"- `{' '.join(command.text.split())}`"
            out.append(line + (f": expect {_md(expect.text)}" if expect is not None else ""))
        if r.references:
            out += ["", "**References:**", ""] + [f"- {_md(ref)}" for ref in r.references]
    if book.derivations:
        kinds: dict[str, list] = {}
        for d in book.derivations:
            kinds.setdefault(d.kind, []).append(d)
        out += ["", "## Derived facts", "",
                "Conclusions several rules share, drawn from other facts before the rules run "
                "(`diag facts <kind>` lists their fields).", "",
                "| fact kind | what it says | concluded by |", "|---|---|---|"]
        for kind, ds in sorted(kinds.items()):
            ids = ", ".join(f"`{d.id}`" for d in sorted(ds, key=lambda d: d.id))
            out.append(f"| `{kind}` | {_md(ds[0].doc)} | {ids} |")
    return "\n".join(out) + "\n"


@cli.command("rules")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="text: a table; json: for tools; markdown: the page docs/rules.md.")
@click.option("-r", "--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of rule files (repeatable).")
@click.option("--test", "test", is_flag=True,
              help="Check that each rule's .hit.txt fires it and its .ok.txt near miss does not "
                   "(the rules of the -r folders; every rule without -r). Exit 1 on a failure.")
def rules_cmd(fmt, rules_dirs, test) -> None:
    """List the rules: id, severity, confidence, area and title."""
    from diag.rulebook import load_rules

    book = load_rules(rules_dirs)
    if test:
        _test_rules(book, rules_dirs, fmt)
        return
    if fmt == "markdown":
        click.echo(_rules_markdown(book), nl=False)
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": r.id, "severity": r.severity, "confidence": r.confidence, "area": r.area,
                                "title": r.title, "requires": [list(a) for a in r.requires],
                                **({"escalates_to": r.escalate[0]} if r.escalate else {})}
                               for r in book.rules], indent=2))
        return
    width = max(len(r.id) for r in book.rules)
    click.echo(f"{'ID':<{width}}  {'SEVERITY':<13}  {'CONF.':<6}  {'AREA':<12}  TITLE")
    for r in book.rules:
        sev = f"{r.severity}/{r.escalate[0]}" if r.escalate else r.severity
        click.echo(f"{r.id:<{width}}  {sev:<13}  {r.confidence:<6}  {r.area:<12}  {r.title}")
    click.echo("\n(a/b: severity a, raised to b when the rule's escalation holds, e.g. a deadline passed)")
    click.echo(f"\n{len(book.rules)} rules")
    if book.derivations:
        click.echo("\nDerived facts (concluded before the rules run; see 'diag facts <kind>'):")
        kinds: dict[str, list] = {}
        for d in book.derivations:
            kinds.setdefault(d.kind, []).append(d)
        for kind, ds in sorted(kinds.items()):
            click.echo(f"  {kind:<26} from {len(ds)} derivation(s): {', '.join(d.id for d in ds)}")


@cli.command()
@click.argument("rule_id")
@click.option("-r", "--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder of rule files (repeatable).")
def explain(rule_id, rules_dirs) -> None:
    """What a rule checks, why it matters, an example that fires it, and the fix."""
    from diag.explain import explain_rule
    from diag.rulebook import load_rules

    book = load_rules(rules_dirs)
    rule = book.by_id.get(rule_id)
    if rule is None:
        close = [r.id for r in book.rules if rule_id.split("-")[0] in r.id][:5]
        hint = f" (did you mean: {', '.join(close)}?)" if close else " (see 'diag rules')"
        raise DiagError(f"unknown rule id '{rule_id}'{hint}")
    click.echo(explain_rule(rule, book), nl=False)


@cli.command("facts")
@click.argument("kind", required=False)
def facts_cmd(kind) -> None:
    """List the fact kinds rules can use, with their fields and types."""
    from diag.facts import CATALOGUE
    from diag.rulebook import ensure_catalogue, load_rules

    load_rules()
    ensure_catalogue()  # every parser, for the docs of its kinds
    kinds = sorted(CATALOGUE)
    if kind:
        if kind not in CATALOGUE:
            raise DiagError(f"unknown fact kind '{kind}' (see 'diag facts')")
        kinds = [kind]
    for name in kinds:
        spec = CATALOGUE[name]
        click.echo(f"{name}: {spec.doc}")
        click.echo(f"    from: {', '.join(spec.produced_by)}; absence proven by: "
                   f"{', '.join(spec.proven_by) or '(never: positive evidence only)'}")
        for field in spec.fields.values():
            click.echo(f"    {field.name:<24} {field.type:<9} {field.doc}")


# A fleet run keeps millions of small objects (facts, lines) alive to the end, and none of
# them form cycles that matter: with the default thresholds the cyclic collector walks
# them all again and again (a fifth of a fleet run's time). Collect less often; memory
# stays the same, since nearly nothing of it is cyclic garbage.
GC_THRESHOLD = (50_000, 20, 100)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_overwriting_an_input(output: str, read: list[str]) -> None:
    """``-o FILE`` never writes over one of the captures being checked (by any name)."""
    if not os.path.exists(output):
        return
    for path in read:
        try:
            if os.path.samefile(path, output):
                raise DiagError(f"{output}: this is one of the captures being checked; write the report to "
                                "another file")
        except OSError:
            continue


def _write(chunks, target=None) -> None:
    """Write a report to stdout (or the binary file ``target``) as UTF-8, piece by piece. A
    name that is not valid UTF-8 (a file name's undecodable bytes, kept as surrogate
    escapes) is written with U+FFFD in their place, so that every format stays valid UTF-8
    text."""
    if target is not None:
        for chunk in chunks:
            target.write(_SURROGATE.sub("\ufffd", chunk).encode("utf-8"))
        return
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
    for chunk in chunks:
        if _SURROGATE.search(chunk):
            chunk = _SURROGATE.sub("\ufffd", chunk)
        if buffer is not None:
            buffer.write(chunk.encode("utf-8"))
        else:
            stream.write(chunk)
    stream.flush()


def _quiet_stdout() -> None:
    """After a failed write, point stdout at /dev/null so that the interpreter's last flush
    of what is still buffered cannot fail again (and print a traceback-like warning)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main() -> None:
    gc.set_threshold(*GC_THRESHOLD)
    try:
        cli(prog_name="diag")
    except SystemExit as exc:
        code = exc.code
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except BrokenPipeError:
            _quiet_stdout()
        except OSError as err:
            _quiet_stdout()
            click.echo(f"diag: error: writing the output: {err.strerror or err}", err=True)
            code = 2
        _leave(code)


def _leave(code) -> None:
    """Exit without tearing the run's objects down one by one: a fleet run ends holding
    millions of them, and freeing them costs a tenth of a second that nobody waits for.
    The output is flushed first; anything but a plain exit status takes the usual way."""
    if code is None or isinstance(code, int):
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:
                    stream.flush()
        except (OSError, ValueError):
            sys.exit(code)
        os._exit(code or 0)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
