"""Forms that their page's script sends (no method, no action) come with their submit buttons
disabled, and the script enables them as it takes the form over (static/js/submit_ready.js):
a tap before then would submit natively, reloading the page without what was typed and with
it in the address. The browser tests click those buttons, so they see them enabled."""
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parents[2] / "spravato_ops" / "web" / "templates"
FORM = re.compile(r"<form\b(?P<attributes>[^>]*)>(?P<body>.*?)</form>", re.S)
SUBMIT_BUTTON = re.compile(r'<button\b[^>]*type="submit"[^>]*>', re.S)


def script_forms(template):
    """(form tag attributes, submit button tags) of each form with no method and no action."""
    for found in FORM.finditer(template.read_text()):
        attributes = found["attributes"]
        if "method=" not in attributes and "action=" not in attributes:
            yield attributes, SUBMIT_BUTTON.findall(found["body"])


def test_the_pages_have_script_forms():
    assert sum(1 for template in TEMPLATES.glob("*.html") for _ in script_forms(template)) >= 15


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_script_forms_render_their_submit_buttons_disabled(template):
    for attributes, buttons in script_forms(template):
        assert buttons, f"a form without a submit button: <form{attributes}>"
        for button in buttons:
            assert re.search(r"\sdisabled\b", button), f"{template.name}: {button}"
