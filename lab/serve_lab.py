"""Serve the npm-assembled JupyterLab 4.6 front end (tests/browser/lab-app/static) with Debian's
jupyter_server 1.23 / jupyterlab_server 2.16.

Usage: /usr/bin/python3 serve_lab.py --port N --root DIR --labextensions DIR --runtime DIR

Pitfalls handled here (see docs/jupyterlab.md): /lab/api/update and /lab/api/news are stubbed (the front end
asks for them; unknown /lab/* paths break jupyterlab_server 2.16 until restart), no token/XSRF so the test
browser and REST calls need no credentials, settings/workspaces live in a throwaway runtime folder.
"""
import argparse
import json
import os
import sys

os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyter_server.base.handlers import JupyterHandler  # noqa: E402
from jupyterlab_server import LabServerApp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "lab-app")


class StubHandler(JupyterHandler):
    """Answers the JupyterLab 4 front end's update/news checks with 'nothing new'."""

    def initialize(self, body):
        self.body = body

    def get(self):
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.body))


def _args():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8899)
    p.add_argument("--root", required=True)
    p.add_argument("--labextensions", required=True)
    p.add_argument("--runtime", required=True)
    return p.parse_args()


ARGS = _args()
for _d in ("app_settings", "user_settings", "workspaces"):
    os.makedirs(os.path.join(ARGS.runtime, _d), exist_ok=True)


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": TestLabApp}]


def _static():
    return os.path.join(APP, "static")


class TestLabApp(LabServerApp):
    name = "lab"
    load_other_extensions = False
    app_name = "JupyterLab"
    app_version = json.load(open(os.path.join(APP, "package.json")))["version"]
    schemas_dir = os.path.join(_static(), "schemas")
    static_dir = _static()
    templates_dir = os.path.join(APP, "templates")
    themes_dir = os.path.join(_static(), "themes")
    app_settings_dir = os.path.join(ARGS.runtime, "app_settings")
    user_settings_dir = os.path.join(ARGS.runtime, "user_settings")
    workspaces_dir = os.path.join(ARGS.runtime, "workspaces")
    labextensions_path = [ARGS.labextensions]

    def initialize_handlers(self):
        self.handlers.append(("/lab/api/update", StubHandler, {"body": {"notification": None}}))
        self.handlers.append(("/lab/api/news", StubHandler, {"body": {"news": []}}))
        super().initialize_handlers()


def main():
    a = ARGS
    sys.argv = [
        sys.argv[0],
        "--ServerApp.port=%d" % a.port,
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.open_browser=False",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--ServerApp.root_dir=%s" % a.root,
        "--ServerApp.allow_root=True",
    ]
    TestLabApp.launch_instance()


if __name__ == "__main__":
    main()
