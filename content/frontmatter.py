"""Splitting a Markdown file with YAML front matter (topic cards and case cards)."""


def split_front_matter(text: str) -> tuple[str, str]:
    """Split `---\\nyaml\\n---\\nbody` into its two parts; raise ValueError if malformed."""
    if not text.startswith("---"):
        raise ValueError("文件必须以 --- 开头的 YAML 头部开始")
    parts = text.split("\n---", 2)
    if len(parts) < 2:
        raise ValueError("YAML 头部没有以 --- 结束")
    head = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    return head, body.strip()
