"""The broker wirewatch provisions for itself."""

import pytest

from harness.services import free_port_pair
from infra.broker import LocalBroker, MavenProgress, fetch_jars, pinned_kafka_version
from infra.settings import Settings

pytestmark = pytest.mark.kafka


def test_pinned_version_is_read_from_the_pom():
    assert pinned_kafka_version() == "4.0.2"


def test_storage_formats_with_a_cluster_id_that_looks_like_an_option(tmp_path):
    # Regression: a random base64 id starting with "-" was read as an option.
    broker = LocalBroker(home=tmp_path / "k", cache_dir=Settings().cache_dir, port=free_port_pair())
    broker.write_config()
    broker.format_storage(fetch_jars(Settings().cache_dir), cluster_id="-AbCdEfGhIjKlMnOpQrStUv")
    meta = (broker.data_dir / "meta.properties").read_text()
    assert "cluster.id=-AbCdEfGhIjKlMnOpQrStUv" in meta


def test_maven_progress_counts_downloads_and_copies():
    progress = MavenProgress()
    lines = [
        "[INFO] Scanning for projects...",
        "[INFO] Downloading from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka-clients/4.0.2/kafka-clients-4.0.2.pom",
        "[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka-clients/4.0.2/kafka-clients-4.0.2.pom (1.9 kB at 12 kB/s)",
        "[INFO] Copying kafka-clients-4.0.2.jar to /cache/kafka-4.0.2/libs/kafka-clients-4.0.2.jar",
        "[INFO] BUILD SUCCESS",
    ]
    steps = [progress.read(line) for line in lines]
    assert steps == [False, False, True, True, False]
    assert (progress.downloaded, progress.copied) == (1, 1)
    assert progress.latest == "kafka-clients-4.0.2.jar"


def test_fetching_the_jars_reports_each_jar_maven_copies(tmp_path):
    seen: list[tuple[int, int]] = []
    libs = fetch_jars(tmp_path, progress=lambda p: seen.append((p.downloaded, p.copied)))
    jars = list(libs.glob("*.jar"))
    assert jars and seen
    assert seen[-1][1] == len(jars)  # one report per jar copied, the last one counting all
    assert [copied for _, copied in seen if copied] == list(range(1, len(jars) + 1))
    assert fetch_jars(tmp_path, progress=lambda p: seen.append((-1, -1))) == libs
    assert (-1, -1) not in seen  # cached: Maven does not run again
