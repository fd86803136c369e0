"""The Sanic pack's shared knowledge (what is an app, a request, a config) and the import helper its fixes use."""

from __future__ import annotations

import ast
import textwrap

import pytest

from asyncguide.rules import runner
from asyncguide.rules.fixes import FixContext, apply_edits, fix_all
from asyncguide.rules.model import SemanticModel
from asyncguide.rules.rule import Edit, Range
from asyncguide.rules.frameworks.sanic import canonical, is_app, is_config, is_request, path_parameters
from asyncguide.rules.sanic.invalid_middleware_attach_point import nearest_attach_point
from asyncguide.rules.sanic.unknown_listener_event import nearest_event

APP_MODULE = textwrap.dedent(
    """
    from sanic import Request, Sanic

    app = Sanic("Shop")


    @app.before_server_start
    async def setup(application):
        return application


    @app.get("/")
    async def index(request):
        return request.app


    @app.on_request
    async def middleware(incoming):
        return incoming


    async def typed(anything: Request):
        return anything


    def helper(request, application):
        return request, application
    """
)


def test_requests_and_apps_are_recognised_where_sanic_gives_them() -> None:
    model = SemanticModel.build(APP_MODULE)
    returned = {
        function.name: function.node.body[-1].value  # type: ignore[attr-defined]
        for function in model.functions
        if isinstance(function.node.body[-1], ast.Return) and function.name != "helper"
    }
    assert is_app(model, returned["setup"])  # a listener's first parameter
    assert is_app(model, returned["index"])  # request.app
    assert is_request(model, returned["middleware"])  # a middleware's first parameter
    assert is_request(model, returned["typed"])  # annotated
    helper_request, helper_application = model.functions[-1].node.body[-1].value.elts  # type: ignore[attr-defined]
    assert not is_request(model, helper_request) and not is_app(model, helper_application)


def test_get_app_and_aliased_config_are_typed() -> None:
    model = SemanticModel.build("from sanic import Sanic\nagain = Sanic.get_app('Shop')\nsettings = again.config\nsettings\nagain\n")
    statements = model.tree.body
    settings, again = statements[3].value, statements[4].value  # type: ignore[attr-defined]
    assert is_app(model, again)
    assert is_config(model, settings)


@pytest.mark.parametrize(
    "name, public",
    [
        ("sanic.app.Sanic", "sanic.Sanic"),
        ("sanic.app.Sanic.get_app", "sanic.Sanic.get_app"),
        ("sanic.request.types.Request", "sanic.Request"),
        ("sanic.json", "sanic.response.json"),
        ("sanic.response.convenience.file", "sanic.response.file"),
        ("sanic.Sanic", "sanic.Sanic"),
        ("starlette.requests.Request", "starlette.requests.Request"),
    ],
)
def test_canonical_names(name: str, public: str) -> None:
    assert canonical(name) == public


def test_path_parameters_default_to_str() -> None:
    assert path_parameters("/users/<user_id:int>/<name>/<rest:path>") == {"user_id": "int", "name": "str", "rest": "path"}
    assert path_parameters(None) == {}


@pytest.mark.parametrize(
    "value, meant",
    [
        ("requests", "request"),
        ("respone", "response"),
        ("reqeust", "request"),
        ("Request", "request"),
        ("RESPONSES", "response"),
        ("http", None),
        ("before", None),
        ("requ", None),
    ],
)
def test_attach_points_one_edit_away(value: str, meant: str | None) -> None:
    assert nearest_attach_point(value) == meant


def test_from_import_goes_in_its_import_section_once() -> None:
    source = '"""Doc."""\nimport os\nfrom sanic import Sanic\n\napp = Sanic("A")\n'
    edit = FixContext(source).add_from_import("sanic.response", "json")
    assert edit is not None
    assert apply_edits(source, [edit]) == '"""Doc."""\nimport os\nfrom sanic import Sanic\nfrom sanic.response import json\n\napp = Sanic("A")\n'
    present = "from sanic.response import json\nx = json\n"
    assert FixContext(present).add_from_import("sanic.response", "json") is None
    last_line = "import os"
    edit = FixContext(last_line).add_from_import("sanic.response", "text")
    assert edit is not None and apply_edits(last_line, [edit]) == "import os\n\nfrom sanic.response import text"


def test_plain_value_fix_does_not_shadow_a_json_module() -> None:
    source = textwrap.dedent(
        """
        import json

        from sanic import Sanic

        app = Sanic("A")


        @app.get("/")
        async def index(request):
            return {"dumped": json.dumps({})}
        """
    )
    fixed = fix_all(source, {"SAN008"}).source
    assert "return sanic.response.json({" in fixed and "import sanic.response\n" in fixed
    assert "import json\n" in fixed
    ast.parse(fixed)


def test_plain_values_are_left_to_a_response_middleware_that_returns_one() -> None:
    source = textwrap.dedent(
        """
        from sanic import Sanic, json

        app = Sanic("A")


        @app.on_response
        async def wrap(request, response):
            return json(response)


        @app.get("/")
        async def index(request):
            return {"wrapped": "by the middleware"}
        """
    )
    assert runner.lint(source, {"SAN008"}).diagnostics == []
    changing_only = source.replace("return json(response)", "response.headers['x'] = '1'")
    assert [d.code for d in runner.lint(changing_only, {"SAN008"}).diagnostics] == ["SAN008"]


@pytest.mark.parametrize(
    "value, meant",
    [
        ("before_server_starts", "before_server_start"),
        ("After_Sever_Stop", "after_server_stop"),
        (" main_process_ready ", "main_process_ready"),
        ("server.init.after", "after_server_start"),
        ("before_stop", "before_server_stop"),
        ("startup", None),
        ("before_server", None),
    ],
)
def test_listener_events_one_edit_or_one_alias_away(value: str, meant: str | None) -> None:
    assert nearest_event(value) == meant


def test_json_response_fix_imports_around_the_json_module() -> None:
    template = textwrap.dedent(
        """
        {imports}
        from sanic import Sanic
        from sanic.response import text

        app = Sanic("A")


        @app.get("/")
        async def index(request):
            return text({dumps}({{"ok": True}}), content_type="application/json")
        """
    )
    module_taken = fix_all(template.format(imports="import json", dumps="json.dumps"), {"SAN017"}).source
    assert "return sanic.response.json({\"ok\": True})" in module_taken and "import sanic.response\n" in module_taken
    name_free = fix_all(template.format(imports="from json import dumps", dumps="dumps"), {"SAN017"}).source
    # added to the module's existing from-import, as isort would merge them
    assert "return json({\"ok\": True})" in name_free and "from sanic.response import json, text\n" in name_free
