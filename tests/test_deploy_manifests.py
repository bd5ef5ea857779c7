"""deploy/ checked without a cluster or a Docker engine (issue 14, deployment).

- Kubernetes: every standard object of deploy/kubernetes/ against the Kubernetes JSON
  schemas that kubernetes-validate ships (strict: an unknown field is an error), for
  the oldest and newest versions it knows from 1.27 on. No package ships schemas for
  Strimzi's custom resources, so they are checked for what wirewatch relies on: the
  cluster, listener and user its settings name, and a KafkaTopic per topic of
  schemas/topics.py with the partitions, copies and configuration the code creates.
- Compose: deploy/compose.yaml against the Compose Specification's JSON schema (the
  copy check-jsonschema ships), then its services, images and the settings it sets.
- Both: every variable set is a wirewatch setting, the values build valid Settings,
  every Secret key, ConfigMap, volume and command referred to exists.
- Hardening (issue 23): the worker and the collector are probed on the endpoints they
  serve, every pod runs under the runtime's default seccomp profile without a
  service-account token, every image is pinned by digest, no secret has a default
  (compose) or a usable placeholder (the Secret), and compose's broker demands a login.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from importlib.metadata import distribution
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from infra.broker import pinned_kafka_version
from infra.settings import Settings
from ingest.feeds_config import load_feeds
from schemas.topics import ALL_TOPICS
from sinks.alerts.subscriptions import load_yaml as load_subscriptions
from tests.conftest import REPO
from wirewatch.cli import main as cli

DEPLOY = REPO / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
STRIMZI = "kafka.strimzi.io/v1beta2"
KNOWN_VERSIONS = sorted(
    {v for v in kubernetes_validate.utils.all_versions()},
    key=lambda v: tuple(int(part) for part in v.split(".")),
)
VERSIONS = [v for v in KNOWN_VERSIONS if tuple(map(int, v.split(".")[:2])) >= (1, 27)]
DIGEST = re.compile(r"^[^\s@]+:[^\s@:]+@sha256:[0-9a-f]{64}$")  # name:tag@sha256:<64 hex>
# what an operator fills in where the manifests require it
FILLED = {
    "POSTGRES_PASSWORD": secrets.token_hex(16),
    "WIREWATCH_KAFKA_SASL_PASSWORD": secrets.token_hex(16),
    "WIREWATCH_API_TOKEN": secrets.token_hex(32),
}


def setting_names() -> set[str]:
    """The environment variables Settings reads."""
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if alias is None:
            names.add(f"WIREWATCH_{name.upper()}")
        else:
            names.update(str(choice) for choice in alias.choices)
    return names


def manifests() -> Iterator[tuple[Path, dict]]:
    for path in sorted(KUBERNETES.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text()):
            if document is not None:
                yield path, document


def objects(kind: str, api_version: str | None = None) -> list[dict]:
    return [
        d
        for _, d in manifests()
        if d["kind"] == kind and (api_version is None or d["apiVersion"] == api_version)
    ]


def one(kind: str, name: str) -> dict:
    [found] = [d for d in objects(kind) if d["metadata"]["name"] == name]
    return found


def config() -> dict[str, str]:
    return one("ConfigMap", "wirewatch")["data"]


def secret() -> dict[str, str]:
    return one("Secret", "wirewatch")["stringData"]


def pod_specs() -> Iterator[tuple[str, dict]]:
    for kind in ("Deployment", "Job"):
        for workload in objects(kind):
            yield workload["metadata"]["name"], workload["spec"]["template"]["spec"]


# Kubernetes: the schemas


@pytest.mark.parametrize("version", [VERSIONS[0], VERSIONS[-1]])
def test_the_standard_objects_are_valid_kubernetes(version):
    checked = []
    for path, document in manifests():
        if document["apiVersion"] == STRIMZI:
            continue
        try:
            kubernetes_validate.validate(document, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{path.name}: {document['kind']} {document['metadata']['name']}: {error}")
        checked.append(document["kind"])
    assert {"Namespace", "ConfigMap", "Secret", "Deployment", "Service"} <= set(checked)
    assert {"HorizontalPodAutoscaler", "PersistentVolumeClaim", "Job"} <= set(checked)


def test_a_wrong_field_is_caught_by_the_schemas():
    """The check above can fail: a misspelt field in a copy of the worker is refused."""
    worker = one("Deployment", "wirewatch-worker")
    broken = yaml.safe_load(yaml.safe_dump(worker))
    broken["spec"]["template"]["spec"]["containers"][0]["envFrm"] = []
    with pytest.raises(kubernetes_validate.ValidationError, match="envFrm"):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)


def test_kustomization_lists_every_manifest():
    listed = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"]
    present = {p.name for p in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(listed) == sorted(present)
    assert {d["metadata"].get("namespace", "wirewatch") for _, d in manifests()} == {"wirewatch"}


# Kubernetes: Strimzi's custom resources, for what the code relies on


def test_a_kafka_topic_for_each_topic_the_code_creates():
    settings_partitions = int(config()["WIREWATCH_TOPIC_PARTITIONS"])
    replicas = int(config()["WIREWATCH_TOPIC_REPLICATION_FACTOR"])
    topics = {t["spec"]["topicName"]: t for t in objects("KafkaTopic", STRIMZI)}
    assert set(topics) == {spec.name for spec in ALL_TOPICS}
    for spec in ALL_TOPICS:
        topic = topics[spec.name]
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "wirewatch"
        assert topic["spec"]["partitions"] == spec.partition_count(settings_partitions), spec.name
        assert topic["spec"]["replicas"] == replicas
        assert topic["spec"].get("config", {}) == spec.kafka_config(), spec.name
    assert topics["articles.raw"]["spec"]["partitions"] == 1


def test_the_kafka_cluster_is_kraft_and_offers_what_the_settings_ask_for():
    [kafka] = objects("Kafka", STRIMZI)
    [pool] = objects("KafkaNodePool", STRIMZI)
    name = kafka["metadata"]["name"]
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == name
    assert set(pool["spec"]["roles"]) == {"controller", "broker"}
    assert pool["spec"]["replicas"] >= int(config()["WIREWATCH_TOPIC_REPLICATION_FACTOR"])
    host, port = config()["KAFKA_BOOTSTRAP_SERVERS"].split(":")
    assert host == f"{name}-kafka-bootstrap"  # the Service Strimzi makes for the cluster
    [listener] = [x for x in kafka["spec"]["kafka"]["listeners"] if x["port"] == int(port)]
    assert listener["tls"] is True and config()["WIREWATCH_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert listener["authentication"]["type"] == "scram-sha-512"
    assert config()["WIREWATCH_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    assert kafka["spec"]["entityOperator"]["topicOperator"] == {}


def test_the_kafka_user_is_the_one_the_workers_log_in_as_with_the_secrets_password():
    [user] = objects("KafkaUser", STRIMZI)
    assert user["metadata"]["name"] == config()["WIREWATCH_KAFKA_SASL_USERNAME"]
    assert user["spec"]["authentication"]["type"] == "scram-sha-512"
    reference = user["spec"]["authentication"]["password"]["valueFrom"]["secretKeyRef"]
    assert reference["name"] == "wirewatch" and reference["key"] in secret()
    for name, pod in pod_specs():
        env = {e["name"]: e for e in pod["containers"][0].get("env", [])}
        password = env["WIREWATCH_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"]
        assert password == reference, name


# Kubernetes: the settings, secrets, volumes and commands the workloads use


def test_the_config_and_secret_build_valid_settings(tmp_path, monkeypatch):
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    ca = tmp_path / "ca.crt"
    ca.write_text("a CA file; its contents are read by the clients, not the settings\n")
    values = {**config(), "WIREWATCH_KAFKA_SSL_CAFILE": str(ca)}
    values["WIREWATCH_DATABASE_URL"] = secret()["database-url"]
    # the two placeholders left empty (test_the_shipped_secret_runs_nothing), filled in
    values["WIREWATCH_KAFKA_SASL_PASSWORD"] = FILLED["WIREWATCH_KAFKA_SASL_PASSWORD"]
    values["WIREWATCH_API_TOKEN"] = FILLED["WIREWATCH_API_TOKEN"]
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.kafka.security_protocol == "SASL_SSL" and not settings.uses_own_broker
    assert settings.topic_replication_factor == 3
    assert set(config()) <= setting_names()


def test_every_workload_sets_only_settings_and_refers_to_what_exists():
    secrets = {"wirewatch": set(secret()), "wirewatch-cluster-ca-cert": {"ca.crt"}}
    config_maps = {c["metadata"]["name"]: set(c["data"]) for c in objects("ConfigMap")}
    claims = {c["metadata"]["name"] for c in objects("PersistentVolumeClaim")}
    commands = set(cli.commands)
    ca_directory = str(Path(config()["WIREWATCH_KAFKA_SSL_CAFILE"]).parent)
    for name, pod in pod_specs():
        [container] = pod["containers"]
        assert container["args"][0] in commands, name
        assert container["image"].split("@")[0] == compose()["x-wirewatch"]["image"], name
        for source in container.get("envFrom", []):
            assert source["configMapRef"]["name"] in config_maps
        for variable in container.get("env", []):
            assert variable["name"] in setting_names(), (name, variable["name"])
            reference = variable["valueFrom"]["secretKeyRef"]
            assert reference["key"] in secrets[reference["name"]], (name, reference)
        volumes = {v["name"]: v for v in pod["volumes"]}
        for volume in volumes.values():
            if "secret" in volume:
                wanted = {item["key"] for item in volume["secret"].get("items", [])}
                assert wanted <= secrets[volume["secret"]["secretName"]], (name, volume)
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims
        mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
        assert set(mounts.values()) == set(volumes), name
        # the settings check the CA file exists: every process mounts it where they say
        assert volumes[mounts[ca_directory]]["secret"]["secretName"] == "wirewatch-cluster-ca-cert"
        assert pod["securityContext"]["runAsNonRoot"] is True


def test_the_workers_scale_no_further_than_the_country_keyed_partitions():
    [hpa] = objects("HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "wirewatch-worker",
    }
    assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert hpa["spec"]["maxReplicas"] <= int(config()["WIREWATCH_TOPIC_PARTITIONS"])
    worker = one("Deployment", "wirewatch-worker")["spec"]["template"]["spec"]
    [container] = worker["containers"]
    assert container["resources"]["requests"]["cpu"]  # what CPU utilization is measured on
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    claim = {v["name"]: v for v in worker["volumes"]}[mounts["/var/lib/wirewatch/dead-letters"]]
    assert claim["persistentVolumeClaim"]["claimName"] == "wirewatch-dead-letters"
    [pvc] = objects("PersistentVolumeClaim")
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]  # every worker writes there


def test_the_secrets_subscriptions_and_the_feeds_config_load(tmp_path, monkeypatch):
    monkeypatch.setenv("WIREWATCH_STATE_DIR", str(tmp_path))
    subscriptions = tmp_path / "subscriptions.yaml"
    subscriptions.write_text(secret()["subscriptions.yaml"])
    [loaded] = load_subscriptions(subscriptions)
    assert loaded.delivery.kind == "webhook" and loaded.delivery.secret
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(one("ConfigMap", "wirewatch-feeds")["data"]["feeds.yaml"])
    assert load_feeds(feeds) == []
    assert (DEPLOY / "feeds.yaml").read_text().strip().endswith("feeds: []")


# Compose


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def compose_schema() -> dict:
    """The Compose Specification's schema as check-jsonschema ships it (read as a file:
    the package is here for its schemas, not its command line)."""
    path = distribution("check-jsonschema").locate_file(
        "check_jsonschema/builtin_schemas/vendor/compose-spec.json"
    )
    return yaml.safe_load(Path(str(path)).read_text())


def test_compose_file_follows_the_compose_specification():
    schema = compose_schema()
    assert schema["title"] == "Compose Specification"
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    broken = compose()
    broken["services"]["worker"]["comand"] = ["worker"]
    broken["services"]["api"]["ports"] = {"8765": 8765}
    found = {error.message for error in validator.iter_errors(broken)}
    assert any("comand" in message for message in found), found  # the schema catches mistakes
    assert "{'8765': 8765} is not of type 'array'" in found, found


def test_compose_runs_the_pipeline_on_the_official_kafka_image_in_kraft_mode():
    services = compose()["services"]
    assert set(services) == {"kafka", "postgres", "worker", "collector", "api"}
    kafka = services["kafka"]
    assert kafka["image"].startswith(f"apache/kafka:{pinned_kafka_version()}@sha256:")
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["worker"]["deploy"]["replicas"] >= 2
    build = compose()["x-wirewatch"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == DEPLOY / "Dockerfile"


def test_compose_sets_only_settings_that_exist_and_runs_wirewatch_commands():
    services = compose()["services"]
    commands = set(cli.commands)
    for name in ("worker", "collector", "api"):
        service = services[name]
        assert service["command"][0] in commands, name
        assert service["image"] == compose()["x-wirewatch"]["image"]
        unknown = set(service["environment"]) - setting_names()
        assert not unknown, (name, unknown)
        assert service["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        database = service["environment"]["WIREWATCH_DATABASE_URL"]
        assert database.startswith("postgresql+psycopg://") and "@postgres:5432/" in database
        assert service["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert services["api"]["environment"]["WIREWATCH_API_HOST"] == "0.0.0.0"
    assert "WIREWATCH_API_TOKEN" in services["api"]["environment"]  # required off loopback
    [feeds] = [v for v in services["collector"]["volumes"] if v.endswith(":ro")]
    source, target, _ = feeds.split(":")
    assert (DEPLOY / source).is_file()
    assert services["collector"]["environment"]["WIREWATCH_FEEDS_FILE"] == target


@pytest.mark.parametrize("service", ["worker", "collector", "api"])
def test_compose_settings_build_valid_settings(service, monkeypatch):
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    environment = dict(compose()["services"][service]["environment"])
    for name, value in environment.items():
        # ${NAME:?message}: compose refuses to start without NAME; the operator's value
        value = re.sub(r"\$\{([A-Z_]+):\?[^}]*\}", lambda m: FILLED[m.group(1)], str(value))
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.bootstrap_servers == "kafka:9092"
    assert settings.kafka.uses_sasl and settings.kafka.sasl_username == "wirewatch"
    password = settings.kafka.sasl_password
    assert password is not None
    assert password.get_secret_value() == FILLED["WIREWATCH_KAFKA_SASL_PASSWORD"]
    assert settings.resolved_database_url.endswith("@postgres:5432/wirewatch")


def test_the_image_installs_runtime_dependencies_only_and_runs_unprivileged():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert stages[-1].startswith("python:3.11-slim@")
    assert "pip install --editable '.[postgres]'" in dockerfile and "[test]" not in dockerfile
    [user] = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert not user.startswith(("0", "root"))
    assert "npm ci --ignore-scripts" in dockerfile  # the dashboard's libraries, as locked


# Hardening (issue 23)


def _probe_answers(path: str) -> dict:
    """What infra/probes.py's app (the worker's and the collector's) answers on PATH."""
    import json
    from wsgiref.util import setup_testing_defaults

    from prometheus_client import CollectorRegistry

    from infra.probes import probe_app

    app = probe_app(CollectorRegistry(), lambda: {"alive": "ok"}, lambda: {"ready": "ok"})
    environ: dict = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
    assert statuses == ["200 OK"], (path, statuses)
    return json.loads(body)


