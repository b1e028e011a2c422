import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_source_root_is_not_a_package():
    assert (ROOT / "platform").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_standard_library_platform_wins_with_the_project_on_sys_path():
    probe = (
        "import sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]; "
        "import platform; print(platform.__file__); print(platform.python_version())"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(ROOT), str(ROOT / "platform")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    module_file, version = result.stdout.split()
    assert Path(module_file).parent == Path(sysconfig.get_paths()["stdlib"])
    assert version.startswith("3.11")
