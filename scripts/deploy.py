#!/usr/bin/env python3
"""`make deploy`: from an empty Google Cloud project to a pushed Apps Script, idempotently.

Reads its settings from the environment (make passes its command-line variables there):

    PROJECT, REGION            required: the Google Cloud project ID and the function's region
    ALLOWED_AUDIENCES          the script's identity-token audience (see docs/deployment.md)
    ALLOWED_USERS              emails and @domain entries allowed to call the function
    JOBMOJITO_MERCHANT_ID      optional, JobMojito's merchant id (with a service key)
    SCRIPT_ID                  the Apps Script's ID, unless apps_script/.clasp.json has it
    RUNTIME_SERVICE_ACCOUNT    optional, default: the Compute Engine default service account
    FIRESTORE_DATABASE         optional, default: (default)
    DRY_RUN=1                  print every command, in order, and run none
    FORCE=1                    deploy the function and push the script even when unchanged
    CLASP                      the clasp command, default `clasp` when installed, else npx

ALLOWED_AUDIENCES, ALLOWED_USERS and JOBMOJITO_MERCHANT_ID keep the deployed function's values
when not given; on a first deploy without them, the two lists get placeholders that refuse every
caller, and the closing steps say how to set them.

The JobMojito token is read from standard input (or asked for, without echo, on a terminal) only
when the secret does not exist yet. Every failure ends the run with one sentence naming the fix.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FUNCTION = "jobmojito-invite"
SECRET = "jobmojito-api-token"
SOURCE = "cloud_function"
LABEL = "jobmojito-deploy"
APIS = (
    "cloudfunctions.googleapis.com",
    "run.googleapis.com",
    "cloudbuild.googleapis.com",
    "artifactregistry.googleapis.com",
    "logging.googleapis.com",
    "secretmanager.googleapis.com",
    "firestore.googleapis.com",
    "sheets.googleapis.com",
    "cloudresourcemanager.googleapis.com",
)
# Placeholders for a first deploy: syntactically valid, so the function starts, and matching no
# real token or account (.invalid is a reserved top-level domain), so it refuses every caller.
PLACEHOLDER_AUDIENCES = "not-set-yet.invalid"
PLACEHOLDER_USERS = "@not-set-yet.invalid"
APPS_SCRIPT_SETTINGS = "https://script.google.com/home/usersettings"
CLASP_EXAMPLE_ID = "PASTE-THE-SCRIPT-ID-FROM-PROJECT-SETTINGS"
INVOKER_IAM_DISABLED = "run.googleapis.com/invoker-iam-disabled"
DRY_NUMBER = "PROJECT_NUMBER"
AGAIN = "then run make deploy again"
FIX = "fix it and run make deploy again"


class DeployError(Exception):
    """Stops the deploy; its message is one sentence that names the fix."""


@dataclass(frozen=True)
class Result:
    """What a command answered; `dry` when it was only printed."""

    returncode: int
    stdout: str = ""
    stderr: str = ""
    dry: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def text(self) -> str:
        return f"{self.stdout}\n{self.stderr}"


@dataclass(frozen=True)
class Config:
    """The settings of one run, from the environment."""

    project: str
    region: str
    audiences: str | None
    users: str | None
    merchant_id: str | None
    script_id: str | None
    runtime_sa: str | None
    database: str
    dry: bool
    force: bool
    apps_script_dir: Path
    state_file: Path
    clasp: tuple[str, ...]


@dataclass
class Runner:
    """Runs commands, or only prints them in a dry run; keeps the list of what changed."""

    dry: bool
    out: TextIO
    changes: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def done(self, text: str) -> None:
        """A step that changed something (a dry run shows the command only)."""
        self.changes.append(text)
        if not self.dry:
            self.say(f"  changed: {text}")

    def same(self, text: str) -> None:
        """A step that found everything as asked."""
        self.say(f"  ok: {text}")

    def check(self, argv: Sequence[str], *, cwd: Path = ROOT) -> Result:
        """A command that only reads."""
        return self._run(argv, cwd=cwd, change=False)

    def change(
        self,
        argv: Sequence[str],
        *,
        cwd: Path = ROOT,
        stdin_text: str | None = None,
        stream: bool = False,
    ) -> Result:
        """A command that changes something."""
        return self._run(argv, cwd=cwd, change=True, stdin_text=stdin_text, stream=stream)

    def _run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        change: bool,
        stdin_text: str | None = None,
        stream: bool = False,
    ) -> Result:
        line = shlex.join(argv)
        if self.dry:
            self.say(f"  $ {line}")
            if stdin_text is not None:
                self.say("    (reads the JobMojito token from standard input)")
            return Result(0, dry=True)
        if change:
            self.say(f"  $ {line}")
        try:
            if stream:
                return _stream(argv, cwd, self.out)
            if stdin_text is not None:
                proc = subprocess.run(
                    list(argv), cwd=cwd, input=stdin_text, capture_output=True, text=True
                )
            else:
                proc = subprocess.run(
                    list(argv), cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True
                )
        except FileNotFoundError as error:
            raise DeployError(_missing_tool(argv[0])) from error
        return Result(proc.returncode, proc.stdout, proc.stderr)


def _stream(argv: Sequence[str], cwd: Path, out: TextIO) -> Result:
    """Runs a long command, echoing its output indented, and keeps the output."""
    try:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    except FileNotFoundError as error:
        raise DeployError(_missing_tool(argv[0])) from error
    lines: list[str] = []
    assert proc.stdout is not None
    for raw in proc.stdout:
        lines.append(raw)
        print(f"    | {raw.rstrip()}", file=out, flush=True)
    return Result(proc.wait(), "", "".join(lines))


def _missing_tool(name: str) -> str:
    if name == "gcloud":
        return (
            "The Google Cloud CLI (gcloud) is not installed: install it from "
            f"https://cloud.google.com/sdk/docs/install, run `gcloud auth login`, {AGAIN}."
        )
    return (
        f"{name} could not be started: install Node 20 (for npx) or set CLASP to your clasp "
        f"command, {AGAIN}."
    )


# ---------------------------------------------------------------- settings


def load_config(env: Mapping[str, str]) -> Config:
    """Reads and checks the settings; a missing or malformed one stops with a sentence."""

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    project, region = get("PROJECT"), get("REGION")
    if not project or not region:
        raise DeployError(
            "Name the Google Cloud project and the function's region: "
            "make deploy PROJECT=your-project-id REGION=europe-west1."
        )
    if not re.fullmatch(r"([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]", project):
        raise DeployError(
            f"PROJECT must be the project's ID (e.g. acme-hr-123456, shown by "
            f"`gcloud projects list`), not {project!r}; {FIX}."
        )
    if not re.fullmatch(r"[a-z]+(-[a-z]+)+\d+", region):
        raise DeployError(
            f"REGION must be a Cloud Functions region such as europe-west1, not {region!r}; {FIX}."
        )
    audiences = _normalise(get("ALLOWED_AUDIENCES"))
    users = _normalise(get("ALLOWED_USERS"))
    merchant = get("JOBMOJITO_MERCHANT_ID")
    for name, value in (
        ("ALLOWED_AUDIENCES", audiences),
        ("ALLOWED_USERS", users),
        ("JOBMOJITO_MERCHANT_ID", merchant),
    ):
        if value is not None and (";" in value or re.search(r"\s", value)):
            raise DeployError(
                f"{name} must not contain semicolons or spaces (separate entries with commas); "
                f"{FIX}."
            )
    if users:
        _check_users(users)
    apps_script_dir = Path(get("APPS_SCRIPT_DIR") or ROOT / "apps_script").resolve()
    state_file = Path(get("DEPLOY_STATE_FILE") or ROOT / "build" / "deploy-state.json")
    clasp_command = get("CLASP")
    if clasp_command:
        clasp: tuple[str, ...] = tuple(shlex.split(clasp_command))
    elif shutil.which("clasp"):
        clasp = ("clasp",)
    else:
        clasp = ("npx", "--yes", "@google/clasp")
    return Config(
        project=project,
        region=region,
        audiences=audiences or None,
        users=users or None,
        merchant_id=merchant,
        script_id=get("SCRIPT_ID"),
        runtime_sa=get("RUNTIME_SERVICE_ACCOUNT"),
        database=get("FIRESTORE_DATABASE") or "(default)",
        dry=get("DRY_RUN") not in (None, "0", "false", "no"),
        force=get("FORCE") not in (None, "0", "false", "no"),
        apps_script_dir=apps_script_dir,
        state_file=state_file,
        clasp=clasp,
    )


def _entries(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _normalise(value: str | None) -> str | None:
    return ",".join(_entries(value)) if value is not None else None


def _check_users(users: str) -> None:
    """The function's own rule: every entry is an email or an @domain with a dot."""
    entries = _entries(users)
    if not entries:
        raise DeployError(f"ALLOWED_USERS lists nobody; {FIX}.")
    for entry in entries:
        _, at, domain = entry.rpartition("@")
        if not at or "." not in domain:
            raise DeployError(
                f"ALLOWED_USERS must list emails and @domain entries ({entry!r} is neither); {FIX}."
            )


