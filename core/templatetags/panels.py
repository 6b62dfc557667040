"""Drawing the home's panels (core.home.Panel)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def panel_body(context, panel) -> str:
    """The panel's partial, drawn with the page's context plus the panel's own.

    `{% include %}` takes only names written in the template; a panel brings a dict of its own.
    """
    partial = context.template.engine.get_template(panel.template)
    with context.push(panel.context):
        return partial.render(context)
