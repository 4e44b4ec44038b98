"""Markdown tables, for reports and result pages."""

__all__ = ["markdown_table"]


def markdown_table(header, rows):
    """A Markdown table of ``header`` and ``rows`` (cells are str()-ed).

    Examples
    --------
    >>> from awdids._markdown import markdown_table
    >>> print(markdown_table(["model", "accuracy"], [["RF", "0.7635"]]))
    | model | accuracy |
    |---|---|
    | RF | 0.7635 |
    """
    lines = [
        "| " + " | ".join(str(c) for c in header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
