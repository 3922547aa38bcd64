"""`make deploy` (scripts/deploy.py) against stand-in gcloud and clasp executables.

Each test runs the script as a subprocess with tests/deploy/bin first on PATH, against a temporary
copy of apps_script/, so the repository is never modified. The stand-ins log every call and keep
the project's state in the test's temporary folder, so a second run sees what the first created.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "deploy.py"
BIN = Path(__file__).resolve().parent / "bin"
PROJECT, REGION, NUMBER = "acme-hr", "europe-west1", "123456789012"
SCRIPT_ID = "1x2Y3z_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-abcdefghijkl"
TOKEN = "jm-test-token-7f3a"
SA = f"{NUMBER}-compute@developer.gserviceaccount.com"
URL = f"https://{REGION}-{PROJECT}.cloudfunctions.net/jobmojito-invite"
PLACEHOLDERS = "ALLOWED_AUDIENCES=not-set-yet.invalid;ALLOWED_USERS=@not-set-yet.invalid"
# Verbs of the commands that change something; a run that changes nothing runs none of them.
CHANGING = (
    "services enable",
    "create",
    "add-iam-policy-binding",
    "add-invoker-policy-binding",
    "functions deploy",
    "services update",
    "clasp push",
)


def first_deploy(*, dry: bool = False) -> list[str]:
    """Every command a first deploy into an empty project runs, in order.

    A dry run knows neither the project number nor which APIs a new project has on already
    (the stand-in's, like Google's, has logging on), and has no function to read back.
    """
    number = "PROJECT_NUMBER" if dry else NUMBER
    sa = f"{number}-compute@developer.gserviceaccount.com"
    p, r = f"--project={PROJECT}", f"--region={REGION}"
    return [
        f"gcloud projects describe {PROJECT} --format=json",
        f"gcloud services list --enabled {p} '--format=value(config.name)'",
        "gcloud services enable cloudfunctions.googleapis.com run.googleapis.com "
        "cloudbuild.googleapis.com artifactregistry.googleapis.com "
        + ("logging.googleapis.com " if dry else "")
        + "secretmanager.googleapis.com firestore.googleapis.com sheets.googleapis.com "
        f"cloudresourcemanager.googleapis.com {p}",
        f"gcloud firestore databases list {p} --format=json",
        f"gcloud firestore databases create '--database=(default)' --location={REGION} "
        f"--type=firestore-native {p}",
        f"gcloud secrets describe jobmojito-api-token {p} --format=json",
        "gcloud secrets create jobmojito-api-token --replication-policy=automatic --data-file=- "
        f"{p}",
        f"gcloud secrets versions describe latest --secret=jobmojito-api-token {p} --format=json",
        f"gcloud secrets get-iam-policy jobmojito-api-token {p} --format=json",
        f"gcloud secrets add-iam-policy-binding jobmojito-api-token --member=serviceAccount:{sa} "
        f"--role=roles/secretmanager.secretAccessor --condition=None {p}",
        f"gcloud builds get-default-service-account {r} {p} --format=json",
        f"gcloud projects get-iam-policy {PROJECT} --format=json",
        f"gcloud projects add-iam-policy-binding {PROJECT} --member=serviceAccount:{sa} "
        "--role=roles/datastore.user --condition=None",
        f"gcloud projects add-iam-policy-binding {PROJECT} --member=serviceAccount:{sa} "
        "--role=roles/cloudbuild.builds.builder --condition=None",
        f"gcloud functions describe jobmojito-invite {r} {p} --format=json",
        f"gcloud functions deploy jobmojito-invite --gen2 --runtime=python312 {r} "
        "--source=cloud_function --entry-point=invite_candidates --trigger-http --timeout=60s "
        "--memory=512Mi --cpu=1 --set-secrets=JOBMOJITO_API_TOKEN=jobmojito-api-token:latest "
        f"'--set-env-vars=^;^STATE_STORE=firestore;GOOGLE_CLOUD_PROJECT={PROJECT};{PLACEHOLDERS}' "
        f"--update-labels=jobmojito-deploy=HASH {p} --quiet",
        *([] if dry else [f"gcloud functions describe jobmojito-invite {r} {p} --format=json"]),
        f"gcloud run services describe jobmojito-invite {r} {p} --format=json",
        f"gcloud run services get-iam-policy jobmojito-invite {r} {p} --format=json",
        f"gcloud functions add-invoker-policy-binding jobmojito-invite {r} {p} --member=allUsers",
        "clasp push --force",
    ]


def normalise(command: str) -> str:
    return re.sub(r"jobmojito-deploy=[0-9a-f]{16}", "jobmojito-deploy=HASH", command)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    commands: list[str]


@dataclass
class World:
    """A temporary project, apps_script/ copy and stand-in state, shared by the runs of a test."""

    tmp: Path

    @property
    def apps_script(self) -> Path:
        return self.tmp / "apps_script"

    @property
    def log(self) -> Path:
        return self.tmp / "calls.log"

    def state(self) -> dict[str, object]:
        state: dict[str, object] = json.loads((self.tmp / "standin-state.json").read_text())
        return state

    def env(self, scenarios: str = "", **settings: str) -> dict[str, str]:
        return {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(self.tmp / "home"),
            "LANG": "C.UTF-8",
            "STANDIN_PYTHON": sys.executable,
            "STANDIN_STATE": str(self.tmp / "standin-state.json"),
            "STANDIN_LOG": str(self.log),
            "STANDIN_SCENARIOS": scenarios,
            "APPS_SCRIPT_DIR": str(self.apps_script),
            "DEPLOY_STATE_FILE": str(self.tmp / "deploy-state.json"),
            "PROJECT": PROJECT,
            "REGION": REGION,
            "SCRIPT_ID": SCRIPT_ID,
            **settings,
        }

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def commands_since(self, start: int) -> list[str]:
        if not self.log.exists():
            return []
        with self.log.open(encoding="utf-8") as log:
            log.seek(start)
            calls = [json.loads(line) for line in log if line.strip()]
        return [normalise(shlex.join([c["tool"], *c["args"]])) for c in calls]

    def deploy(self, stdin: str = "", scenarios: str = "", **settings: str) -> Run:
        start = self.log_size()
        proc = subprocess.run(
            [sys.executable, str(SCRIPT)],
            env=self.env(scenarios, **settings),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=self.tmp,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr, self.commands_since(start))


@pytest.fixture
def world(tmp_path: Path) -> World:
    copy = tmp_path / "apps_script"
    copy.mkdir()
    for path in (ROOT / "apps_script").iterdir():
        if path.is_file() and path.name != ".clasp.json":
            shutil.copy(path, copy / path.name)
    (tmp_path / "home").mkdir()
    return World(tmp_path)


@pytest.fixture(autouse=True)
def repository_untouched() -> Iterator[None]:
    """No test writes into the repository's apps_script/ or build/."""
    watched = [ROOT / "apps_script" / "appsscript.json", ROOT / "apps_script" / "Deployment.js"]
    before = {path: path.read_bytes() for path in watched}
    state = ROOT / "build" / "deploy-state.json"
    existed = state.exists()
    yield
    assert {path: path.read_bytes() for path in watched} == before
    assert state.exists() == existed


