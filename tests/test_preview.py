"""`portal serve` as a volunteer uses it: a real server on localhost that follows the edits."""

from __future__ import annotations

import json

from .helpers import get, running_portal, wait_for


def status(base):
    return json.loads(get(f"{base}/__portal/status")[2])


def test_live_preview_rebuilds_reports_errors_and_keeps_serving(project):
    desk = project / "content/desks/celadina.yml"
    original = desk.read_text(encoding="utf-8")
    with running_portal(project) as base:
        code, headers, html = get(f"{base}/sportelli/celadina/")
        assert code == 200 and "Sportello Celadina" in html
        assert '<script src="/__portal/reload.js"></script></body>' in html
        assert "location.reload" in get(f"{base}/__portal/reload.js")[2]
        first = status(base)
        assert first["errors"] == []

        desk.write_text(original.replace("it: Sportello Celadina", "it: Sportello Celadina Nord"),
                        encoding="utf-8")
        wait_for(lambda: status(base)["version"] > first["version"])
        assert "Sportello Celadina Nord" in get(f"{base}/sportelli/celadina/")[2]

        second = status(base)["version"]
        desk.write_text(original.replace('"12:00"', '"25:00"'), encoding="utf-8")
        broken = wait_for(lambda: (s := status(base))["version"] > second and s)
        assert any(e.startswith("content/desks/celadina.yml:") and "25:00" in e
                   for e in broken["errors"])
        code, _, html = get(f"{base}/sportelli/celadina/")
        assert code == 200 and "Sportello Celadina Nord" in html  # the last good site stays


def test_static_serving_behaves_like_a_web_server(project):
    with running_portal(project, "--no-watch") as base:
        assert get(f"{base}/")[0] == 200
        code, headers, _ = get(f"{base}/en/sportelli/celadina")
        assert code == 301 and headers["Location"] == "/en/sportelli/celadina/"
        code, _, html = get(f"{base}/non-esiste/")
        assert code == 404 and "<html" in html
        assert get(f"{base}/__portal/status")[0] == 404  # no preview endpoints without --watch
        assert get(f"{base}/../../etc/passwd")[0] == 404
