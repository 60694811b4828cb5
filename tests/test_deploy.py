"""The deployment files of deploy/ agree with each other and with Odoo: the
proxy sends websockets to the port the nodes' gevent process listens on and
everything else to their HTTP port, sets the headers ``proxy_mode`` trusts,
waits longer than Odoo lets a request run; the units split HTTP and cron
workers; Odoo reads the node configuration as intended."""

import configparser
import re
import subprocess
import sys

from conftest import ROOT

DEPLOY = ROOT / "deploy"


def _node_conf():
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",))
    parser.read(DEPLOY / "odoo-node.conf")
    return parser["options"]


def _nginx():
    return (DEPLOY / "nginx" / "crisis-odoo.conf").read_text()


def _location(text, path):
    match = re.search(rf"location {re.escape(path)} \{{(.*?)\n    \}}", text, re.S)
    assert match, f"no location {path}"
    return match[1]


def _upstream_ports(text, name):
    block = re.search(rf"upstream {name} \{{(.*?)\}}", text, re.S)
    assert block, f"no upstream {name}"
    return set(re.findall(r"server [\d.]+:(\d+)", block[1]))


def test_proxy_routes_websockets_to_the_gevent_port_and_the_rest_to_http():
    conf, nginx = _node_conf(), _nginx()
    websocket = _location(nginx, "/websocket")
    assert "proxy_pass http://odoo_websocket;" in websocket
    assert "proxy_set_header Upgrade $http_upgrade;" in websocket
    assert "proxy_set_header Connection $connection_upgrade;" in websocket
    assert "proxy_pass http://odoo_websocket;" in _location(nginx, "/longpolling")
    assert "proxy_pass http://odoo_http;" in _location(nginx, "/")
    assert _upstream_ports(nginx, "odoo_websocket") == {conf["gevent_port"]}
    assert _upstream_ports(nginx, "odoo_http") == {conf["http_port"]}
    # Two nodes behind the proxy.
    assert len(re.findall(r"server [\d.]+:8069", nginx)) == 2


def test_proxy_sets_what_proxy_mode_trusts_and_outwaits_long_reports():
    conf, nginx = _node_conf(), _nginx()
    assert conf.getboolean("proxy_mode")
    for header in ("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"):
        # Set by the proxy itself, never passed on from the client.
        assert re.search(
            rf"proxy_set_header {header} \$(remote_addr|host|scheme);", nginx
        )
    assert "$proxy_add_x_forwarded_for" not in nginx
    read_timeout = int(re.search(r"\n    proxy_read_timeout (\d+)s;", nginx)[1])
    assert read_timeout > int(conf["limit_time_real"])


def test_node_configuration_shares_one_database_and_one_data_dir():
    conf = _node_conf()
    assert conf["db_name"] and conf["dbfilter"] == f"^{conf['db_name']}$"
    assert conf["data_dir"].startswith("/srv/")
    assert conf.getint("workers") > 0 and conf.getint("max_cron_threads") > 0
    assert not conf.getboolean("list_db")
    # Odoo itself reads the file so (the addons path is this machine's).
    odoo_src = (ROOT / ".odoo-src-path").read_text().strip()
    text = (DEPLOY / "odoo-node.conf").read_text()
    addons = f"{odoo_src}/odoo/addons,{odoo_src}/addons,{ROOT}"
    text = re.sub(r"(?m)^addons_path = .*$", f"addons_path = {addons}", text)
    script = (
        "import sys, odoo\n"
        "from odoo.tools import config\n"
        "config._parse_config(['-c', sys.argv[1]])\n"
        "print(config['proxy_mode'], config['workers'], config['max_cron_threads'],"
        " config['gevent_port'], config['data_dir'], config['db_name'],"
        " config['limit_time_real_cron'])\n"
    )
    path = ROOT / ".test-logs" / "odoo-node.conf"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        cwd=odoo_src,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [
        "True",
        "3",
        "2",
        "8072",
        "/srv/odoo-data",
        "crisis",
        "600",
    ]


def test_units_split_http_and_cron_workers():
    units = DEPLOY / "systemd"
    http = (units / "odoo-http.service").read_text()
    cron = (units / "odoo-cron.service").read_text()
    gevent = (units / "odoo-gevent.service").read_text()

    def exec_start(unit):
        return re.search(r"(?m)^ExecStart=(.*)$", unit)[1].split()

    assert "--max-cron-threads=0" in exec_start(http)
    assert "--no-http" in exec_start(cron)
    assert exec_start(gevent)[2] == "gevent"
    for unit in (http, cron, gevent):
        args = exec_start(unit)
        assert args[args.index("-c") + 1] == "/etc/odoo/odoo.conf"
        assert "RequiresMountsFor=/srv/odoo-data" in unit
        assert "User=odoo" in unit
    weight = {
        name: int(re.search(r"CPUWeight=(\d+)", unit)[1])
        for name, unit in (("http", http), ("cron", cron))
    }
    assert weight["http"] > weight["cron"], "the hotline must come first"
    assert "Conflicts=odoo-http.service" in gevent
