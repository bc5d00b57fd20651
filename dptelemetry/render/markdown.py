"""The report as Markdown (CommonMark with GitHub tables), for a practice journal or a mentor."""

from __future__ import annotations

from dptelemetry.render.blocks import Block, Bullets, Document, Paragraph, Section, Table


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or " "


def _table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(_cell(c) for c in table.columns) + " |",
             "|" + "|".join("---" for _ in table.columns) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return lines


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [f"**{block.text}**" if block.tone in ("good", "panic") else block.text]
    if isinstance(block, Bullets):
        return [f"- {item}" for item in block.items]
    if isinstance(block, Table):
        return _table(block)
    return ["```text", *block.strip.lines(), "```"]


def _section(section: Section) -> list[str]:
    lines = [f"## {section.title}", ""]
    for block in section.blocks:
        lines += [*_block(block), ""]
    if section.note:
        lines += [f"_{section.note}_", ""]
    return lines


def render_markdown(document: Document) -> str:
    lines = [f"# {document.title}", "", f"**{document.headline}**", ""]
    for section in document.sections:
        lines += _section(section)
    if document.footer:
        lines += ["---", ""]
        for line in document.footer:
            lines += [line, ""]
    return "\n".join(lines).rstrip("\n") + "\n"
