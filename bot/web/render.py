"""HTML from the Jinja2 templates in data/web/templates (autoescaped: chat text is untrusted)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from bot.web.state import TEMPLATES
from taizhang.resources import data_file

TEMPLATE_DIR = data_file("web", "templates")


def _json_script(value: Any) -> Markup:
    """Data for the page's scripts, safe inside <script type="application/json">."""
    raw = json.dumps(value, ensure_ascii=False)
    return Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["json_script"] = _json_script
    return env


def render(
    request: web.Request, name: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    template = request.app[TEMPLATES].get_template(name)
    page = template.render(viewer=request.get("viewer"), **context)
    return web.Response(text=page, content_type="text/html", charset="utf-8", status=status)
