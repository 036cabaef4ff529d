"""The `vinhdanh` command: serve the app, run the demo season, manage the database and the
accounts.

Which database: VINHDANH_DATABASE_URL, else <VINHDANH_DATA_DIR>/vinhdanh.db (data_dir `var`).
When neither is set and var/vinhdanh.db does not exist but `make demo` left its database, the
commands use the demo's: the demo writes the settings it ran with to var/demo/vinhdanh.env (its
folder, its tenant overrides), read here as if they had been set, and the command says so."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated

import sqlalchemy as sa
import typer
from sqlalchemy import Engine
from sqlmodel import Session, select

from models.access import system_actor
from models.config import get_settings
from models.db import MIGRATIONS, app_engine, migrate, session_scope, utcnow
from models.errors import DomainError

cli = typer.Typer(
    help="Vinh Danh — quy trình đề nghị, xét duyệt thi đua, khen thưởng.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db = typer.Typer(help="Database schema and integrity.", no_args_is_help=True)
cli.add_typer(db, name="db")
token = typer.Typer(help="API tokens.", no_args_is_help=True)
cli.add_typer(token, name="token")
user = typer.Typer(help="Accounts: create, grant roles, reset passwords, unlock.", no_args_is_help=True)
cli.add_typer(user, name="user")

DEMO_SETTINGS = Path("var/demo/vinhdanh.env")  # written by `vinhdanh demo` (demo/run.py)
ELSEWHERE = "đặt VINHDANH_DATABASE_URL hoặc VINHDANH_DATA_DIR để dùng nơi khác"


def fail(message: str) -> None:
    """One clear line on stderr, exit 1: no traceback for what the user can put right."""
    typer.echo(message, err=True)
    raise typer.Exit(1)


def shown(url: str) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)


def demo_fallback() -> bool:
    """Use the demo's database when no other is configured and the default one does not exist
    (module docstring); whether it did."""
    settings = get_settings()
    configured = settings.database_url or "data_dir" in settings.model_fields_set
    if configured or (settings.data_dir / "vinhdanh.db").exists() or not DEMO_SETTINGS.exists():
        return False
    for line in DEMO_SETTINGS.read_text().splitlines():
        name, _, value = line.partition("=")
        if name.startswith("VINHDANH_"):
            os.environ.setdefault(name, value)
    get_settings.cache_clear()
    return True


@cli.callback()
def choose_database(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand in {"demo", "calendar"} or not demo_fallback():
        return
    if ctx.invoked_subcommand != "serve":  # which says which database it serves
        typer.echo(f"Dùng cơ sở dữ liệu của bản demo: {shown(get_settings().db_url)} ({ELSEWHERE})", err=True)


def database() -> Engine:
    """The app database, if it exists and its schema is current; else one line saying what to do."""
    url = get_settings().db_url
    path = url.removeprefix("sqlite:///")
    if path != url and not path.startswith(":memory:") and not Path(path).exists():
        fail(f"Không có cơ sở dữ liệu {path}: chạy `vinhdanh db upgrade` hoặc `make demo` ({ELSEWHERE})")
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    engine = app_engine()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except sa.exc.OperationalError as error:
        fail(f"Không kết nối được cơ sở dữ liệu {shown(url)}: {str(error.orig).strip()}")
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    if current != head:
        fail(
            f"Cơ sở dữ liệu {shown(url)} chưa ở phiên bản {head} (đang ở {current or 'trống'}): "
            "chạy `vinhdanh db upgrade`"
        )
    return engine


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A committed unit of work on the app database; a refusal of the domain is one line, exit 1."""
    try:
        with session_scope(database()) as session:
            yield session
    except DomainError as error:
        fail(error.message)


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
) -> None:
    """Serve the web app and JSON API (service.app:app)."""
    import uvicorn

    typer.echo(f"Phục vụ cơ sở dữ liệu {shown(get_settings().db_url)} ({ELSEWHERE})", err=True)
    migrate(app_engine())
    uvicorn.run("service.app:app", host=host, port=port, workers=workers)


@cli.command()
def demo(
    year: Annotated[int, typer.Option(help="the achievement year under review")] = 2025,
    out: Annotated[Path, typer.Option(help="folder for the database and documents")] = Path("var/demo"),
    seed: int = 2025,
) -> None:
    """Seed a realistic province and run one year-end season end to end, then summarise it."""
    from demo.run import run_demo

    typer.echo(run_demo(year=year, out=out, seed=seed))


@cli.command()
def worker(limit: Annotated[int, typer.Option(help="flow runs at once in this process")] = 4) -> None:
    """Serve the stage flows from the Prefect server (PREFECT_API_URL) until stopped; start as
    many as needed, on any machine with the app database's URL (VINHDANH_DATABASE_URL)."""
    from flows.triggers import work

    work(limit)


