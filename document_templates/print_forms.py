"""Where each variable field goes on a pre-printed certificate (phôi Bằng khen / Giấy khen).

The awarding body supplies the phôi already printed with the emblem, border, Quốc hiệu, the issuer
and the heading; the office prints only the variable text onto it. A layout says, for one form of
one tenant, the size of the phôi and for each field its box in millimetres from the page's top-left
corner (x, y the top-left of the box; the text's first line starts at y), width, height, font size,
alignment and weight.

The engine ships one default per certificate kind. Their sizes and positions are defaults, not the
issuer's specification (the Government prescribes the award objects' design and size, Law 06/2022
Art. 12(2), Decree 152/2025; the current dimensions are not verified: domain.md §8.5), hence
`verified = False`. A tenant moves, resizes, adds or drops fields in its <CODE>.toml:

    [print_forms.BK_TINH]                       # the award code of the form
    page = "A3"                                 # or width = 400, height = 300 (mm)
    orientation = "landscape"
    [print_forms.BK_TINH.fields.recipient]
    x = 62.5                                    # only what differs from the default
    [print_forms.BK_TINH.fields.golden_book]
    printed = false                             # the phôi has no place for it

Every tenant's every form is checked when first loaded (a typo fails at start-up, naming the file,
the form and the field)."""

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from document_templates.contexts import CertificateDoc
from models.catalogue import Catalogue, CatalogueError, default_catalogue

PAGES = {"A3": (420.0, 297.0), "A4": (297.0, 210.0), "A5": (210.0, 148.0)}  # landscape, mm
ALIGNMENTS = {"left": "trái", "center": "giữa", "right": "phải", "justify": "đều hai bên"}

# The variable fields a certificate can print, with the label an officer reads on the calibration page.
FIELDS = {
    "issuer_title": "Cấp khen (nếu phôi để trống)",
    "recipient": "Tên cá nhân / tập thể được khen",
    "recipient_detail": "Chức vụ, đơn vị",
    "achievement": "Thành tích",
    "decision_line": "Dòng quyết định (số và ngày)",
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "golden_book": "Dòng số sổ vàng",
    "golden_book_number": "Số sổ vàng",
    "place_date": "Địa danh, ngày tháng năm",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
}


class FormLayoutError(CatalogueError):
    """A print-form layout in a tenant's file does not fit (raised when it is loaded)."""


@dataclass(frozen=True)
class FieldBox:
    """One variable field's box on the phôi, in millimetres; its font size in points."""

    name: str
    x: float
    y: float
    width: float
    height: float
    size: float
    align: str = "center"
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class FormLayout:
    """The phôi of one form for one tenant: its page (as it goes through the printer) and fields."""

    form: str  # the award code: "BK_TINH", "GK", …
    tenant: str | None
    width: float  # mm
    height: float
    fields: tuple[FieldBox, ...]
    verified: bool = False
    source: str = ""

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def certificate_kind(form: str) -> str:
    """The decorated certificate a form prints: a Giấy khen, or for every other form a Bằng khen."""
    return "giay_khen" if form == "GK" else "bang_khen"


def _box(name: str, x, y, width, height, size, align="center", bold=False, italic=False) -> FieldBox:
    return FieldBox(name, x, y, width, height, size, align, bold, italic)


