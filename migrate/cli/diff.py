"""`apigw-migrate diff`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from apigw_migrate.errors import InputError


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    app.command(
        "diff",
        short_help="Route-by-route differences between a REST API and an HTTP API document.",
    )(diff)


def diff(
    rest_input: str = typer.Argument(
        ...,
        metavar="REST_INPUT",
        help="The REST API: a bundle, a REST export (OpenAPI 3.0 or Swagger 2.0), a SAM/CloudFormation template or a Terraform template file.",
        show_default=False,
    ),
    http_document: str = typer.Argument(
        ...,
        metavar="HTTP_DOCUMENT",
        help="The HTTP API OpenAPI 3.0 document (JSON or YAML), e.g. the output of 'apigw-migrate convert', or a template holding one HTTP API.",
        show_default=False,
    ),
    fmt: DiffFormat = typer.Option(
        DiffFormat.text, "--format", "-f", help="text (a table on a terminal), json (docs/diff-output.md) or markdown."
    ),
    output: Optional[str] = typer.Option(None, "--output", "-o", metavar="FILE", help="Write to this file instead of stdout."),
    api: Optional[str] = typer.Option(None, "--api", metavar="LOGICAL_ID", help="The REST API's logical id, when REST_INPUT is a template holding several."),
) -> None:
    """Compare a REST API with an HTTP API document, route by route.

    Each route is added, removed, changed or unchanged. For a changed route the report names what changed in its integration (type, uri, payload format, subtype, timeout), its authorization (type, authorizer, scopes, API key) and its parameter mappings; the API-level CORS configuration is compared with what the REST API's OPTIONS mocks returned.

    Both sides are normalized first (HTTP spelling of types, Lambda URIs reduced to the function ARN, REST mappings rewritten in HTTP syntax), so a route moved as-is shows as unchanged.

    The report does not judge: the exit code is 0 whatever differs, 2 when an input cannot be read. The JSON shape is documented in docs/diff-output.md.

    Example: apigw-migrate diff bundle.json http-api.yaml --format markdown -o diff.md
    """
    from apigw_migrate import diff as diff_mod

    result = diff_mod.diff_files(rest_input, http_document, api=api)
    if fmt is DiffFormat.json:
        text = diff_mod.render_json(result)
    elif fmt is DiffFormat.markdown:
        text = diff_mod.render_markdown(result)
    elif output is None and sys.stdout.isatty():
        from rich.console import Console

        diff_mod.render_rich(result, Console())
        return
    else:
        text = diff_mod.render_text(result)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except (OSError, ValueError) as e:
        raise InputError(f"cannot write: {getattr(e, 'strerror', None) or e}", output) from None