def one_sentence(run: Run) -> str:
    """A failed run's whole complaint: one line on stderr, no traceback."""
    assert run.returncode == 1
    assert "Traceback" not in run.stdout + run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("make deploy stopped: ") and lines[0].endswith(".")
    return lines[0]


def pushed_files(world: World) -> dict[str, str]:
    pushes = world.state()["pushes"]
    assert isinstance(pushes, list) and pushes
    files: dict[str, str] = pushes[-1]["files"]
    return files


def test_a_first_deploy_runs_exactly_these_commands(world: World) -> None:
    run = world.deploy(stdin=TOKEN + "\n")

    assert run.returncode == 0, run.stderr
    assert run.commands == first_deploy()
    state = world.state()
    assert state["secrets"] == {  # the token came from standard input, without its newline
        "jobmojito-api-token": {
            "versions": [TOKEN],
            "policy": [
                {"role": "roles/secretmanager.secretAccessor", "members": [f"serviceAccount:{SA}"]}
            ],
        }
    }
    assert TOKEN not in run.stdout + run.stderr + world.log.read_text()
    manifest = json.loads((world.apps_script / "appsscript.json").read_text())
    assert manifest["urlFetchWhitelist"] == [f"https://{REGION}-{PROJECT}.cloudfunctions.net/"]
    assert (
        f"const DEPLOYED_FUNCTION_URL = '{URL}';"
        in (world.apps_script / "Deployment.js").read_text()
    )
    assert json.loads((world.apps_script / ".clasp.json").read_text())["scriptId"] == SCRIPT_ID
    files = pushed_files(world)  # clasp pushed the files with the URL in them
    assert (
        json.loads(files["appsscript.json"])["urlFetchWhitelist"] == manifest["urlFetchWhitelist"]
    )
    assert URL in files["Deployment.js"]
    # The closing steps: numbered, the person's part, with the project number.
    steps = run.stdout.split("Steps only a person can do:")[1]
    numbered = re.findall(r"^  (\d+)\. ", steps, flags=re.MULTILINE)
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)] and len(numbered) >= 6
    for needle in (
        "OAuth consent screen",
        f"project number {NUMBER}",
        "Sheets API",
        "showIdentityTokenAudience",
        "ALLOWED_USERS",
        f"make deploy PROJECT={PROJECT} REGION={REGION}",
    ):
        assert needle in steps


