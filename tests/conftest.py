import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support import FIXTURES, Built, build_site

# builds keep a parse cache (sitegen/cache.py) in the user's cache folder: tests keep theirs apart
os.environ.setdefault("SITEGEN_CACHE_DIR", tempfile.mkdtemp(prefix="sitegen-test-cache-"))


@pytest.fixture(scope="session")
def bilingual_built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The bilingual fixture site, built once for every test that only reads the output (or its warnings)."""
    out = tmp_path_factory.mktemp("bilingual") / "public"
    result = build_site(FIXTURES / "bilingual", out)
    assert result.ok, result.text
    return result


@pytest.fixture(scope="session")
def bilingual_out(bilingual_built: Built) -> Path:
    return bilingual_built.out


@pytest.fixture
def site_copy(tmp_path: Path):
    """Copy a fixture site into a temporary folder, to change it freely."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy
