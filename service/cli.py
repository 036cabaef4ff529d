"""The `vinhdanh` command: serve the app, run the demo season, manage the database."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from models.access import system_actor
from models.config import get_settings
from models.db import app_engine, migrate, session_scope, utcnow

cli = typer.Typer(
    help="Vinh Danh — quy trình đề nghị, xét duyệt thi đua, khen thưởng.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db = typer.Typer(help="Database schema and integrity.", no_args_is_help=True)
cli.add_typer(db, name="db")
token = typer.Typer(help="API tokens.", no_args_is_help=True)
cli.add_typer(token, name="token")


@cli.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
) -> None:
    """Serve the web app and JSON API (service.app:app)."""
    import uvicorn

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
    from flows.triggers import serve_deployments

    serve_deployments(limit)


@cli.command()
def status() -> None:
    """Per level and stage: nominations waiting and overdue; failed flow runs; flows not started."""
    from service.report import status as report
    from service.report import status_text

    with Session(app_engine()) as session:
        typer.echo(status_text(report(session, utcnow())))


@token.command("issue")
def token_issue(person_id: int, label: str = "") -> None:
    """Issue an API token for a person; it is printed once and stored only as a digest."""
    from models.tokens import issue_token

    with session_scope(app_engine()) as session:
        typer.echo(issue_token(session, system_actor(), person_id, label))


@token.command("revoke")
def token_revoke(person_id: int) -> None:
    """Revoke every token of a person."""
    from models.tokens import revoke_tokens

    with session_scope(app_engine()) as session:
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

    with Session(app_engine()) as session:
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
        with Session(app_engine()) as session:
            typer.echo(tenant_calendar(session, tenant).add_working_days(start, days).isoformat())
    else:
        typer.echo(NATIONAL.add_working_days(start, days).isoformat())


def main() -> None:
    cli()
