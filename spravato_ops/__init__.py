"""spravato-ops: the clinic day of esketamine nasal-spray treatment under the REMS."""
import os


def create_app(test_config=None, instance_path=None):
    """Build the application: defaults, then instance/config.py, then SPRAVATO_* variables.

    `test_config` replaces the last two; `instance_path` moves the instance folder.
    """
    # Imported here so that `spravato_ops.<module>` can be imported alone (schemas, scripts).
    # Flask too: the services and the scheduler's jobs import this package without it.
    from flask import Flask

    from . import api, audit, auth, cli, config, db, errors, idempotency, testing, web

    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    app.config.from_object(config.Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(config.from_environment())
    else:
        app.config.update(test_config)
    app.config["SECRET_KEY"] = str(app.config["SECRET_KEY"])
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    audit.init_app(app)
    auth.init_app(app)
    idempotency.init_app(app)
    api.init_app(app)
    web.init_app(app)
    testing.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app