# The historic model (Decree 50/2006 Art. 28, domain.md §8.5): the name, then the post and the
# achievement centred under the pre-printed heading; bottom left the decision and the golden book
# number, bottom right place and date, the signer's title, 35–40 mm for signature and seal, the name.
DEFAULTS = {
    "bang_khen": FormLayout(
        form="",
        tenant=None,
        width=420.0,  # A3 landscape: a default, not the issuer's specification
        height=297.0,
        fields=(
            _box("recipient", 60, 128, 300, 14, 26, bold=True),
            _box("recipient_detail", 60, 144, 300, 10, 16),
            _box("achievement", 60, 156, 300, 30, 16, italic=True),
            _box("place_date", 230, 196, 160, 8, 14, italic=True),
            _box("signer_title", 230, 206, 160, 14, 14, bold=True),
            _box("signer_name", 230, 258, 160, 10, 16, bold=True),
            _box("decision_line", 40, 238, 170, 8, 13, align="left"),
            _box("golden_book", 40, 248, 170, 8, 13, align="left"),
        ),
        source="Mặc định của Vinh Danh theo bố cục tại Điều 28 Nghị định 50/2006 (đã hết hiệu lực): "
        "đo lại trên phôi thật",
    ),
    "giay_khen": FormLayout(
        form="",
        tenant=None,
        width=297.0,  # A4 landscape: a default, not the issuer's specification
        height=210.0,
        fields=(
            _box("recipient", 40, 86, 217, 12, 20, bold=True),
            _box("recipient_detail", 40, 99, 217, 8, 14),
            _box("achievement", 40, 109, 217, 22, 14, italic=True),
            _box("place_date", 160, 138, 115, 7, 13, italic=True),
            _box("signer_title", 160, 146, 115, 12, 13, bold=True),
            _box("signer_name", 160, 182, 115, 8, 14, bold=True),
            _box("decision_line", 25, 168, 125, 7, 12, align="left"),
            _box("golden_book", 25, 176, 125, 7, 12, align="left"),
        ),
        source="Mặc định của Vinh Danh, thu nhỏ từ mặc định của Bằng khen: đo lại trên phôi thật",
    ),
}


def field_values(certificate: CertificateDoc) -> dict[str, str]:
    """What each field prints for one certificate, NFC (lines of a field separated by newlines)."""
    values = {
        "issuer_title": certificate.issuer_title,
        "recipient": certificate.recipient,
        "recipient_detail": certificate.recipient_detail,
        "achievement": certificate.achievement,
        "decision_line": certificate.decision_line,
        "decision_number": certificate.decision_number,
        "decision_date": certificate.decision_date,
        "golden_book": certificate.golden_book,
        "golden_book_number": certificate.golden_book_number,
        "place_date": certificate.place_date,
        "signer_title": "\n".join(certificate.signature.lines),
        "signer_name": certificate.signature.name,
    }
    return {name: unicodedata.normalize("NFC", text) for name, text in values.items()}


# ------------------------------------------------------------------------------- overrides

NUMBERS = {"x", "y", "width", "height", "size"}
FLAGS = {"bold", "italic", "printed"}
FORM_KEYS = {"page", "orientation", "width", "height", "verified", "source", "fields"}


