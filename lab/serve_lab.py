"""Serve the npm-assembled JupyterLab 4.6 front end (lab/app/static) with Debian's jupyter_server 1.23 /
jupyterlab_server 2.16: what scripts/start.sh runs where no pip-installed JupyterLab 4 is present, and what
scripts/test-lab.sh serves to the browser tests.

Usage: /usr/bin/python3 lab/serve_lab.py --root DIR --labextensions DIR [--ip IP] [--port N] [--settings DIR]
                                         [--no-token] [--ServerApp.option=value ...]

Like `jupyter lab`: a token (or $JUPYTER_TOKEN), the URL with it printed, no browser opened, the next free port
when --port is taken, kernels shut down on Ctrl-C / SIGTERM. --no-token (the browser tests) turns token and XSRF
checks off and fails instead of moving to another port. User settings and workspaces live where JupyterLab keeps
them (<jupyter config dir>/lab/...) unless --settings says otherwise.

Pitfalls handled here (see docs/jupyterlab.md): /lab/api/update and /lab/api/news are stubbed (the front end
asks for them; an unknown /lab/* path breaks jupyterlab_server 2.16 until restart); Jupyter config files are not
read (a config written for another server version would break this pairing: pass options on the command line).
"""
import argparse
import json
import os
import signal
import sys

os.environ["JUPYTER_NO_CONFIG"] = "1"

from jupyter_core.paths import jupyter_config_dir  # noqa: E402
from jupyter_server.base.handlers import JupyterHandler  # noqa: E402
from jupyterlab_server import LabServerApp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.join(HERE, "app")
STATIC = os.path.join(APP, "static")


class StubHandler(JupyterHandler):
    """Answers the JupyterLab 4 front end's update/news checks with 'nothing new'."""

    def initialize(self, body):
        self.body = body

    def get(self):
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(self.body))


def _args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", required=True, help="the folder the file browser shows")
    p.add_argument("--labextensions", required=True, help="folder of prebuilt extensions (one folder each)")
    p.add_argument("--ip", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--settings", default=os.path.join(jupyter_config_dir(), "lab"),
                   help="user-settings/ and workspaces/ go here (default: JupyterLab's own place)")
    p.add_argument("--no-token", action="store_true", help="no token, no XSRF check, no other port (tests)")
    return p.parse_known_args()


ARGS, SERVER_OPTIONS = _args()
if not os.path.isfile(os.path.join(STATIC, "bundle.js")):
    sys.exit(f"serve_lab.py: {STATIC} has no build (scripts/start.sh builds it)")
for _d in ("app_settings", "user-settings", "workspaces"):
    os.makedirs(os.path.join(ARGS.settings, _d), exist_ok=True)


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": NpmLabApp}]


class NpmLabApp(LabServerApp):
    name = "lab"
    load_other_extensions = False
    app_name = "JupyterLab"
    app_version = json.load(open(os.path.join(APP, "package.json")))["version"]
    schemas_dir = os.path.join(STATIC, "schemas")
    static_dir = STATIC
    templates_dir = os.path.join(APP, "templates")
    themes_dir = os.path.join(STATIC, "themes")
    app_settings_dir = os.path.join(ARGS.settings, "app_settings")
    user_settings_dir = os.path.join(ARGS.settings, "user-settings")
    workspaces_dir = os.path.join(ARGS.settings, "workspaces")
    labextensions_path = [ARGS.labextensions]

    def initialize_handlers(self):
        self.handlers.append(("/lab/api/update", StubHandler, {"body": {"notification": None}}))
        self.handlers.append(("/lab/api/news", StubHandler, {"body": {"news": []}}))
        super().initialize_handlers()


def main():
    a = ARGS
    options = [
        "--ServerApp.ip=%s" % a.ip,
        "--ServerApp.port=%d" % a.port,
        "--ServerApp.open_browser=False",
        "--ServerApp.root_dir=%s" % os.path.abspath(a.root),
    ]
    if os.geteuid() == 0:
        options.append("--ServerApp.allow_root=True")
    if a.no_token:
        options += ["--ServerApp.port_retries=0", "--ServerApp.token=", "--ServerApp.password=",
                    "--ServerApp.disable_check_xsrf=True"]
    server = NpmLabApp.initialize_server(argv=[*options, *SERVER_OPTIONS])

    stopping = []

    def stop(signum, frame):
        if stopping:  # the kernels get a few seconds each to stop, then jupyter_client kills them
            server.log.info("Already shutting the kernels down")
            return
        stopping.append(signum)
        server.log.info("Interrupted: shutting the kernels down, then the server")
        server.stop(from_signal=True)

    # jupyter_server asks "Shutdown this Jupyter server (y/[n])?" at a terminal and, without one, stops on
    # SIGINT without shutting its kernels down: one Ctrl-C does here what SIGTERM does (kernels first)
    signal.signal(signal.SIGINT, stop)
    server.start()


if __name__ == "__main__":
    main()
