import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.support import FIXTURES, build_site

# builds keep a parse cache (sitegen/cache.py) in the user's cache folder: tests keep theirs apart
os.environ.setdefault("SITEGEN_CACHE_DIR", tempfile.mkdtemp(prefix="sitegen-test-cache-"))


@pytest.fixture(scope="session")
def bilingual_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual fixture site, built once for every test that only reads the output."""
    out = tmp_path_factory.mktemp("bilingual") / "public"
    result = build_site(FIXTURES / "bilingual", out)
    assert result.ok, result.text
    return out


@pytest.fixture
def site_copy(tmp_path: Path):
    """Copy a fixture site into a temporary folder, to change it freely."""
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target
    return copy
