"""spravato-ops: the clinic day of esketamine nasal-spray treatment under the REMS."""
import os


def create_app(test_config=None, instance_path=None):
    """Build the application: defaults, then instance/secret_key, then instance/config.py, then
    SPRAVATO_* variables.

    `test_config` replaces the last three; `instance_path` moves the instance folder.
    """
    # Imported here so that `spravato_ops.<module>` can be imported alone (schemas, scripts).
    # Flask too: the services and the scheduler's jobs import this package without it.
    from flask import Flask

    from . import (api, audit, auth, cli, config, db, errors, health, idempotency, logs, metrics,
                   read_audit, security, testing, throttle, web)

    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_object(config.Defaults)
    if test_config is None:
        app.config["SECRET_KEY"] = (config.read_secret_key_file(app.instance_path)
                                    or app.config["SECRET_KEY"])
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config.from_environment())
    else:
        app.config.update(test_config)
    config.require_secret_key(app)
    config.require_production_settings(app, db.database_url(app))
    os.makedirs(app.instance_path, exist_ok=True)

    logs.init_app(app)  # first: its clock starts before, and its line follows, every other hook
    security.init_app(app)
    db.init_app(app)
    metrics.init_app(app)
    health.init_app(app)
    audit.init_app(app)
    auth.init_app(app)
    idempotency.init_app(app)
    api.init_app(app)
    web.init_app(app)
    read_audit.init_app(app)
    testing.init_app(app)
    throttle.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
