"""Stand-ins for the Google Cloud CLI (`gcloud`) and `clasp`, for the deploy script's tests.

`bin/gcloud` and `bin/clasp` run this file. Every call is appended, as one JSON line
`{"tool": ..., "args": [...]}`, to the file named by STANDIN_LOG; the project, its APIs, IAM
policies, Firestore databases, secrets, function, Cloud Run service and the pushed script live in
the JSON file named by STANDIN_STATE, so a second run sees what the first one created.
STANDIN_SCENARIOS (comma-separated) switches on a refusal the real services give:

    org_policy_refuses_allusers  the organisation's domain restricted sharing refuses allUsers
    build_sa_missing_rights      Cloud Build cannot build, whatever the project's IAM policy says
    apps_script_api_disabled     the user has not turned the Apps Script API on
    clasp_logged_out             clasp has no credentials
    gcloud_logged_out            gcloud has no active account

Answers and errors follow the real tools. Checked against the Google Cloud CLI's source (528.0.0,
the Debian package google-cloud-cli): the error forms `OperationError: code=N, message=…` (functions
deploy), `ResponseError: status=[…], code=[…], message=[…]` (other functions commands) and
`STATUS: message`; the "Allow unauthenticated invocations of new function" prompt, answered No
under --quiet; `builds get-default-service-account` answering `serviceAccountEmail` as
projects/P/serviceAccounts/EMAIL; the annotation run.googleapis.com/invoker-iam-disabled, set to
str(bool) ("True") by `run services update --no-invoker-iam-check`. Checked against public
reports and Google's pages: clasp's "User has not enabled the Apps Script API…" (google/clasp
#256, #1128), clasp 2's "Could not read API credentials. Are you logged in globally?", clasp 3's
"Pushed N files.", the first sentence of the build failure ("Build failed with status: FAILURE.
Could not build the function due to a missing permission on the build service account"), and
"One or more users named in the policy do not belong to a permitted customer, perhaps due to an
organization policy."

Not confirmed word for word (the deploy script matches only the parts in brackets): the
NOT_FOUND messages of `secrets describe` and `functions describe` [NOT_FOUND, status=[404],
"not found"]; the build failure after its first sentence; Cloud Run's permission-denied-on-secret
error; the SERVICE_DISABLED wording (the pattern of google-limits.md's Sheets example); clasp 3's
wording when logged out; the services a new project has on by default.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

PROJECT_NUMBER = "123456789012"
OWNER = "user:owner@example.com"
# Services a new project has enabled before anyone touches it.
DEFAULT_SERVICES = [
    "analyticshub.googleapis.com",
    "bigquery.googleapis.com",
    "bigqueryconnection.googleapis.com",
    "bigquerydatapolicy.googleapis.com",
    "bigquerymigration.googleapis.com",
    "bigqueryreservation.googleapis.com",
    "bigquerystorage.googleapis.com",
    "cloudapis.googleapis.com",
    "cloudtrace.googleapis.com",
    "dataform.googleapis.com",
    "dataplex.googleapis.com",
    "datastore.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "servicemanagement.googleapis.com",
    "serviceusage.googleapis.com",
    "sql-component.googleapis.com",
    "storage-api.googleapis.com",
    "storage-component.googleapis.com",
    "storage.googleapis.com",
]
API_TITLES = {
    "cloudfunctions.googleapis.com": "Cloud Functions API",
    "run.googleapis.com": "Cloud Run Admin API",
    "cloudbuild.googleapis.com": "Cloud Build API",
    "secretmanager.googleapis.com": "Secret Manager API",
    "firestore.googleapis.com": "Cloud Firestore API",
}
BUILD_PERMISSION_ERROR = (
    "OperationError: code=3, message=Build failed with status: FAILURE. Could not build the "
    "function due to a missing permission on the build service account. If you didn't revoke "
    "that permission explicitly, this could be caused by a change in the organization policies. "
    "Please refer to the following documentation for more details and resolution: "
    "https://cloud.google.com/functions/docs/troubleshooting#build-service-account"
)
ORG_POLICY_ERROR = (
    "ResponseError: status=[400], code=[Ok], message=[One or more users named in the policy do "
    "not belong to a permitted customer, perhaps due to an organization policy.]"
)
APPS_SCRIPT_API_ERROR = (
    "User has not enabled the Apps Script API. Enable it by visiting "
    "https://script.google.com/home/usersettings then retry. If you enabled this API recently, "
    "wait a few minutes for the action to propagate to our systems and retry."
)


class Failure(Exception):
    """An error answer: written to stderr, with an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _scenarios() -> set[str]:
    return {s.strip() for s in os.environ.get("STANDIN_SCENARIOS", "").split(",") if s.strip()}