def test_the_given_settings_reach_the_function(world: World) -> None:
    run = world.deploy(
        stdin=TOKEN,
        ALLOWED_AUDIENCES="123-abc.apps.googleusercontent.com",
        ALLOWED_USERS="@acme.example, Contractor@example.com",
        JOBMOJITO_MERCHANT_ID="4b3f1e8a-5c2d-4e6f-8a9b-1c2d3e4f5a6b",
    )

    assert run.returncode == 0, run.stderr
    functions = world.state()["functions"]
    assert isinstance(functions, dict)
    env = functions[f"{REGION}/jobmojito-invite"]["serviceConfig"]["environmentVariables"]
    assert env == {
        "LOG_EXECUTION_ID": "true",
        "STATE_STORE": "firestore",
        "GOOGLE_CLOUD_PROJECT": PROJECT,
        "ALLOWED_AUDIENCES": "123-abc.apps.googleusercontent.com",
        "ALLOWED_USERS": "@acme.example,Contractor@example.com",
        "JOBMOJITO_MERCHANT_ID": "4b3f1e8a-5c2d-4e6f-8a9b-1c2d3e4f5a6b",
    }
    assert "showIdentityTokenAudience" not in run.stdout  # nothing left for a person but the Sheet


def test_dry_run_prints_every_command_in_order_and_runs_none(world: World) -> None:
    before = {p.name: p.read_bytes() for p in world.apps_script.iterdir()}

    run = world.deploy(stdin=TOKEN, DRY_RUN="1")

    assert run.returncode == 0, run.stderr
    assert run.commands == []  # neither gcloud nor clasp was started
    assert not (world.tmp / "standin-state.json").exists()
    assert {p.name: p.read_bytes() for p in world.apps_script.iterdir()} == before
    printed = [normalise(line[4:]) for line in run.stdout.splitlines() if line.startswith("  $ ")]
    assert printed == first_deploy(dry=True)
    assert "would write appsscript.json" in run.stdout
    assert "would write Deployment.js" in run.stdout


def test_a_second_run_changes_nothing_and_says_so(world: World) -> None:
    assert world.deploy(stdin=TOKEN).returncode == 0
    state = world.state()

    again = world.deploy()  # no token on stdin: the secret exists, so none is needed

    assert again.returncode == 0, again.stderr
    assert again.commands, "the second run checks"
    assert [c for c in again.commands if any(verb in c for verb in CHANGING)] == []
    assert world.state() == state
    assert "Nothing changed" in again.stdout


def test_a_new_setting_redeploys_the_function_and_changes_nothing_else(world: World) -> None:
    assert (
        world.deploy(stdin=TOKEN, ALLOWED_AUDIENCES="123-abc.apps.googleusercontent.com").returncode
        == 0
    )

    run = world.deploy(ALLOWED_USERS="@acme.example")

    assert run.returncode == 0, run.stderr
    changing = [c for c in run.commands if any(verb in c for verb in CHANGING)]
    assert len(changing) == 1 and changing[0].startswith("gcloud functions deploy")
    # The audience given last time is kept, not replaced by the placeholder.
    assert (
        "ALLOWED_AUDIENCES=123-abc.apps.googleusercontent.com;ALLOWED_USERS=@acme.example'"
        in (changing[0])
    )
    assert "ALLOWED_AUDIENCES: kept the deployed value" in run.stdout


def test_an_organisation_refusing_allusers_gets_the_invoker_check_turned_off(world: World) -> None:
    run = world.deploy(stdin=TOKEN, scenarios="org_policy_refuses_allusers")

    assert run.returncode == 0, run.stderr
    p, r = f"--project={PROJECT}", f"--region={REGION}"
    tail = run.commands[run.commands.index(first_deploy()[-2]) :]
    assert tail == [
        f"gcloud functions add-invoker-policy-binding jobmojito-invite {r} {p} --member=allUsers",
        f"gcloud run services update jobmojito-invite --no-invoker-iam-check {r} {p} --quiet",
        "clasp push --force",
    ]
    assert "organisation policy refuses allUsers" in run.stdout

    again = world.deploy(scenarios="org_policy_refuses_allusers")

    assert again.returncode == 0, again.stderr
    assert [c for c in again.commands if any(verb in c for verb in CHANGING)] == []
    assert "the invoker IAM check is off" in again.stdout