@pytest.mark.parametrize(
    ("deployment", "port_setting"),
    [("wirewatch-worker", "worker_metrics_port"), ("wirewatch-collector", "metrics_port")],
)
def test_the_worker_and_the_collector_are_probed_where_they_serve(
    deployment, port_setting, tmp_path, monkeypatch
):
    """Their endpoints are switched on, off loopback (the kubelet probes the pod's
    address), and the probes ask the port and the paths infra/probes.py serves."""
    for name in setting_names():
        monkeypatch.delenv(name, raising=False)
    for name, value in config().items():
        monkeypatch.setenv(name, value)
    ca = tmp_path / "ca.crt"
    ca.write_text("a CA file\n")
    monkeypatch.setenv("WIREWATCH_KAFKA_SSL_CAFILE", str(ca))
    monkeypatch.setenv("WIREWATCH_KAFKA_SASL_PASSWORD", FILLED["WIREWATCH_KAFKA_SASL_PASSWORD"])
    settings = Settings()
    port = getattr(settings, port_setting)
    host = getattr(settings, port_setting.replace("_port", "_host"))
    assert port is not None, f"{port_setting} unset: the endpoints are not served"
    assert host == "0.0.0.0"
    [container] = one("Deployment", deployment)["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
    for probe, path, answer in (
        ("readinessProbe", "/readyz", {"status": "ready", "ready": "ok"}),
        ("livenessProbe", "/healthz", {"status": "ok", "alive": "ok"}),
    ):
        check = container[probe]["httpGet"]
        assert check["path"] == path, (deployment, probe)
        assert ports[check["port"]] == port, (deployment, probe)
        assert _probe_answers(path) == answer  # the path is a probe, not the metrics page


def test_every_pod_has_the_default_seccomp_profile_and_no_service_account_token():
    checked = []
    for name, pod in pod_specs():
        assert pod.get("automountServiceAccountToken") is False, name
        assert pod["securityContext"].get("seccompProfile") == {"type": "RuntimeDefault"}, name
        checked.append(name)
    assert len(checked) == 4  # worker, collector, api, the subscriptions job


def test_every_image_is_pinned_by_digest():
    for name, pod in pod_specs():
        for container in pod["containers"] + pod.get("initContainers", []):
            assert DIGEST.match(container["image"]), (name, container["image"])
    services = compose()["services"]
    for name in ("kafka", "postgres"):
        assert DIGEST.match(services[name]["image"]), (name, services[name]["image"])
    assert "build" in compose()["x-wirewatch"]  # wirewatch's own: built there, from the below
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, flags=re.MULTILINE)
    assert len(stages) == 3
    for image in stages:
        assert DIGEST.match(image), image