@cli.command()
def status() -> None:
    """Per level and stage: nominations waiting and overdue; failed flow runs; flows not started."""
    from service.report import status as report
    from service.report import status_text

    with Session(database()) as session:
        typer.echo(status_text(report(session, utcnow())))


@cli.command("golden-book")
def golden_book_export(
    unit: Annotated[str, typer.Argument(help="the issuing unit's code, e.g. QNG")],
    year: int,
    kind: Annotated[str, typer.Option("--format", help="xlsx or docx")] = "xlsx",
    out: Annotated[Path, typer.Option(help="the folder to write it to")] = Path("."),
) -> None:
    """Export an issuer's Sổ vàng for a year: its decisions and every award they entered."""
    from document_templates.registers import golden_book, golden_book_file
    from models.org import Unit

    if kind not in {"xlsx", "docx"}:
        fail("--format là xlsx hoặc docx")
    with Session(database()) as session:
        found = session.exec(select(Unit).where(Unit.code == unit)).first()
        if found is None:
            fail(f"Không có đơn vị mã {unit}")
        book = golden_book(session, system_actor(), found.id, year)
        content, name = golden_book_file(session, book, found.id, kind)
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_bytes(content)
    typer.echo(out / name)


@cli.command("hieu-chinh")
def calibration_page(
    form: Annotated[str, typer.Argument(help="the form's award code, e.g. BK_TINH or GK")],
    tenant: Annotated[str, typer.Option(help="the tenant whose layout it is, e.g. QNG")] = "",
    out: Annotated[Path, typer.Option(help="the folder to write it to")] = Path("."),
) -> None:
    """Write the calibration page of a pre-printed certificate (phôi): print it on plain paper,
    lay it over a phôi against the light, and correct the positions in the tenant's file."""
    from document_templates.on_form import calibration_page
    from document_templates.print_forms import FormLayoutError, print_forms
    from models.catalogue import default_catalogue

    try:
        forms = print_forms()
    except FormLayoutError as error:
        fail(f"Cấu hình in trên phôi sai: {error}")
    if form not in forms.forms:
        fail(f"{form} không phải hình thức khen thưởng in trên phôi; có: {', '.join(forms.forms)}")
    if tenant and tenant not in default_catalogue().tenants:
        fail(f"Không có cấu hình của đơn vị {tenant} trong VINHDANH_TENANT_DIR")
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"hieu_chinh_{form}.docx"
    path.write_bytes(calibration_page(forms.layout(form, tenant or None)))
    typer.echo(path)


@token.command("issue")
def token_issue(person_id: int, label: str = "") -> None:
    """Issue an API token for a person; it is printed once and stored only as a digest."""
    from models.tokens import issue_token

    with unit_of_work() as session:
        typer.echo(issue_token(session, system_actor(), person_id, label))


@token.command("revoke")
def token_revoke(person_id: int) -> None:
    """Revoke every token of a person."""
    from models.tokens import revoke_tokens

    with unit_of_work() as session:
        typer.echo(f"{revoke_tokens(session, system_actor(), person_id)} token(s) revoked")