def test_missing_build_rights_stop_with_the_fix(world: World) -> None:
    run = world.deploy(stdin=TOKEN, scenarios="build_sa_missing_rights")

    sentence = one_sentence(run)
    assert "roles/cloudbuild.builds.builder" in sentence
    assert SA in sentence
    assert "make deploy again" in sentence
    assert run.commands[-1].startswith("gcloud functions deploy")  # nothing after the failure

    # Granted long ago and still refused (an organisation policy): the command that grants it.
    again = world.deploy(scenarios="build_sa_missing_rights")

    sentence = one_sentence(again)
    assert (
        f"gcloud projects add-iam-policy-binding {PROJECT} --member=serviceAccount:{SA} "
        "--role=roles/cloudbuild.builds.builder" in sentence
    )


def test_the_apps_script_api_turned_off_stops_with_the_link(world: World) -> None:
    run = world.deploy(stdin=TOKEN, scenarios="apps_script_api_disabled")

    sentence = one_sentence(run)
    assert "https://script.google.com/home/usersettings" in sentence
    assert run.commands[-1] == "clasp push --force"

    again = world.deploy()  # the user turned it on: only the push is left to do

    assert again.returncode == 0, again.stderr
    changing = [c for c in again.commands if any(verb in c for verb in CHANGING)]
    assert changing == ["clasp push --force"]


@pytest.mark.parametrize(
    ("settings", "stdin", "expected"),
    [
        ({"PROJECT": ""}, TOKEN, "make deploy PROJECT=your-project-id REGION=europe-west1"),
        ({"SCRIPT_ID": ""}, TOKEN, "Script ID"),
        ({"ALLOWED_USERS": "alice"}, TOKEN, "ALLOWED_USERS must list emails and @domain"),
        ({"ALLOWED_AUDIENCES": "a;b"}, TOKEN, "must not contain semicolons"),
    ],
)
def test_bad_settings_stop_before_any_command(
    world: World, settings: dict[str, str], stdin: str, expected: str
) -> None:
    run = world.deploy(stdin=stdin, **settings)

    assert expected in one_sentence(run)
    assert run.commands == []


def test_an_absent_secret_without_a_token_stops_with_how_to_give_it(world: World) -> None:
    run = world.deploy(stdin="")

    sentence = one_sentence(run)
    assert "jobmojito-api-token does not exist yet" in sentence
    assert "printf %s" in sentence
    assert not any(c.startswith("gcloud secrets create") for c in run.commands)


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("gcloud_logged_out", "gcloud auth login"),
        ("clasp_logged_out", "npx @google/clasp login"),
    ],
)
def test_logged_out_tools_stop_with_the_login_command(
    world: World, scenario: str, expected: str
) -> None:
    run = world.deploy(stdin=TOKEN, scenarios=scenario)

    assert expected in one_sentence(run)


def test_an_older_function_prefix_in_the_allow_list_is_replaced(world: World) -> None:
    manifest_path = world.apps_script / "appsscript.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["urlFetchWhitelist"] = [
        "https://us-central1-old-project.cloudfunctions.net/",
        "https://example.com/other/",
    ]
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")

    assert world.deploy(stdin=TOKEN).returncode == 0

    assert json.loads(manifest_path.read_text())["urlFetchWhitelist"] == [
        f"https://{REGION}-{PROJECT}.cloudfunctions.net/",
        "https://example.com/other/",
    ]


def test_on_a_terminal_the_token_is_asked_for_without_echo(world: World) -> None:
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        env=world.env(),
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=world.tmp,
        start_new_session=True,  # no controlling terminal: getpass uses stdin, the terminal
    )
    os.close(terminal)
    assert proc.stderr is not None
    prompt = b""
    deadline = time.monotonic() + 60
    while b"JobMojito API token" not in prompt:
        ready, _, _ = select.select([proc.stderr], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, f"no prompt for the token: {prompt!r}"
        chunk = os.read(proc.stderr.fileno(), 4096)
        assert chunk, f"the script ended without asking: {prompt!r}"
        prompt += chunk
    os.write(controller, f"{TOKEN}\n".encode())
    stdout, stderr = proc.communicate(timeout=120)
    echoed = b""
    while select.select([controller], [], [], 0)[0]:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal's other end is closed
            break
        if not chunk:
            break
        echoed += chunk
    os.close(controller)

    assert proc.returncode == 0, stderr
    assert TOKEN.encode() not in echoed + stdout + stderr
    secrets = world.state()["secrets"]
    assert isinstance(secrets, dict)
    assert secrets["jobmojito-api-token"]["versions"] == [TOKEN]
