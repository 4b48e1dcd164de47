"""Patient reminder text from Jinja templates, per site, checked for anything private.

Templates are `<kind>.<channel>.txt` in spravato_ops/reminder_templates/. A directory of
one's own (REMINDER_TEMPLATES_DIR) may replace any of them for every site, or for one site
under `site-<id>/`. An email template starts with a `Subject:` line and a blank line.
"""
from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError

from ..domain.calendar import zone
from ..domain.reminders import private_terms

PACKAGE_TEMPLATES = Path(__file__).resolve().parents[1] / "reminder_templates"
SUBJECT = "Subject:"


class UnsendableText(Exception):
    """A template that fails to render, or whose text names something private."""


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


def template_names(templates_dir=None):
    """Every message template (not the `_` partials) a site may be sent, by file name."""
    folders = [PACKAGE_TEMPLATES] + ([Path(templates_dir)] if templates_dir else [])
    return sorted({path.relative_to(folder).as_posix() for folder in folders
                   for path in folder.rglob("*.txt") if not path.name.startswith("_")})


class ReminderText:
    """Render reminders: site-local date, time and zone; clinic name, address and phone."""

    def __init__(self, templates_dir=None):
        loaders = [FileSystemLoader(str(templates_dir))] if templates_dir else []
        self.env = Environment(loader=ChoiceLoader(loaders + [FileSystemLoader(
            str(PACKAGE_TEMPLATES))]), undefined=StrictUndefined, trim_blocks=True,
            lstrip_blocks=True, autoescape=False)

    def render(self, *, kind, channel, appointment_at, site, patient):
        """The message of one reminder; UnsendableText if it cannot be sent as written."""
        names = [f"site-{site.id}/{kind}.{channel}.txt", f"{kind}.{channel}.txt"]
        try:
            raw = self.env.select_template(names).render(
                patient={"first_name": patient.first_name},
                clinic={"name": site.name, "address": site.address, "phone": site.phone},
                when=when(appointment_at, site.timezone) if appointment_at else None)
        except TemplateError as exc:
            raise UnsendableText(f"template {names[-1]}: {exc}") from exc
        message = _split(raw.strip())
        found = private_terms(f"{message.subject}\n{message.text}")
        if found:
            raise UnsendableText(f"the text would name {', '.join(found)}")
        return message


def when(instant, tz_name):
    """Date, time and zone abbreviation as the patient reads them, in the site's zone."""
    local = instant.astimezone(zone(tz_name))
    return {"date": f"{local:%A, %B} {local.day}, {local.year}",
            "time": f"{local:%I:%M %p}".lstrip("0"), "zone": local.tzname()}


def _split(raw):
    if not raw.startswith(SUBJECT):
        return Message("", raw)
    subject, _, body = raw.partition("\n")
    return Message(subject[len(SUBJECT):].strip(), body.strip())