def test_compose_has_no_default_for_a_secret():
    """Every variable compose reads is required (${NAME:?message}): a forgotten password
    stops `docker compose up`, rather than start with a default anyone can read here."""
    text = (DEPLOY / "compose.yaml").read_text()
    read = re.findall(r"\$\{([A-Za-z_]+)([^}]*)\}", text)
    assert {name for name, _ in read} == set(FILLED)
    for name, rest in read:
        assert rest.startswith(":?") and len(rest) > 2, (name, rest)


def test_compose_broker_demands_a_login_from_every_client():
    """Every listener beyond the container's loopback is SASL; its one user's password is
    the required variable every wirewatch service logs in with."""
    services = compose()["services"]
    kafka = services["kafka"]["environment"]
    protocols = dict(p.split(":") for p in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    for listener in kafka["KAFKA_LISTENERS"].split(","):
        name, address = listener.split("://")
        if not address.startswith(("localhost:", "127.0.0.1:")):
            assert protocols[name].startswith("SASL_"), listener
    assert kafka["KAFKA_ADVERTISED_LISTENERS"] == "SASL_PLAINTEXT://kafka:9092"
    login = kafka["KAFKA_LISTENER_NAME_SASL__PLAINTEXT_PLAIN_SASL_JAAS_CONFIG"]
    password = "${WIREWATCH_KAFKA_SASL_PASSWORD:?"
    assert f'user_wirewatch="{password}' in login and f'password="{password}' in login
    for name in ("worker", "collector", "api"):
        environment = services[name]["environment"]
        assert environment["WIREWATCH_KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT", name
        assert (
            environment["WIREWATCH_KAFKA_SASL_MECHANISM"] in kafka["KAFKA_SASL_ENABLED_MECHANISMS"]
        )
        assert environment["WIREWATCH_KAFKA_SASL_USERNAME"] == "wirewatch", name
        assert environment["WIREWATCH_KAFKA_SASL_PASSWORD"].startswith(password), name


def test_the_shipped_secret_runs_nothing():
    """The Secret's placeholders cannot be run as they are: the API refuses its token,
    the Kafka user has no password, the database host never resolves (.invalid)."""
    from api.app import ApiRefused, check_binding

    api = Settings(api_host="0.0.0.0", api_token=secret()["api-token"]).api
    with pytest.raises(ApiRefused):
        check_binding(api)
    assert secret()["kafka-password"] == ""
    host = secret()["database-url"].split("@", 1)[1].split(":")[0]
    assert host.endswith(".invalid")