def resolve_script_id(cfg: Config) -> str:
    """The Apps Script to push to: SCRIPT_ID, else apps_script/.clasp.json."""
    if cfg.script_id:
        script_id = cfg.script_id
    else:
        try:
            data = json.loads((cfg.apps_script_dir / ".clasp.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        script_id = _str(_dict(data).get("scriptId"))
    if not script_id or script_id == CLASP_EXAMPLE_ID:
        raise DeployError(
            "Name the Apps Script to push: pass SCRIPT_ID=… (the Sheet's Extensions → Apps "
            "Script → Project Settings → Script ID) or put it in apps_script/.clasp.json, "
            f"{AGAIN}."
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]+", script_id):
        raise DeployError(f"SCRIPT_ID {script_id!r} is not an Apps Script ID; {FIX}.")
    return script_id


# ---------------------------------------------------------------- JSON helpers


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _json(result: Result) -> object:
    """The parsed answer of a `--format=json` command; None for a dry run or no answer."""
    if result.dry or not result.stdout.strip():
        return None
    try:
        parsed: object = json.loads(result.stdout)
    except ValueError as error:
        raise DeployError(
            f"gcloud answered something other than JSON ({result.stdout.strip()[:80]!r}); "
            f"update the Google Cloud CLI with `gcloud components update`, {AGAIN}."
        ) from error
    return parsed


def _not_found(result: Result) -> bool:
    text = result.text
    return (
        "NOT_FOUND" in text
        or "status=[404]" in text
        or "not found" in text.lower()
        or "does not exist" in text
    )


def _has_binding(policy: object, role: str, member: str) -> bool:
    return any(
        _dict(binding).get("role") == role and member in _list(_dict(binding).get("members"))
        for binding in _list(_dict(policy).get("bindings"))
    )


def _gcloud_error(result: Result) -> str:
    """gcloud's own error line, to quote in a sentence."""
    lines = [line.strip() for line in result.text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")]
    quoted = (errors or lines or ["no error message"])[-1]
    quoted = re.sub(r"^ERROR: \([^)]*\) ", "", quoted)
    return quoted[:300].rstrip(".")


def failure(cfg: Config, result: Result, what: str) -> DeployError:
    """The sentence for a command that failed in a common way, quoting gcloud otherwise."""
    text = result.text
    if "gcloud auth login" in text or "active account" in text or "Reauthentication" in text:
        return DeployError(
            f"gcloud is not logged in: run `gcloud auth login` with an account that owns "
            f"{cfg.project}, {AGAIN}."
        )
    if "billing" in text.lower():
        return DeployError(
            f"Project {cfg.project} needs a billing account: link one at "
            f"https://console.cloud.google.com/billing/linkedaccount?project={cfg.project}, "
            f"{AGAIN}."
        )
    if "has not been used in project" in text or "it is disabled" in text:
        return DeployError(
            f"An API that make deploy enabled is not active yet ({_gcloud_error(result)}): "
            f"wait a few minutes, {AGAIN}."
        )
    if "PERMISSION_DENIED" in text or "does not have permission" in text or "[403]" in text:
        return DeployError(
            f"Your account may not {what} in {cfg.project} ({_gcloud_error(result)}): run make "
            f"deploy as an owner of the project, or ask one to grant you roles/owner, {AGAIN}."
        )
    return DeployError(f"Could not {what} ({_gcloud_error(result)}): fix that, {AGAIN}.")


# ---------------------------------------------------------------- steps


def project_number(run: Runner, cfg: Config) -> str:
    run.say(f"Project {cfg.project}")
    result = run.check(["gcloud", "projects", "describe", cfg.project, "--format=json"])
    if result.dry:
        return DRY_NUMBER
    if not result.ok:
        if "gcloud auth login" in result.text or "active account" in result.text:
            raise failure(cfg, result, "read the project")
        raise DeployError(
            f"Project {cfg.project} was not found or your account cannot see it: check PROJECT "
            f"(the project ID) and the account shown by `gcloud auth list`, {AGAIN}."
        )
    number = _str(_dict(_json(result)).get("projectNumber"))
    if not number:
        raise failure(cfg, result, "read the project's number")
    run.same(f"project number {number}")
    return number


def enable_apis(run: Runner, cfg: Config) -> None:
    run.say("APIs")
    result = run.check(
        [
            "gcloud",
            "services",
            "list",
            "--enabled",
            f"--project={cfg.project}",
            "--format=value(config.name)",
        ]
    )
    if not result.ok:
        raise failure(cfg, result, "list the enabled APIs")
    enabled = set(result.stdout.split())
    missing = [api for api in APIS if api not in enabled]
    if not missing:
        run.same(f"{len(APIS)} APIs already enabled")
        return
    result = run.change(["gcloud", "services", "enable", *missing, f"--project={cfg.project}"])
    if not result.ok:
        raise failure(cfg, result, "enable the APIs")
    run.done(f"enabled {', '.join(missing)}")


def ensure_firestore(run: Runner, cfg: Config) -> None:
    run.say(f"Firestore database {cfg.database}")
    result = run.check(
        ["gcloud", "firestore", "databases", "list", f"--project={cfg.project}", "--format=json"]
    )
    if not result.ok:
        raise failure(cfg, result, "list the Firestore databases")
    for database in _list(_json(result)):
        name = _str(_dict(database).get("name"))
        if name.rsplit("/", 1)[-1] != cfg.database:
            continue
        kind = _str(_dict(database).get("type"))
        if kind and kind != "FIRESTORE_NATIVE":
            raise DeployError(
                f"The Firestore database {cfg.database} of {cfg.project} is in Datastore mode, "
                "which the state store cannot use: set FIRESTORE_DATABASE=jobmojito to create a "
                f"separate database in Native mode, {AGAIN}."
            )
        location = _str(_dict(database).get("locationId"))
        run.same(f"exists, Native mode, in {location or 'its location'}")
        return
    result = run.change(
        [
            "gcloud",
            "firestore",
            "databases",
            "create",
            f"--database={cfg.database}",
            f"--location={cfg.region}",
            "--type=firestore-native",
            f"--project={cfg.project}",
        ]
    )
    if not result.ok:
        raise failure(cfg, result, "create the Firestore database")
    run.done(f"created Firestore database {cfg.database} (Native mode) in {cfg.region}")


def read_token(stdin: TextIO | None) -> str:
    """The JobMojito token: asked for without echo on a terminal, else read from stdin."""
    if stdin is None or stdin.closed:
        return ""
    try:
        if stdin.isatty():
            return getpass.getpass("JobMojito API token (typing is not shown): ").strip()
        return stdin.read().strip()
    except (EOFError, OSError):
        return ""


def ensure_secret(run: Runner, cfg: Config, stdin: TextIO | None) -> str:
    """Creates the secret from standard input when absent; answers its latest version."""
    run.say(f"Secret {SECRET}")
    flags = [f"--project={cfg.project}", "--format=json"]
    result = run.check(["gcloud", "secrets", "describe", SECRET, *flags])
    if result.ok and not result.dry:
        run.same("exists")
    elif result.dry or _not_found(result):
        token = "" if result.dry else read_token(stdin)
        if not token and not result.dry:
            raise DeployError(
                f"The secret {SECRET} does not exist yet: pipe the JobMojito API token in "
                '(printf %s "$TOKEN" | make deploy PROJECT=… REGION=…) or run make deploy in a '
                "terminal to be asked for it."
            )
        created = run.change(
            [
                "gcloud",
                "secrets",
                "create",
                SECRET,
                "--replication-policy=automatic",
                "--data-file=-",
                f"--project={cfg.project}",
            ],
            stdin_text=token,
        )
        if not created.ok:
            raise failure(cfg, created, f"create the secret {SECRET}")
        run.done(f"created secret {SECRET} from standard input")
    else:
        raise failure(cfg, result, f"read the secret {SECRET}")
    latest = run.check(
        ["gcloud", "secrets", "versions", "describe", "latest", f"--secret={SECRET}", *flags]
    )
    if latest.dry:
        return "latest"
    if not latest.ok:
        if _not_found(latest):
            raise DeployError(
                f"The secret {SECRET} has no enabled version: add one with "
                f'printf %s "$TOKEN" | gcloud secrets versions add {SECRET} --data-file=- '
                f"--project={cfg.project}, {AGAIN}."
            )
        raise failure(cfg, latest, f"read the secret {SECRET}")
    return _str(_dict(_json(latest)).get("name")) or "latest"


def grant_secret_access(run: Runner, cfg: Config, runtime_sa: str) -> None:
    member = f"serviceAccount:{runtime_sa}"
    role = "roles/secretmanager.secretAccessor"
    policy = run.check(
        ["gcloud", "secrets", "get-iam-policy", SECRET, f"--project={cfg.project}", "--format=json"]
    )
    if not policy.ok:
        raise failure(cfg, policy, f"read who may read the secret {SECRET}")
    if _has_binding(_json(policy), role, member):
        run.same(f"{runtime_sa} may read it")
        return
    result = run.change(
        [
            "gcloud",
            "secrets",
            "add-iam-policy-binding",
            SECRET,
            f"--member={member}",
            f"--role={role}",
            "--condition=None",
            f"--project={cfg.project}",
        ]
    )
    if not result.ok:
        raise failure(cfg, result, f"let the function read the secret {SECRET}")
    run.done(f"granted {runtime_sa} {role} on {SECRET}")


def build_service_account(run: Runner, cfg: Config, number: str) -> str:
    """The account Cloud Build uses for the function's builds (the compute one since 2024)."""
    compute = f"{number}-compute@developer.gserviceaccount.com"
    result = run.check(
        [
            "gcloud",
            "builds",
            "get-default-service-account",
            f"--region={cfg.region}",
            f"--project={cfg.project}",
            "--format=json",
        ]
    )
    if result.dry or not result.ok:
        return compute
    email = _str(_dict(_json(result)).get("serviceAccountEmail")).rsplit("/", 1)[-1]
    return email or compute


def grant_project_roles(run: Runner, cfg: Config, grants: Sequence[tuple[str, str]]) -> list[str]:
    """Grants (account, role) pairs on the project; answers the roles it granted now."""
    policy = run.check(["gcloud", "projects", "get-iam-policy", cfg.project, "--format=json"])
    if not policy.ok:
        raise failure(cfg, policy, "read the project's IAM policy")
    current = _json(policy)
    granted: list[str] = []
    for account, role in grants:
        member = f"serviceAccount:{account}"
        if _has_binding(current, role, member):
            run.same(f"{account} has {role}")
            continue
        result = run.change(
            [
                "gcloud",
                "projects",
                "add-iam-policy-binding",
                cfg.project,
                f"--member={member}",
                f"--role={role}",
                "--condition=None",
            ]
        )
        if not result.ok:
            raise failure(cfg, result, f"grant {role} to {account}")
        run.done(f"granted {account} {role}")
        granted.append(role)
    return granted


def describe_function(run: Runner, cfg: Config) -> dict[str, Any] | None:
    result = run.check(
        [
            "gcloud",
            "functions",
            "describe",
            FUNCTION,
            f"--region={cfg.region}",
            f"--project={cfg.project}",
            "--format=json",
        ]
    )
    if result.dry:
        return None
    if not result.ok:
        if _not_found(result):
            return None
        raise failure(cfg, result, f"read the function {FUNCTION}")
    return _dict(_json(result))


@dataclass(frozen=True)
class FunctionSettings:
    audiences: str
    users: str
    merchant_id: str | None
    notes: tuple[str, ...]

    @property
    def placeholders(self) -> bool:
        return self.audiences == PLACEHOLDER_AUDIENCES or self.users == PLACEHOLDER_USERS


def function_settings(cfg: Config, function: Mapping[str, Any] | None) -> FunctionSettings:
    """Given values, else the deployed function's, else placeholders that refuse everybody."""
    deployed = _dict(_dict((function or {}).get("serviceConfig")).get("environmentVariables"))
    notes: list[str] = []

    def pick(name: str, given: str | None, placeholder: str | None) -> str | None:
        if given:
            return given
        current = _str(deployed.get(name)) or None
        if current and current != placeholder:
            notes.append(f"{name}: kept the deployed value")
            return current
        if placeholder:
            notes.append(f"{name}: not set yet, so the function refuses every caller")
        return placeholder

    audiences = pick("ALLOWED_AUDIENCES", cfg.audiences, PLACEHOLDER_AUDIENCES)
    users = pick("ALLOWED_USERS", cfg.users, PLACEHOLDER_USERS)
    merchant = pick("JOBMOJITO_MERCHANT_ID", cfg.merchant_id, None)
    assert audiences is not None and users is not None
    return FunctionSettings(audiences, users, merchant, tuple(notes))


def deploy_command(cfg: Config, settings: FunctionSettings) -> list[str]:
    env = [
        "STATE_STORE=firestore",
        f"GOOGLE_CLOUD_PROJECT={cfg.project}",
        *([f"FIRESTORE_DATABASE={cfg.database}"] if cfg.database != "(default)" else []),
        f"ALLOWED_AUDIENCES={settings.audiences}",
        f"ALLOWED_USERS={settings.users}",
        *([f"JOBMOJITO_MERCHANT_ID={settings.merchant_id}"] if settings.merchant_id else []),
    ]
    return [
        "gcloud",
        "functions",
        "deploy",
        FUNCTION,
        "--gen2",
        "--runtime=python312",
        f"--region={cfg.region}",
        f"--source={SOURCE}",
        "--entry-point=invite_candidates",
        "--trigger-http",
        "--timeout=60s",
        # A whole vCPU: with memory alone a 512 MiB function gets a third of one, and its own
        # work (checking and planning 5,000 rows, writing back) would take three times as long.
        "--memory=512Mi",
        "--cpu=1",
        f"--set-secrets=JOBMOJITO_API_TOKEN={SECRET}:latest",
        "--set-env-vars=^;^" + ";".join(env),
        *([f"--service-account={cfg.runtime_sa}"] if cfg.runtime_sa else []),
    ]


def source_digest() -> str:
    """The function's source as deployed (caches left out)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / SOURCE).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def deploy_hash(command: Sequence[str], secret_version: str) -> str:
    """Changes when the source, a setting or the secret's latest version changes."""
    payload = json.dumps([list(command), secret_version, source_digest()])
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def deploy_function(
    run: Runner,
    cfg: Config,
    *,
    settings: FunctionSettings,
    secret_version: str,
    function: Mapping[str, Any] | None,
    build_sa: str,
    build_role_granted_now: bool,
) -> dict[str, Any]:
    for note in settings.notes:
        run.say(f"  {note}")
    command = deploy_command(cfg, settings)
    digest = deploy_hash(command, secret_version)
    deployed = _str(_dict(_dict(function or {}).get("labels")).get(LABEL))
    if function is not None and deployed == digest and not cfg.force:
        run.same("source and settings unchanged since the last deploy (FORCE=1 deploys anyway)")
        return dict(function)
    result = run.change(
        [*command, f"--update-labels={LABEL}={digest}", f"--project={cfg.project}", "--quiet"],
        stream=True,
    )
    if not result.ok:
        if "missing permission on the build service account" in result.text:
            if build_role_granted_now:
                raise DeployError(
                    f"Cloud Build could not build the function because the role "
                    f"roles/cloudbuild.builds.builder that make deploy just granted to {build_sa} "
                    f"is not active yet: wait two minutes, {AGAIN}."
                )
            raise DeployError(
                f"Cloud Build could not build the function because its service account "
                f"{build_sa} lacks the rights to build: grant it with `gcloud projects "
                f"add-iam-policy-binding {cfg.project} --member=serviceAccount:{build_sa} "
                f"--role=roles/cloudbuild.builds.builder` (or lift the organisation policy that "
                f"removes it, see https://cloud.google.com/functions/docs/troubleshooting"
                f"#build-service-account), {AGAIN}."
            )
        raise failure(cfg, result, f"deploy the function {FUNCTION}")
    run.done(f"deployed {FUNCTION}")
    if result.dry:
        return {}
    described = describe_function(run, cfg)
    if described is None:
        raise DeployError(
            f"The function {FUNCTION} is not there after its deploy: see "
            f"https://console.cloud.google.com/functions/list?project={cfg.project}, {AGAIN}."
        )
    return described


def function_url(cfg: Config, function: Mapping[str, Any]) -> str:
    if not function:  # a dry run: the URL a 2nd gen function gets
        return f"https://{cfg.region}-{cfg.project}.cloudfunctions.net/{FUNCTION}"
    service_config = _dict(function.get("serviceConfig"))
    url = _str(function.get("url")) or _str(service_config.get("uri"))
    if not re.fullmatch(r"https://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?", url):
        raise DeployError(
            f"The function {FUNCTION} has no usable URL ({url!r}): look at it in "
            f"https://console.cloud.google.com/functions/list?project={cfg.project}, {AGAIN}."
        )
    return url


def service_name(function: Mapping[str, Any]) -> str:
    """The function's Cloud Run service (same name unless Google says otherwise)."""
    service = _str(_dict(function.get("serviceConfig")).get("service"))
    return service.rsplit("/", 1)[-1] or FUNCTION


def make_public(run: Runner, cfg: Config, service: str) -> None:
    """allUsers may invoke; where an organisation policy refuses allUsers, no invoker check."""
    run.say("Public access (the function checks every caller itself)")
    where = [f"--region={cfg.region}", f"--project={cfg.project}"]
    described = run.check(
        ["gcloud", "run", "services", "describe", service, *where, "--format=json"]
    )
    if not described.ok:
        raise failure(cfg, described, f"read the Cloud Run service {service}")
    annotations = _dict(_dict(_dict(_json(described)).get("metadata")).get("annotations"))
    if _str(annotations.get(INVOKER_IAM_DISABLED)).lower() == "true":
        run.same("the invoker IAM check is off")
        return
    policy = run.check(
        ["gcloud", "run", "services", "get-iam-policy", service, *where, "--format=json"]
    )
    if not policy.ok:
        raise failure(cfg, policy, f"read who may invoke {service}")
    if _has_binding(_json(policy), "roles/run.invoker", "allUsers"):
        run.same("allUsers may invoke it")
        return
    result = run.change(
        ["gcloud", "functions", "add-invoker-policy-binding", FUNCTION, *where, "--member=allUsers"]
    )
    if result.ok:
        run.done("allowed allUsers to invoke the function")
        return
    text = result.text
    if "do not belong to a permitted customer" not in text and "FAILED_PRECONDITION" not in text:
        raise failure(cfg, result, "make the function public")
    run.say("  an organisation policy refuses allUsers; turning the invoker IAM check off instead")
    result = run.change(
        [
            "gcloud",
            "run",
            "services",
            "update",
            service,
            "--no-invoker-iam-check",
            *where,
            "--quiet",
        ]
    )
    if not result.ok:
        raise DeployError(
            f"Your organisation refuses allUsers and turning off the invoker IAM check failed too "
            f"({_gcloud_error(result)}): ask an administrator for roles/run.admin on "
            f"{cfg.project} or an exception to the domain restricted sharing policy, {AGAIN}."
        )
    run.done("turned the invoker IAM check off (the organisation refuses allUsers)")


def url_prefix(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _is_function_prefix(prefix: str) -> bool:
    host = urlsplit(prefix).hostname or ""
    return host.endswith((".cloudfunctions.net", ".run.app"))


def deployment_js(url: str) -> str:
    return (
        "/**\n"
        " * Written by `make deploy` (scripts/deploy.py): the URL of the deployed Cloud Function,\n"
        " * the default for the function URL setting. Do not edit by hand; deploy again instead.\n"
        " */\n"
        f"const DEPLOYED_FUNCTION_URL = '{url}';\n"
    )


def write_script_files(run: Runner, cfg: Config, url: str) -> None:
    """The URL's prefix into the manifest's allow-list, the URL into Deployment.js."""
    run.say("Apps Script files")
    prefix = url_prefix(url)
    manifest_path = cfg.apps_script_dir / "appsscript.json"
    try:
        manifest = _dict(json.loads(manifest_path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise DeployError(
            f"{manifest_path} is missing or not JSON: restore it with git, {AGAIN}."
        ) from error
    old = [_str(p) for p in _list(manifest.get("urlFetchWhitelist"))]
    new: list[str] = []
    for entry in old:
        entry = prefix if _is_function_prefix(entry) else entry
        if entry not in new:
            new.append(entry)
    if prefix not in new:
        new.append(prefix)
    targets = {
        manifest_path: json.dumps({**manifest, "urlFetchWhitelist": new}, indent=2) + "\n",
        cfg.apps_script_dir / "Deployment.js": deployment_js(url),
    }
    if new == old:
        targets[manifest_path] = manifest_path.read_text(encoding="utf-8")
    for path, text in targets.items():
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        what = (
            f"urlFetchWhitelist allows {prefix}"
            if path == manifest_path
            else f"DEPLOYED_FUNCTION_URL = {url}"
        )
        if current == text:
            run.same(f"{path.name}: {what}")
            continue
        if run.dry:
            run.say(f"  would write {path.name}: {what}")
            continue
        path.write_text(text, encoding="utf-8")
        run.done(f"wrote {path.name}: {what}")


def _pushed_files(apps_script_dir: Path) -> list[Path]:
    """What .claspignore lets clasp push: the manifest, the .js files, Settings.html."""
    names = ["appsscript.json", "Settings.html"]
    return sorted(
        path
        for path in apps_script_dir.iterdir()
        if path.is_file() and (path.suffix == ".js" or path.name in names)
    )


def _load_state(path: Path) -> dict[str, Any]:
    try:
        return _dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def push_script(run: Runner, cfg: Config, script_id: str) -> None:
    run.say(f"Apps Script {script_id}")
    clasp_json = cfg.apps_script_dir / ".clasp.json"
    clasp_settings: dict[str, Any] = {}
    for candidate in (clasp_json, cfg.apps_script_dir / ".clasp.json.example"):
        try:
            clasp_settings = _dict(json.loads(candidate.read_text(encoding="utf-8")))
            break
        except (OSError, ValueError):
            continue
    if clasp_settings.get("scriptId") != script_id:
        wanted = {"rootDir": ".", **clasp_settings, "scriptId": script_id}
        if run.dry:
            run.say(f"  would write {clasp_json.name} with scriptId {script_id}")
        else:
            clasp_json.write_text(json.dumps(wanted, indent=2) + "\n", encoding="utf-8")
            run.done(f"wrote {clasp_json.name} with scriptId {script_id}")
    digest = hashlib.sha256()
    for path in _pushed_files(cfg.apps_script_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    state = _load_state(cfg.state_file)
    pushed = _dict(state.get("pushed"))
    if pushed.get(script_id) == digest.hexdigest() and not cfg.force and not run.dry:
        run.same("files unchanged since the last push (FORCE=1 pushes anyway)")
        return
    result = run.change([*cfg.clasp, "push", "--force"], cwd=cfg.apps_script_dir, stream=True)
    if not result.ok or "has not enabled the Apps Script API" in result.text:
        text = result.text
        if "has not enabled the Apps Script API" in text:
            raise DeployError(
                f"The Apps Script API is off for your Google account, so clasp cannot push: turn "
                f"it on at {APPS_SCRIPT_SETTINGS}, wait a minute, {AGAIN}."
            )
        if "logged in" in text or "credentials" in text.lower() or "clasp login" in text:
            raise DeployError(
                "clasp is not logged in: run `npx @google/clasp login` with a Google account "
                f"that can edit the Sheet, {AGAIN}."
            )
        if "not found" in text.lower() or "404" in text:
            raise DeployError(
                f"clasp cannot find the Apps Script {script_id}: check SCRIPT_ID (Project "
                f"Settings → Script ID) and that your clasp account can edit the Sheet, {AGAIN}."
            )
        raise DeployError(f"clasp push failed ({_gcloud_error(result)}): fix that, {AGAIN}.")
    if result.dry:
        return
    state["pushed"] = {**pushed, script_id: digest.hexdigest()}
    cfg.state_file.parent.mkdir(parents=True, exist_ok=True)
    cfg.state_file.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
    run.done("pushed the script with clasp")


def person_steps(cfg: Config, number: str, url: str, settings: FunctionSettings) -> list[str]:
    """What only a person signed in to Google in a browser can do."""
    console = "https://console.cloud.google.com"
    if not settings.placeholders:
        return [
            "Reload the Sheet; in JobMojito → Settings… fill in the interview ID (and the "
            f"function URL {url} if it is empty). A copy of the Sheet has a new script with a new "
            "audience: see docs/deployment.md."
        ]
    return [
        f"Configure the OAuth consent screen of {cfg.project} (Internal, for your Workspace "
        f"domain): {console}/auth/branding?project={cfg.project}",
        "In the Sheet, open Extensions → Apps Script → Project Settings → Google Cloud Platform "
        f"(GCP) Project → Change project, and enter the project number {number}.",
        f"Check that the Google Sheets API is enabled in the project you linked (make deploy "
        f"enabled it in {cfg.project}): {console}/apis/library/sheets.googleapis.com"
        f"?project={cfg.project}",
        "In the Apps Script editor, pick showIdentityTokenAudience in the function list and Run "
        "it; authorize; it shows the audience for ALLOWED_AUDIENCES.",
        "Choose ALLOWED_USERS: the emails and @yourcompany.com domains allowed to invite.",
        f"Run make deploy PROJECT={cfg.project} REGION={cfg.region} "
        "ALLOWED_AUDIENCES=<the audience> ALLOWED_USERS=<emails,@domain> again; the function "
        "refuses every caller until then.",
        "Reload the Sheet; in JobMojito → Settings… fill in the interview ID (and the function "
        f"URL {url} if it is empty).",
    ]


def deploy(cfg: Config, run: Runner, stdin: TextIO | None) -> None:
    script_id = resolve_script_id(cfg)
    if cfg.dry:
        run.say(
            f"DRY_RUN: nothing is run. A first deploy of {cfg.project} in {cfg.region} runs these "
            "commands, in order; on a later run each change runs only when its check finds it "
            "missing."
        )
    number = project_number(run, cfg)
    enable_apis(run, cfg)
    ensure_firestore(run, cfg)
    secret_version = ensure_secret(run, cfg, stdin)
    runtime_sa = cfg.runtime_sa or f"{number}-compute@developer.gserviceaccount.com"
    grant_secret_access(run, cfg, runtime_sa)
    run.say("Project roles")
    build_sa = build_service_account(run, cfg, number)
    granted = grant_project_roles(
        run,
        cfg,
        [(runtime_sa, "roles/datastore.user"), (build_sa, "roles/cloudbuild.builds.builder")],
    )
    run.say(f"Function {FUNCTION}")
    existing = describe_function(run, cfg)
    settings = function_settings(cfg, existing)
    function = deploy_function(
        run,
        cfg,
        settings=settings,
        secret_version=secret_version,
        function=existing,
        build_sa=build_sa,
        build_role_granted_now="roles/cloudbuild.builds.builder" in granted,
    )
    url = function_url(cfg, function)
    make_public(run, cfg, service_name(function))
    write_script_files(run, cfg, url)
    push_script(run, cfg, script_id)

    run.say("")
    if cfg.dry:
        run.say("DRY_RUN: nothing was run or written.")
    elif run.changes:
        run.say(f"Done: {len(run.changes)} change(s). The function's URL is {url}")
    else:
        run.say(f"Nothing changed: everything was already as asked. The function's URL is {url}")
    run.say("")
    run.say("Steps only a person can do:")
    for index, step in enumerate(person_steps(cfg, number, url, settings), start=1):
        run.say(f"  {index}. {step}")


def main(
    env: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        cfg = load_config(os.environ if env is None else env)
        deploy(cfg, Runner(dry=cfg.dry, out=out), sys.stdin if stdin is None else stdin)
    except DeployError as error:
        print(f"make deploy stopped: {error}", file=err)
        return 1
    except KeyboardInterrupt:
        print("make deploy stopped: interrupted; run make deploy again to finish.", file=err)
        return 130
    except Exception as error:  # never a traceback: one sentence, even for a bug here
        print(
            f"make deploy stopped: unexpected {type(error).__name__} ({error}); run make deploy "
            "again, and report it with DRY_RUN=1's output if it repeats.",
            file=err,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
