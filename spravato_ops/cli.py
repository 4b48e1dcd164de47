"""Command line: `flask --app wsgi db upgrade`, `users create`, `seed-demo`, `scheduler`,
`backup`, `restore`."""
import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from marshmallow import ValidationError

from . import backup, migrate
from .db import database_url, get_engine, get_session
from .logs import configure_process_logging
from .domain.enums import Role
from .services.failures import InvalidInput, ServiceError

db_cli = AppGroup("db", help="Create or migrate the database schema.")
users_cli = AppGroup("users", help="Manage staff users.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Create or upgrade the schema to REVISION (default: head)."""
    migrate.upgrade(current_app, revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision):
    migrate.downgrade(current_app, revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message):
    """Write a new migration from the difference between the models and the database."""
    migrate.revision(current_app, message)


@db_cli.command("current")
def db_current():
    migrate.current(current_app)


@click.command("init-db")
@with_appcontext  # `flask` pushes one itself; app.cli.main() and test runners do not
def init_db():
    """Same as `db upgrade`: create or migrate the schema."""
    migrate.upgrade(current_app)
    click.echo("Database at head.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True)
@click.option("--name", default=None, help="Display name (default: the email's local part)")
@click.option("--site-id", "site_ids", type=int, multiple=True)
def users_create(email, role, password, name, site_ids):
    """Create a staff user."""
    from schemas.user import UserIn

    from .services.users import create_user

    try:
        data = UserIn().load(dict(email=email, name=name or email.split("@")[0], role=role,
                                  password=password, site_ids=list(site_ids)))
        user = create_user(get_session(), actor=None, **data)
    except ValidationError as exc:
        raise click.UsageError(_field_messages(exc.messages)) from None
    except InvalidInput as exc:
        raise click.ClickException(_field_messages(exc.errors)) from None
    except ServiceError as exc:  # the services' other refusals (a duplicate email)
        raise click.ClickException(exc.message) from None
    click.echo(f"Created user {user.id} {user.email} ({user.role}).")


def _field_messages(errors):
    """Turn {"password": ["Shorter than ..."]} into `--password: Shorter than ...`."""
    return "; ".join(
        f"--{field.replace('_ids', '-id').replace('_', '-')}: "
        + " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
        for field, messages in errors.items()
    )


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Load a demo clinic (America/New_York, six chairs, one user per role, patients, sessions)."""
    from .demo import seed

    for line in seed(get_session()):
        click.echo(line)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Run every job once, then exit (cron, tests).")
@click.option("--dry-run", is_flag=True, help="Print the job table and exit.")
@click.option("--with-web", is_flag=True,
              help="Also serve the web app in this process (the single-process demo).")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --with-web.")
@click.option("--port", default=5000, show_default=True, type=int, help="With --with-web.")
@with_appcontext
def scheduler_command(once, dry_run, with_web, host, port):
    """Run the reminder and alert scheduler (APScheduler) until SIGTERM."""
    from scheduler import runner
    from scheduler.context import Settings

    app = current_app._get_current_object()
    settings = Settings.from_config(app.config)
    if dry_run:
        for line in runner.job_table(settings):
            click.echo(line)
        return
    configure_process_logging(app)
    ctx = runner.context_for(database_url(app), settings)
    try:
        if once:
            runner.run_once(ctx)
        elif with_web:
            runner.serve_with_web(ctx, app, host, port)
        else:
            runner.serve(ctx)
    finally:
        ctx.engine.dispose()


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file):
    """Write the whole database to FILE (PostgreSQL: pg_dump -Fc; SQLite: the online backup)."""
    try:
        backup.backup(get_engine(current_app).url, file)
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backed up the database to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.confirmation_option(prompt="Replace everything in the database with the backup?")
@with_appcontext
def restore_command(file):
    """Replace the whole database with the backup in FILE (stop the web and schedulers first)."""
    engine = get_engine(current_app)
    engine.dispose()  # hold no connection on the tables being replaced
    try:
        backup.restore(engine.url, file)
    except backup.BackupFailed as exc:
        raise click.ClickException(str(exc)) from None
    engine.dispose()  # connections opened before know the old tables
    with engine.connect() as connection:
        revision = migrate.current_revision(connection)
    click.echo(f"Restored the database from {file}; it is at migration {revision}.")
    if revision != migrate.head_revision():
        click.echo("This code expects a newer schema: run `flask --app wsgi db upgrade`.")


def init_app(app):
    for command in (db_cli, users_cli, init_db, seed_demo, scheduler_command, backup_command,
                    restore_command):
        app.cli.add_command(command)
