"""Splitting a Markdown file with YAML front matter (topic cards and case cards)."""

from content.check_text import check_text


def split_front_matter(text: str) -> tuple[str, str]:
    """Split `---\\nyaml\\n---\\nbody` into its two parts; raise ValueError if malformed."""
    if not text.startswith("---"):
        raise ValueError(check_text("read.no_front_matter"))
    parts = text.split("\n---", 2)
    if len(parts) < 2:
        raise ValueError(check_text("read.front_matter_open"))
    head = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return head, body.strip()
