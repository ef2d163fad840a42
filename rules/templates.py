"""Filling a reply or letter template: pure text, the same for the agent's editor and
the letters the workflow sends."""


def fill(text: str, values: dict[str, str]) -> str:
    """Fill {variables}; unknown ones stay as written (a template typo is visible,
    not a crash)."""
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text