def _load() -> dict[str, Any]:
    path = Path(os.environ["STANDIN_STATE"])
    if path.exists():
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return state
    return {
        "services": list(DEFAULT_SERVICES),
        "project_policy": [{"role": "roles/owner", "members": [OWNER]}],
        "databases": [],
        "secrets": {},
        "functions": {},
        "run_services": {},
        "pushes": [],
    }


def _save(state: dict[str, Any]) -> None:
    Path(os.environ["STANDIN_STATE"]).write_text(json.dumps(state, indent=2), encoding="utf-8")


def _log(tool: str, args: list[str]) -> None:
    with open(os.environ["STANDIN_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps({"tool": tool, "args": args}) + "\n")


def _parse(args: list[str]) -> tuple[list[str], dict[str, str]]:
    positionals = [a for a in args if not a.startswith("--")]
    flags: dict[str, str] = {}
    for arg in args:
        if arg.startswith("--"):
            key, eq, value = arg[2:].partition("=")
            flags[key] = value if eq else "true"
    return positionals, flags


def _print(value: object, fmt: str | None) -> None:
    if fmt == "json":
        print(json.dumps(value, indent=2))
    elif value is not None:
        print(json.dumps(value))


def _has(policy: list[dict[str, Any]], role: str, member: str) -> bool:
    return any(b["role"] == role and member in b["members"] for b in policy)


def _bind(policy: list[dict[str, Any]], role: str, member: str) -> None:
    for binding in policy:
        if binding["role"] == role:
            if member not in binding["members"]:
                binding["members"].append(member)
            return
    policy.append({"role": role, "members": [member]})


def _policy_json(policy: list[dict[str, Any]]) -> dict[str, Any]:
    return (
        {"bindings": policy, "etag": "BwYd3E2x4pA=", "version": 1} if policy else {"etag": "ACAB"}
    )


class Gcloud:
    """The commands the deploy script runs, against the state."""

    def __init__(self, state: dict[str, Any], args: list[str]) -> None:
        self.state = state
        self.positionals, self.flags = _parse(args)
        self.name = "gcloud." + ".".join(self._command_words())

    def _command_words(self) -> list[str]:
        known = {
            "projects", "describe", "services", "list", "enable", "firestore", "databases",
            "create", "secrets", "versions", "get-iam-policy", "add-iam-policy-binding",
            "builds", "get-default-service-account", "functions", "deploy",
            "add-invoker-policy-binding", "run", "update",
        }  # fmt: skip
        words: list[str] = []
        for word in self.positionals:
            if word not in known:
                break
            words.append(word)
        return words

    def fail(self, message: str) -> Failure:
        return Failure(f"ERROR: ({self.name}) {message}")

    def project(self) -> str:
        project = self.flags.get("project")
        if not project:
            raise Failure(
                f"ERROR: ({self.name}) The required property [project] is not currently set."
            )
        return project

    def need(self, api: str) -> None:
        if api not in self.state["services"]:
            title = API_TITLES.get(api, api)
            raise self.fail(
                f"PERMISSION_DENIED: {title} has not been used in project {PROJECT_NUMBER} "
                "before or it is disabled. Enable it by visiting "
                f"https://console.developers.google.com/apis/api/{api}/overview"
                f"?project={PROJECT_NUMBER} then retry. If you enabled this API recently, wait a "
                "few minutes for the action to propagate to our systems and retry."
            )

    def run(self) -> None:
        if "gcloud_logged_out" in _scenarios():
            raise Failure(
                f"ERROR: ({self.name}) You do not currently have an active account selected.\n"
                "Please run:\n\n  $ gcloud auth login\n\nto obtain new credentials."
            )
        handlers = {
            ("projects", "describe"): self.projects_describe,
            ("projects", "get-iam-policy"): self.projects_get_iam_policy,
            ("projects", "add-iam-policy-binding"): self.projects_add_binding,
            ("services", "list"): self.services_list,
            ("services", "enable"): self.services_enable,
            ("firestore", "databases", "list"): self.firestore_list,
            ("firestore", "databases", "create"): self.firestore_create,
            ("secrets", "describe"): self.secrets_describe,
            ("secrets", "create"): self.secrets_create,
            ("secrets", "versions", "describe"): self.secret_version_describe,
            ("secrets", "get-iam-policy"): self.secrets_get_iam_policy,
            ("secrets", "add-iam-policy-binding"): self.secrets_add_binding,
            ("builds", "get-default-service-account"): self.builds_default_sa,
            ("functions", "describe"): self.functions_describe,
            ("functions", "deploy"): self.functions_deploy,
            ("functions", "add-invoker-policy-binding"): self.functions_add_invoker,
            ("run", "services", "describe"): self.run_describe,
            ("run", "services", "get-iam-policy"): self.run_get_iam_policy,
            ("run", "services", "update"): self.run_update,
        }
        words = tuple(self._command_words())
        handler = handlers.get(words)
        if handler is None:
            raise Failure(f"ERROR: (gcloud) Invalid choice: {' '.join(self.positionals)!r}.", 2)
        handler()

    def arg(self, index: int) -> str:
        """The positional after the command words."""
        rest = self.positionals[len(self._command_words()) :]
        return rest[index]

    # projects
    def projects_describe(self) -> None:
        project = self.arg(0)
        _print(
            {
                "createTime": "2026-01-05T09:00:00.000Z",
                "lifecycleState": "ACTIVE",
                "name": project,
                "projectId": project,
                "projectNumber": PROJECT_NUMBER,
            },
            self.flags.get("format"),
        )

    def projects_get_iam_policy(self) -> None:
        _print(_policy_json(self.state["project_policy"]), self.flags.get("format"))

    def projects_add_binding(self) -> None:
        project = self.arg(0)
        _bind(self.state["project_policy"], self.flags["role"], self.flags["member"])
        print(f"Updated IAM policy for project [{project}].", file=sys.stderr)
        _print(_policy_json(self.state["project_policy"]), "json")

    # services
    def services_list(self) -> None:
        self.project()
        if self.flags.get("format") != "value(config.name)":
            raise self.fail("the stand-in answers only --format=value(config.name)")
        for name in sorted(self.state["services"]):
            print(name)

    def services_enable(self) -> None:
        self.project()
        for api in self.positionals[2:]:
            if api not in self.state["services"]:
                self.state["services"].append(api)
        print(
            'Operation "operations/acf.p2-123456789012-4f1c2a0e" finished successfully.',
            file=sys.stderr,
        )

    # firestore
    def firestore_list(self) -> None:
        project = self.project()
        self.need("firestore.googleapis.com")
        databases = [
            {
                "name": f"projects/{project}/databases/{db['id']}",
                "locationId": db["location"],
                "type": db["type"],
                "concurrencyMode": "PESSIMISTIC",
            }
            for db in self.state["databases"]
        ]
        _print(databases, self.flags.get("format"))

    def firestore_create(self) -> None:
        project = self.project()
        self.need("firestore.googleapis.com")
        database = self.flags.get("database", "(default)")
        if any(db["id"] == database for db in self.state["databases"]):
            raise self.fail(f"ALREADY_EXISTS: Database '{database}' already exists.")
        kind = {"firestore-native": "FIRESTORE_NATIVE", "datastore-mode": "DATASTORE_MODE"}[
            self.flags.get("type", "firestore-native")
        ]
        self.state["databases"].append(
            {"id": database, "location": self.flags["location"], "type": kind}
        )
        print(f"Success! Created database [projects/{project}/databases/{database}].")

    # secrets
    def secret(self, name: str) -> dict[str, Any]:
        secret = self.state["secrets"].get(name)
        if secret is None:
            raise self.fail(
                f"NOT_FOUND: Secret [projects/{PROJECT_NUMBER}/secrets/{name}] not found or has "
                "no versions."
            )
        found: dict[str, Any] = secret
        return found

    def secrets_describe(self) -> None:
        self.project()
        self.need("secretmanager.googleapis.com")
        name = self.arg(0)
        self.secret(name)
        _print(
            {
                "createTime": "2026-01-05T09:01:00Z",
                "etag": '"16a1f2e3d4c5b6"',
                "name": f"projects/{PROJECT_NUMBER}/secrets/{name}",
                "replication": {"automatic": {}},
            },
            self.flags.get("format"),
        )

    def secrets_create(self) -> None:
        self.project()
        self.need("secretmanager.googleapis.com")
        name = self.arg(0)
        if name in self.state["secrets"]:
            raise self.fail(
                f"ALREADY_EXISTS: Secret [projects/{PROJECT_NUMBER}/secrets/{name}] already exists."
            )
        if self.flags.get("data-file") != "-":
            raise self.fail("the stand-in expects the secret on standard input (--data-file=-)")
        payload = sys.stdin.read()
        if not payload:
            raise self.fail("INVALID_ARGUMENT: Secret Payload cannot be empty.")
        self.state["secrets"][name] = {"versions": [payload], "policy": []}
        print(f"Created version [1] of the secret [{name}].", file=sys.stderr)

    def secret_version_describe(self) -> None:
        self.project()
        self.need("secretmanager.googleapis.com")
        name = self.flags["secret"]
        secret = self.secret(name)
        _print(
            {
                "createTime": "2026-01-05T09:01:00Z",
                "name": f"projects/{PROJECT_NUMBER}/secrets/{name}/versions/"
                f"{len(secret['versions'])}",
                "state": "ENABLED",
            },
            self.flags.get("format"),
        )

    def secrets_get_iam_policy(self) -> None:
        self.project()
        self.need("secretmanager.googleapis.com")
        _print(_policy_json(self.secret(self.arg(0))["policy"]), self.flags.get("format"))

    def secrets_add_binding(self) -> None:
        self.project()
        self.need("secretmanager.googleapis.com")
        name = self.arg(0)
        secret = self.secret(name)
        _bind(secret["policy"], self.flags["role"], self.flags["member"])
        print(f"Updated IAM policy for secret [{name}].", file=sys.stderr)

    # builds
    def builds_default_sa(self) -> None:
        project = self.project()
        self.need("cloudbuild.googleapis.com")
        region = self.flags.get("region", "global")
        _print(
            {
                "name": f"projects/{project}/locations/{region}/defaultServiceAccount",
                "serviceAccountEmail": f"projects/{project}/serviceAccounts/"
                f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com",
            },
            self.flags.get("format"),
        )

    # functions
    def function(self, name: str) -> dict[str, Any]:
        project, region = self.project(), self.flags.get("region", "")
        function = self.state["functions"].get(f"{region}/{name}")
        if function is None:
            raise self.fail(
                "ResponseError: status=[404], code=[Ok], message=[Resource "
                f"'projects/{project}/locations/{region}/functions/{name}' was not found]"
            )
        found: dict[str, Any] = function
        return found

    def functions_describe(self) -> None:
        self.need("cloudfunctions.googleapis.com")
        _print(self.function(self.arg(0)), self.flags.get("format"))

    def functions_deploy(self) -> None:
        project = self.project()
        name, region = self.arg(0), self.flags["region"]
        self.need("cloudfunctions.googleapis.com")
        for api in ("run.googleapis.com", "cloudbuild.googleapis.com"):
            self.need(api)
        for flag in ("gen2", "runtime", "entry-point", "trigger-http", "source", "quiet"):
            if flag not in self.flags:
                raise self.fail(f"the stand-in expects --{flag}")
        if not Path(self.flags["source"]).is_dir():
            raise self.fail(f"Provided source directory does not exist: {self.flags['source']}")
        build_sa = f"{PROJECT_NUMBER}-compute@developer.gserviceaccount.com"
        runtime_sa = self.flags.get("service-account", build_sa)
        print("Preparing function...done.", file=sys.stderr)
        if "build_sa_missing_rights" in _scenarios() or not _has(
            self.state["project_policy"],
            "roles/cloudbuild.builds.builder",
            f"serviceAccount:{build_sa}",
        ):
            raise self.fail(
                f"{BUILD_PERMISSION_ERROR}\nYou can also view the logs at "
                f"https://console.cloud.google.com/cloud-build/builds;region={region}/"
                f"5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b?project={PROJECT_NUMBER}"
            )
        secrets: list[dict[str, str]] = []
        for spec in filter(None, self.flags.get("set-secrets", "").split(",")):
            env_name, _, ref = spec.partition("=")
            secret_name, _, version = ref.partition(":")
            secret = self.state["secrets"].get(secret_name)
            if secret is None or not _has(
                secret["policy"],
                "roles/secretmanager.secretAccessor",
                f"serviceAccount:{runtime_sa}",
            ):
                raise self.fail(
                    f"OperationError: code=7, message=Could not create or update Cloud Run "
                    f"service {name}, Permission denied on secret: projects/{PROJECT_NUMBER}/"
                    f"secrets/{secret_name}/versions/{version} for Revision service account "
                    f"{runtime_sa}. The service account used must be granted the 'Secret Manager "
                    "Secret Accessor' role (roles/secretmanager.secretAccessor) at the secret, "
                    "project or higher level."
                )
            secrets.append(
                {"key": env_name, "projectId": PROJECT_NUMBER, "secret": secret_name,
                 "version": version}
            )  # fmt: skip
        raw_env = self.flags.get("set-env-vars", "")
        separator = ","
        if raw_env.startswith("^"):
            separator, _, raw_env = raw_env[1:].partition("^")
        env = dict(item.partition("=")[::2] for item in raw_env.split(separator) if item)
        labels = dict(
            item.partition("=")[::2]
            for item in self.flags.get("update-labels", "").split(",")
            if item
        )
        key = f"{region}/{name}"
        previous = self.state["functions"].get(key, {})
        revision = int(previous.get("_revision", 0)) + 1
        self.state["functions"][key] = {
            "_revision": revision,
            "buildConfig": {
                "entryPoint": self.flags["entry-point"],
                "runtime": self.flags["runtime"],
                "serviceAccount": f"projects/{project}/serviceAccounts/{build_sa}",
            },
            "environment": "GEN_2",
            "labels": {**previous.get("labels", {}), **labels},
            "name": f"projects/{project}/locations/{region}/functions/{name}",
            "serviceConfig": {
                "availableMemory": self.flags.get("memory", "256M"),
                "environmentVariables": {"LOG_EXECUTION_ID": "true", **env},
                "ingressSettings": "ALLOW_ALL",
                "revision": f"{name}-{revision:05d}-abc",
                "secretEnvironmentVariables": secrets,
                "service": f"projects/{project}/locations/{region}/services/{name}",
                "serviceAccountEmail": runtime_sa,
                "timeoutSeconds": int(self.flags.get("timeout", "60s").rstrip("s")),
                "uri": f"https://{name}-x7k2q9mzta-ew.a.run.app",
            },
            "state": "ACTIVE",
            "url": f"https://{region}-{project}.cloudfunctions.net/{name}",
        }
        self.state["run_services"].setdefault(
            f"{region}/{name}", {"invoker_iam_disabled": False, "policy": []}
        )
        print(
            "Deploying function...\n  [Build]...done\n  [Service]...done\nDone.\n"
            "You can view your function in the Cloud Console here: "
            f"https://console.cloud.google.com/functions/details/{region}/{name}?project={project}",
            file=sys.stderr,
        )

    def functions_add_invoker(self) -> None:
        name, region = self.arg(0), self.flags["region"]
        self.function(name)
        member = self.flags["member"]
        if member in ("allUsers", "allAuthenticatedUsers") and (
            "org_policy_refuses_allusers" in _scenarios()
        ):
            raise self.fail(ORG_POLICY_ERROR)
        service = self.state["run_services"][f"{region}/{name}"]
        _bind(service["policy"], "roles/run.invoker", member)
        print(f"Updated IAM policy for service [{name}].", file=sys.stderr)

    # run
    def service(self, name: str) -> dict[str, Any]:
        self.need("run.googleapis.com")
        service = self.state["run_services"].get(f"{self.flags.get('region', '')}/{name}")
        if service is None:
            raise self.fail(f"Cannot find service [{name}]")
        found: dict[str, Any] = service
        return found

    def run_describe(self) -> None:
        project, name = self.project(), self.arg(0)
        service = self.service(name)
        annotations = {"run.googleapis.com/ingress": "all"}
        if service["invoker_iam_disabled"]:
            annotations["run.googleapis.com/invoker-iam-disabled"] = "True"
        _print(
            {
                "apiVersion": "serving.knative.dev/v1",
                "kind": "Service",
                "metadata": {"annotations": annotations, "name": name, "namespace": PROJECT_NUMBER},
                "status": {"url": f"https://{name}-x7k2q9mzta-ew.a.run.app"},
                "spec": {"template": {"metadata": {"name": f"{name}-{project}"}}},
            },
            self.flags.get("format"),
        )

    def run_get_iam_policy(self) -> None:
        self.project()
        _print(_policy_json(self.service(self.arg(0))["policy"]), self.flags.get("format"))

    def run_update(self) -> None:
        self.project()
        name = self.arg(0)
        service = self.service(name)
        if "no-invoker-iam-check" in self.flags:
            service["invoker_iam_disabled"] = True
        print(
            f"Deploying...\nDone.\nService [{name}] revision [{name}-00002-xyz] has been "
            "deployed and is serving 100 percent of traffic.",
            file=sys.stderr,
        )


def clasp(state: dict[str, Any], args: list[str]) -> None:
    """`clasp push --force` from the folder holding .clasp.json."""
    if args[:1] != ["push"]:
        raise Failure(f"error: unknown command '{' '.join(args)}'")
    if "clasp_logged_out" in _scenarios():
        raise Failure("Could not read API credentials. Are you logged in globally?")
    settings_path = Path.cwd() / ".clasp.json"
    if not settings_path.exists():
        raise Failure("Project settings not found.")
    script_id = json.loads(settings_path.read_text(encoding="utf-8"))["scriptId"]
    if "apps_script_api_disabled" in _scenarios():
        raise Failure(APPS_SCRIPT_API_ERROR)
    names = sorted(
        p.name
        for p in Path.cwd().iterdir()
        if p.is_file() and (p.suffix == ".js" or p.name in ("appsscript.json", "Settings.html"))
    )
    if "appsscript.json" in names and "--force" not in args:
        raise Failure("Manifest file has been updated. Do you want to push and overwrite? (y/N)")
    files = {name: (Path.cwd() / name).read_text(encoding="utf-8") for name in names}
    state["pushes"].append({"scriptId": script_id, "files": files})
    for name in names:
        print(f"└─ {name}")
    print(f"Pushed {len(names)} files.")


def main(argv: list[str]) -> int:
    tool, args = argv[0], argv[1:]
    _log(tool, args)
    state = _load()
    try:
        if tool == "gcloud":
            Gcloud(state, args).run()
        else:
            clasp(state, args)
    except Failure as failure:
        print(failure.message, file=sys.stderr)
        return failure.status
    _save(state)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