@db.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Apply the schema migrations (Alembic) to VINHDANH_DATABASE_URL."""
    migrate(app_engine(), revision)
    typer.echo(f"database at {revision}: {get_settings().db_url}")


@db.command("verify-audit")
def verify_audit(
    checkpoint: Annotated[
        bool, typer.Option(help="then write the newest event to the checkpoint file, outside the database")
    ] = False,
) -> None:
    """Check the audit log: every event's link and MAC under the audit key, the checkpoints kept
    outside the database, the head; exit 1 when it is broken."""
    from models import audit

    with Session(database()) as session:
        try:
            broken = audit.verify(session)
            if broken is None and checkpoint:
                last = audit.checkpoint(session)
        except audit.AuditSetupError as error:
            typer.echo(f"Không kiểm tra được nhật ký (audit log not verifiable): {error}", err=True)
            raise typer.Exit(1) from None
    if broken is not None:
        typer.echo(f"Nhật ký bị phá vỡ (audit log broken): {broken}", err=True)
        raise typer.Exit(1)
    typer.echo("Nhật ký toàn vẹn (audit log intact)")
    if checkpoint and last is None:
        typer.echo("Nhật ký còn trống: chưa có gì để ghi mốc kiểm tra")
    elif checkpoint:
        typer.echo(f"Đã ghi mốc kiểm tra: sự kiện {last} → {get_settings().audit_checkpoint_path}")


@cli.command()
def calendar(start: date, days: int, tenant: str | None = None) -> None:
    """The n-th working day after START (Vietnamese public holidays, Tết included)."""

    from models.calendar import NATIONAL, tenant_calendar

    if tenant:
        with Session(database()) as session:
            typer.echo(tenant_calendar(session, tenant).add_working_days(start, days).isoformat())
    else:
        typer.echo(NATIONAL.add_working_days(start, days).isoformat())


def _unit(session: Session, code: str):
    from models.org import Unit

    found = session.exec(select(Unit).where(Unit.code == code)).first()
    if found is None:
        fail(f"Không có đơn vị mã {code}")
    return found


@user.command("create")
def user_create(
    username: str,
    person: Annotated[int | None, typer.Option(help="the person's id")] = None,
    name: Annotated[str | None, typer.Option(help="a new person's full name (with --unit)")] = None,
    unit: Annotated[str | None, typer.Option(help="the unit code a new person works in")] = None,
    password: Annotated[str | None, typer.Option(help="else one is generated and printed")] = None,
) -> None:
    """Create an account for a person (--person ID), or for a new one (--name "Họ tên" --unit CODE)."""
    from models import accounts

    if (person is None) == (name is None or unit is None):
        fail('Cần --person ID, hoặc --name "Họ tên" và --unit MÃ')
    with unit_of_work() as session:
        actor = system_actor()
        if person is None:
            person = accounts.new_person(session, actor, name, _unit(session, unit).id).id
        account, generated = accounts.create_user(session, actor, username, person, password)
    typer.echo(f"Đã tạo tài khoản {account.username} (#{account.id}) cho người #{account.person_id}")
    if generated:
        typer.echo(f"Mật khẩu (chỉ hiện lần này): {generated}")


@user.command("grant")
def user_grant(
    username: str,
    role: Annotated[
        str,
        typer.Argument(help="unit_officer, secretariat, secretariat_head, authority, admin, council_member"),
    ],
    unit: Annotated[str | None, typer.Option(help="the unit's code (a role)")] = None,
    council: Annotated[int | None, typer.Option(help="the council's id (council_member)")] = None,
    valid_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD, first day in force")] = None,
    valid_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD, last day in force")] = None,
) -> None:
    """Grant a user a role at a unit (--unit CODE), or a seat on a council (council_member
    --council ID), from --from through --to."""
    from models import accounts, grants
    from models.org import Role

    roles = [r.value for r in Role]
    if role not in (*roles, grants.COUNCIL_MEMBER):
        fail(f"Vai trò {role} không có; chọn một trong: {', '.join(roles)}, {grants.COUNCIL_MEMBER}")
    if (role == grants.COUNCIL_MEMBER) != (council is not None) or (unit is None) == (council is None):
        fail("council_member cần --council ID; các vai trò khác cần --unit MÃ")
    start, end = (_day(d) for d in (valid_from, valid_to))
    with unit_of_work() as session:
        person_id = accounts.user_by_name(session, username).person_id
        if council is not None:
            grants.join_council(session, system_actor(), person_id, council, start)
            where = f"Hội đồng #{council}"
        else:
            at = _unit(session, unit)
            grants.grant_role(session, system_actor(), person_id, Role(role), at.id, start, end)
            where = at.code
    typer.echo(f"Đã giao {role} tại {where} cho {username} ({start or '…'} – {end or '…'})")


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        fail(f"Ngày {text} không hợp lệ: dùng YYYY-MM-DD")


@user.command("list")
def user_list() -> None:
    """Every account: its person, whether it is active or locked, the roles in force today."""
    from models.accounts import UserAccount
    from models.grants import grants_of
    from models.org import Person

    with Session(database()) as session:
        rows = session.exec(select(UserAccount, Person).join(Person).order_by(UserAccount.username)).all()
        now = utcnow()
        for account, person in rows:
            held = ", ".join(
                f"{g.role}@{g.council_name or g.unit_name}"
                for g in grants_of(session, person.id)
                if g.in_force
            )
            state = "" if account.active else " [ngừng]"
            state += " [tạm khoá]" if account.locked_until and account.locked_until > now else ""
            typer.echo(f"{account.username:<24} {person.full_name:<28}{state} {held}")
    if not rows:
        typer.echo("Chưa có tài khoản nào: `vinhdanh user create`")


@user.command("password")
def user_password(
    username: str,
    password: Annotated[str | None, typer.Option(help="else one is generated and printed")] = None,
) -> None:
    """Set a user's password (their login sessions end)."""
    from models import accounts

    with unit_of_work() as session:
        generated = accounts.set_password(
            session, system_actor(), accounts.user_by_name(session, username), password
        )
    typer.echo(
        f"Đã đặt mật khẩu mới cho {username}" + (f": {generated} (chỉ hiện lần này)" if generated else "")
    )


@user.command("unlock")
def user_unlock(username: str) -> None:
    """Lift a lock after repeated failed logins."""
    from models import accounts

    with unit_of_work() as session:
        accounts.unlock(session, system_actor(), accounts.user_by_name(session, username))
    typer.echo(f"Đã mở khoá {username}")


def main() -> None:
    cli()
