"""The design's layers (design.md §2), read from the source: imports point one way — service →
(demo →) flows → document_templates → models — with the CLI's `demo` command the one way into
demo/, and no production layer names a real province: the demo's sample data stays in demo/."""

import ast
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# layer → the other project packages its modules may import
MAY_IMPORT = {
    "models": set(),
    "document_templates": {"models"},
    "flows": {"models", "document_templates"},
    "demo": {"flows", "document_templates", "models"},
    "service": {"flows", "document_templates", "models"},
}
PRODUCTION = ("models", "document_templates", "flows", "service")
# (module, function) that may import the demo: `vinhdanh demo`, only when it runs
DEMO_ENTRY = ("service/cli.py", "demo")

# The 34 provinces and cities since the 2025 merger (Resolution 202/2025/QH15); the city of Hồ Chí
# Minh by its full name, as the name alone is also that of orders and prizes ...
PROVINCES = (
    "Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Thành phố Hồ Chí Minh", "Cần Thơ",
    "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa", "Nghệ An", "Hà Tĩnh",
    "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh", "Hưng Yên",
    "Ninh Bình", "Quảng Trị", "Quảng Ngãi", "Gia Lai", "Khánh Hòa", "Lâm Đồng", "Đắk Lắk",
    "Đồng Nai", "Tây Ninh", "Vĩnh Long", "Đồng Tháp", "Cà Mau", "An Giang",
)  # fmt: skip
# ... and the earlier names they replaced, still on years of records.
FORMER_PROVINCES = (
    "Hà Giang", "Yên Bái", "Bắc Kạn", "Vĩnh Phúc", "Hòa Bình", "Bắc Giang", "Hải Dương", "Thái Bình",
    "Hà Nam", "Nam Định", "Quảng Bình", "Thừa Thiên Huế", "Quảng Nam", "Kon Tum", "Bình Định",
    "Phú Yên", "Ninh Thuận", "Đắk Nông", "Bình Thuận", "Bình Phước", "Bình Dương", "Bà Rịa",
    "Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh", "Sóc Trăng", "Hậu Giang", "Bạc Liêu",
    "Kiên Giang",
)  # fmt: skip
# Names that are also everyday words, which production text may well use.
COMMON_WORDS = {"Cao Bằng", "Hòa Bình", "Thái Bình"}  # "as high as", "peace", "peace"
# The old placement of the tone mark (Thanh Hoá, Khánh Hoà) is the same name.
OLD_TONE_PLACEMENT = {"oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa"}


def normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).lower()
    for old, new in OLD_TONE_PLACEMENT.items():
        text = text.replace(old, new)
    return text


NAMES = [name for name in PROVINCES + FORMER_PROVINCES if name not in COMMON_WORDS]
NAMED = re.compile("|".join(rf"(?<!\w){re.escape(normal(name))}(?!\w)" for name in NAMES))


def provinces_in(text: str) -> list[str]:
    return NAMED.findall(normal(text))


def sources(*layers: str, kinds: tuple[str, ...] = ("*.py",)) -> list[Path]:
    return sorted(path for layer in layers for kind in kinds for path in (ROOT / layer).rglob(kind))


def imports(tree: ast.AST) -> list[tuple[str, int, str | None]]:
    """(top-level package, line, enclosing function) of every absolute import in a module;
    a relative import stays inside its own package."""
    found = []

    def walk(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name.split(".")[0], child.lineno, function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0:
                found.append((child.module.split(".")[0], child.lineno, function))
            inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            walk(child, inner)

    walk(tree, None)
    return found


@pytest.mark.parametrize("layer", MAY_IMPORT)
def test_imports_point_one_way_down_the_layers(layer):
    crossing = []
    for path in sources(layer):
        module = path.relative_to(ROOT).as_posix()
        for package, line, function in imports(ast.parse(path.read_text(encoding="utf-8"))):
            allowed = MAY_IMPORT[layer] | {layer} | ({"demo"} if (module, function) == DEMO_ENTRY else set())
            if package in MAY_IMPORT and package not in allowed:
                crossing.append(f"{module}:{line} imports {package}")
    assert crossing == []


def test_no_production_layer_names_a_real_province():
    named = {
        path.relative_to(ROOT).as_posix(): found
        for path in sources(*PRODUCTION, kinds=("*.py", "*.toml"))  # code, and the data it ships
        if (found := provinces_in(path.read_text(encoding="utf-8")))
    }
    assert named == {}


def test_the_province_check_finds_a_name_however_it_is_written():
    assert provinces_in("place_date=f\"{unit.place or 'Quảng Ngãi'}, …\"") == ["quảng ngãi"]
    assert provinces_in("UBND TỈNH THANH HOÁ; tỉnh Kon Tum cũ") == ["thanh hóa", "kon tum"]
    assert provinces_in("Quảng Ngãix, hòa bình, Huệ, Cao Bằng") == []
    assert len(PROVINCES) == 34
