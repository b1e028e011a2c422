"""The product pages each staff group works in, registered by the apps that own them (from their
AppConfig ``ready()``), so that the staff home, which sits below them, can list them: Editors
their updates, Moderators the queue, Administrators the dashboard."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Tool:
    permission: str  # "app_label.codename": who sees the tool
    url_name: str
    title: str | Promise
    description: str | Promise


_tools: list[Tool] = []


def register(tool: Tool) -> Tool:
    if any(known.url_name == tool.url_name for known in _tools):
        raise ValueError(f"A staff tool at {tool.url_name!r} is already registered.")
    _tools.append(tool)
    return tool


def tools_for(user) -> list[Tool]:
    """The tools ``user``'s permissions open, in the order the apps registered them."""
    return [tool for tool in _tools if user.has_perm(tool.permission)]
