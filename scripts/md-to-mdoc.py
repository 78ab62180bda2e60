#!/usr/bin/env python3
"""Turns the project's Markdown documentation into mdoc(7) man page text, so a man
page and the document it comes from never disagree.

    md-to-mdoc.py page FILE.md --name NAME --section N --description TEXT --date DATE
        A whole page (custodyd.toml(5) from docs/configuration.md): NAME, SYNOPSIS
        (the page's `synopsis:` lines, see below), DESCRIPTION with the document's
        text, each `##` heading a subsection.
    md-to-mdoc.py sections FILE.md PAGE
        Replaces the generic EXIT STATUS section swift-argument-parser writes into PAGE
        (an mdoc page) with the sections of FILE.md (each `##` heading a section:
        SIGNALS, ENVIRONMENT, FILES, EXIT STATUS, SEE ALSO), in place.

The Markdown read is the subset the docs use: headings, paragraphs, fenced code,
pipe tables (the first column becomes a tag, the others "header: value"), bullet
lists, `code`, **bold**, [links](target). Anything else is kept as text, escaped:
nothing in a document can become a roff request.
"""

import argparse
import re
import sys
from pathlib import Path


def escape(text):
    """Text safe on an mdoc text line: backslashes escaped, no line starts a request."""
    text = text.replace("\\", "\\e")
    return text


def inline(text):
    text = escape(text)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", lambda m: m.group(1) if m.group(2).startswith("#") else f"{m.group(1)} ({m.group(2)})", text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\\fB\1\\fP", text)
    text = re.sub(r"`([^`]+)`", r"\\fB\1\\fP", text)
    return text


def text_lines(text):
    """One or more mdoc text lines: a line never begins with a dot or an apostrophe."""
    out = []
    for line in inline(text).split("\n"):
        line = line.strip()
        if not line:
            continue
        if line[0] in ".'":
            line = "\\&" + line
        out.append(line)
    return out


def cells(row):
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    # A pipe inside `code` belongs to the cell.
    parts, current, in_code = [], "", False
    for ch in row:
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return parts


def convert(markdown, heading_macro):
    """mdoc lines for a Markdown body; `##` headings become heading_macro (.Sh or .Ss)."""
    out = []
    lines = markdown.split("\n")
    i = 0
    paragraph = []

    def flush():
        if paragraph:
            out.append(".Pp")
            out.extend(text_lines("\n".join(paragraph)))
            paragraph.clear()

    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            flush()
            out.append(".Bd -literal -offset indent")
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                code = escape(lines[i])
                out.append(("\\&" + code) if code[:1] in ".'" else code)
                i += 1
            out.append(".Ed")
        elif line.startswith("## ") or line.startswith("### "):
            flush()
            title = line.split(" ", 1)[1].strip()
            macro = heading_macro if line.startswith("## ") else ".Ss"
            plain = re.sub(r"`([^`]+)`", r"\1", title).replace('"', "'")
            if macro == ".Sh":
                plain = plain.upper()
            out.append(f'{macro} "{escape(plain)}"')
        elif line.startswith("# "):
            flush()  # the document's own title: the page's NAME says it
        elif line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|?\s*:?-{3,}", lines[i + 1]):
            flush()
            header = cells(line)
            i += 2
            out.append(".Bl -tag -width Ds")
            while i < len(lines) and lines[i].startswith("|"):
                row = cells(lines[i])
                out.append(".It " + ("\\&" if row[0][:1] in ".'" else "") + inline(row[0]))
                details = [f"{h}: {v}" for h, v in zip(header[1:-1], row[1:-1]) if v]
                if details:
                    out.extend(text_lines("(" + "; ".join(details) + ")"))
                if len(row) > 1:
                    out.extend(text_lines(row[-1]))
                i += 1
            out.append(".El")
            continue
        elif re.match(r"^\s*[-*] ", line):
            flush()
            out.append(".Bl -bullet")
            while i < len(lines) and (re.match(r"^\s*[-*] ", lines[i]) or (lines[i].startswith("  ") and lines[i].strip())):
                if re.match(r"^\s*[-*] ", lines[i]):
                    out.append(".It")
                    out.extend(text_lines(re.sub(r"^\s*[-*] ", "", lines[i])))
                else:
                    out.extend(text_lines(lines[i]))
                i += 1
            out.append(".El")
            continue
        elif not line.strip():
            flush()
        else:
            paragraph.append(line)
        i += 1
    flush()
    return out


def page(args):
    body = Path(args.file).read_text()
    out = [
        f'.\\" Made from {args.source or args.file} by scripts/md-to-mdoc.py',
        f".Dd {args.date}",
        f".Dt {args.name.upper()} {args.section}",
        ".Os",
        ".Sh NAME",
        f".Nm {args.name}",
        f'.Nd "{escape(args.description)}"',
    ]
    if args.synopsis:
        out.append(".Sh SYNOPSIS")
        for s in args.synopsis:
            out.extend([".Pp", escape(s)])
    out.append(".Sh DESCRIPTION")
    out.extend(convert(body, ".Ss"))
    if args.see_also:
        out.append('.Sh "SEE ALSO"')
        refs = [r.rsplit("(", 1) for r in args.see_also]
        for n, (name, sec) in enumerate(refs):
            out.append(f".Xr {name} {sec.rstrip(')')}" + (" ," if n < len(refs) - 1 else ""))
    sys.stdout.write("\n".join(out) + "\n")


def sections(args):
    target = Path(args.page)
    text = target.read_text()
    generic = '.Sh "EXIT STATUS"\n.Ex -std\n'
    if generic not in text:
        sys.exit(f"md-to-mdoc: {target} has no generic EXIT STATUS section to replace")
    ours = "\n".join(convert(Path(args.file).read_text(), ".Sh")) + "\n"
    target.write_text(text.replace(generic, ours, 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("page")
    p.add_argument("file")
    p.add_argument("--name", required=True)
    p.add_argument("--section", required=True)
    p.add_argument("--description", required=True)
    p.add_argument("--date", required=True)
    p.add_argument("--source")
    p.add_argument("--synopsis", action="append", default=[])
    p.add_argument("--see-also", action="append", default=[])
    s = sub.add_parser("sections")
    s.add_argument("file")
    s.add_argument("page")
    args = parser.parse_args()
    {"page": page, "sections": sections}[args.command](args)


if __name__ == "__main__":
    main()
