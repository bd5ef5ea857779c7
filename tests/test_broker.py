"""The broker wirewatch provisions for itself."""

import pytest

from infra.broker import LocalBroker, fetch_jars, pinned_kafka_version
from infra.settings import Settings
from tests.services import free_port_pair

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