class _Reader:
    """Applies one tenant's `[print_forms.<FORM>]` table to the default, failing with where."""

    def __init__(self, tenant: str, form: str):
        self.where = f"tenant {tenant}: [print_forms.{form}]"

    def fail(self, where: str, message: str):
        raise FormLayoutError(f"{self.where}{where}: {message}")

    def number(self, where: str, key: str, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(
                where, f"{key} must be a number of {'points' if key == 'size' else 'mm'}, not {value!r}"
            )
        if value < 0 or (value == 0 and key not in ("x", "y")):
            self.fail(where, f"{key} = {value} must be {'≥ 0' if key in ('x', 'y') else 'more than 0'}")
        return float(value)

    def page(self, base: FormLayout, spec: Mapping[str, Any]) -> tuple[float, float]:
        unknown = set(spec) - FORM_KEYS
        if unknown:
            self.fail(
                "", f"unknown key(s) {', '.join(sorted(unknown))}; keys: {', '.join(sorted(FORM_KEYS))}"
            )
        if not isinstance(spec.get("verified", False), bool):
            self.fail("", f"verified must be true or false, not {spec['verified']!r}")
        if not isinstance(spec.get("fields", {}), Mapping):
            self.fail("", "fields must be a table of fields ([print_forms.<FORM>.fields.<field>])")
        width, height = base.width, base.height
        if "page" in spec:
            if spec["page"] not in PAGES:
                self.fail(
                    "", f"page {spec['page']!r} is not one of {', '.join(PAGES)}; or give width and height"
                )
            width, height = PAGES[spec["page"]]
        width = self.number("", "width", spec.get("width", width))
        height = self.number("", "height", spec.get("height", height))
        orientation = spec.get("orientation")
        if orientation not in (None, "landscape", "portrait"):
            self.fail("", f"orientation {orientation!r} is neither 'landscape' nor 'portrait'")
        if orientation and (orientation == "landscape") != (width >= height):
            width, height = height, width
        return width, height

    def field(self, name: str, base: FieldBox | None, spec: Any) -> FieldBox | None:
        where = f".fields.{name}"
        if name not in FIELDS:
            self.fail(where, f"unknown field {name!r}; fields: {', '.join(FIELDS)}")
        if not isinstance(spec, Mapping):
            self.fail(where, "must be a table (x, y, width, height, size, align, bold, italic, printed)")
        unknown = set(spec) - NUMBERS - FLAGS - {"align"}
        if unknown:
            self.fail(where, f"unknown key(s) {', '.join(sorted(unknown))}")
        for key in FLAGS & set(spec):
            if not isinstance(spec[key], bool):
                self.fail(where, f"{key} must be true or false, not {spec[key]!r}")
        if spec.get("printed", True) is False:
            return None
        if "align" in spec and spec["align"] not in ALIGNMENTS:
            self.fail(where, f"align {spec['align']!r} is not one of {', '.join(ALIGNMENTS)}")
        missing = NUMBERS - set(spec) if base is None else set()
        if missing:
            self.fail(where, f"a field the default does not place needs {', '.join(sorted(missing))}")
        values = {key: self.number(where, key, spec[key]) for key in NUMBERS & set(spec)}
        values |= {key: spec[key] for key in ("align", "bold", "italic") if key in spec}
        return replace(base, **values) if base else _box(name, **values)

    def apply(self, base: FormLayout, spec: Any) -> FormLayout:
        if not isinstance(spec, Mapping):
            self.fail("", "must be a table")
        width, height = self.page(base, spec)
        boxes = {box.name: box for box in base.fields}
        for name, field_spec in spec.get("fields", {}).items():
            box = self.field(name, boxes.get(name), field_spec)
            if box is None:
                boxes.pop(name, None)
            else:
                boxes[name] = box
        layout = replace(
            base,
            width=width,
            height=height,
            fields=tuple(boxes.values()),
            verified=spec.get("verified", False),
            source=str(spec.get("source", base.source)),
        )
        for box in layout.fields:
            self.on_page(layout, box)
        return layout

    def on_page(self, layout: FormLayout, box: FieldBox) -> None:
        for edge, end, size in (
            ("x", box.x + box.width, layout.width),
            ("y", box.y + box.height, layout.height),
        ):
            if end > size:
                extent = "width" if edge == "x" else "height"
                self.fail(
                    f".fields.{box.name}",
                    f"{edge} + {extent} = {end:g} mm is off the {layout.width:g} × {layout.height:g} mm page",
                )


class PrintForms:
    """Every form's layout for every tenant, validated once."""

    def __init__(self, catalogue: Catalogue):
        self.forms = sorted(
            {
                code
                for rid in catalogue.ruleset_ids
                for code, a in catalogue.ruleset(rid).awards.items()
                if a.kind == "form"
            }
        )
        self._layouts: dict[tuple[str | None, str], FormLayout] = {}
        for tenant in catalogue.tenants:
            for form, spec in catalogue.tenant_section(tenant, "print_forms").items():
                if form not in self.forms:
                    known = ", ".join(self.forms)
                    raise FormLayoutError(
                        f"tenant {tenant}: [print_forms.{form}]: {form} is not a form "
                        f"(hình thức khen thưởng); forms: {known}"
                    )
                self._layouts[(tenant, form)] = _Reader(tenant, form).apply(self.default(form, tenant), spec)

    def default(self, form: str, tenant: str | None = None) -> FormLayout:
        return replace(DEFAULTS[certificate_kind(form)], form=form, tenant=tenant)

    def layout(self, form: str, tenant: str | None = None) -> FormLayout:
        """The tenant's layout of the form, or the engine's default for its certificate kind."""
        return self._layouts.get((tenant, form)) or self.default(form, tenant)


@lru_cache
def _forms(catalogue: Catalogue) -> PrintForms:
    return PrintForms(catalogue)


def print_forms() -> PrintForms:
    """The layouts against the catalogue with the tenants of VINHDANH_TENANT_DIR."""
    return _forms(default_catalogue())
