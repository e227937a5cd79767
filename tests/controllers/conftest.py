from __future__ import annotations

import pytest

from tests.controllers.fakekubelet import Api, FakeKubelet
from tests.controllers.helpers import new_namespace


@pytest.fixture(scope="session")
def api(kubelab_server) -> Api:
    return Api(kubelab_server)


@pytest.fixture()
def ns(api) -> str:
    return new_namespace(api)


@pytest.fixture()
def nodes(kubelab_server, ns):
    """Nodes that run this test's pods (the fake kubelet; later the simulator)."""
    with FakeKubelet(kubelab_server, ns) as fake:
        yield fake
