"""The nurse's session screen in Chromium: first paint, server time, and an entry saved with the
readiness panel refreshed.

Usage: python bench/bench_nurse_page.py [--rounds 20]

Starts the application in its own process on a fresh SQLite database (as the browser tests do),
writes a site, a nurse and a session in dosing with a few entries, then opens
/nurse/sessions/{id} in headless Chromium (/usr/bin/chromium) `rounds` times and records one
observation per round. Prints p50/p95 in ms of: the server's answer to the page (time to first
byte), first contentful paint, and tap-to-refreshed-readiness for an observation (loopback).
"""
import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, ".")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from spravato_ops.clock import utcnow  # noqa: E402
from spravato_ops.models import DeviceAdministration, VitalsEntry  # noqa: E402
from tests.web.conftest import CHROMIUM, PORTRAIT, log_in  # noqa: E402
from tests.web.live import live_server  # noqa: E402

PAINT = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {server: nav.responseStart - nav.requestStart, paint: paint ? paint.startTime : null};
}"""


def _dosing_session(server):
    """A session in dosing: pre-dose BP and the first device 10 minutes ago."""
    make = server.make
    site = make.site()
    session = make.session(site=site, scheduled_start=utcnow() - timedelta(minutes=15),
                           state="dosing")
    started = utcnow() - timedelta(minutes=10)
    nurse = make.user("nurse", site=site)
    common = dict(session_id=session.id, recorded_by=nurse.id, recorded_at=started)
    make._save(VitalsEntry(timepoint="pre_dose", systolic=128, diastolic=80, heart_rate=72,
                           spo2=98, taken_at=started - timedelta(minutes=5), **common))
    make._save(DeviceAdministration(device_number=1, administered_at=started,
                                    lot_number="LOT-1", **common))
    return session, nurse


def _round(page, url):
    page.goto(url)
    observed = page.locator("#entries li", has_text="MOAA/S")
    expect(page.locator("#readiness li").first).to_be_visible()
    figures = page.evaluate(PAINT)
    count = observed.count()
    form = page.locator("#observation-form")
    form.get_by_text("Responds readily to name").click()
    form.get_by_label("none").check()
    form.get_by_label("SpO2").fill("98")
    started = time.perf_counter()
    form.get_by_role("button", name="Record observation").click()
    # Entries and the readiness panel are drawn together from the same refresh.
    expect(observed).to_have_count(count + 1)
    figures["save_seen"] = (time.perf_counter() - started) * 1000
    figures["save"] = page.evaluate("""() => {
      const tapped = performance.getEntriesByName("entry-tapped").at(-1).startTime;
      const drawn = performance.getEntriesByName("readiness-refreshed")
        .filter((mark) => mark.startTime > tapped)[0];
      return drawn.startTime - tapped;
    }""")
    return figures


def _report(name, values):
    values = sorted(v for v in values if v is not None)
    p95 = values[max(0, int(len(values) * 0.95) - 1)]
    print(f"{name:38s} p50 {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, live_server(Path(folder)) as server:
        session, nurse = _dosing_session(server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            page = log_in(browser.new_context(viewport=PORTRAIT).new_page(), server, nurse)
            url = f"{server.url}/nurse/sessions/{session.id}"
            _round(page, url)  # warm up
            rounds = [_round(page, url) for _ in range(args.rounds)]
            browser.close()
    _report("session screen: server (TTFB)", [r["server"] for r in rounds])
    _report("session screen: first contentful paint", [r["paint"] for r in rounds])
    _report("observation saved, readiness refreshed", [r["save"] for r in rounds])
    _report("  the same, as Playwright saw it", [r["save_seen"] for r in rounds])


if __name__ == "__main__":
    main()
