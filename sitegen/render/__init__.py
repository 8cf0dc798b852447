"""Stage 6: pages → files. Jinja2 (autoescape, StrictUndefined), on every core, writing into the stage.

environment.py makes and checks the templates; view.py is `h`, the templates' helpers (built in layers in
text.py, links.py and lists.py); job.py renders pages into files."""

from sitegen.render.environment import (
    TEMPLATE_SUFFIXES,
    THEME_DIR,
    check_templates,
    make_environment,
    render_template,
)
from sitegen.render.job import Rendered, RenderJob, check_unique_urls, render_all, render_page, warm_partials
from sitegen.render.lists import PYTHON_PARTIALS
from sitegen.render.view import View, make_views

__all__ = [
    "PYTHON_PARTIALS",
    "TEMPLATE_SUFFIXES",
    "THEME_DIR",
    "RenderJob",
    "Rendered",
    "View",
    "check_templates",
    "check_unique_urls",
    "make_environment",
    "make_views",
    "render_all",
    "render_page",
    "render_template",
    "warm_partials",
]
