import inspect
import sys
import unittest

from odoo.tests import HttpCase, TransactionCase, freeze_time, tagged

from .common import TODAY, PinnedBrowserClock


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestClockPinned(TransactionCase):
    """The suite gives the same answers on any day at any hour (./dev.sh test --at "…" runs it so)."""

    def test_every_test_class_pins_the_clock(self):
        # Business days, call windows and deadlines all follow the clock: a class left on the real
        # clock passes on weekdays and fails on a Saturday. Pin it with @freeze_time (from odoo.tests).
        package = __name__.rpartition(".")[0]
        loader = unittest.TestLoader()
        unpinned = [
            f"{module_name}.{name}"
            for module_name, module in sorted(sys.modules.items())
            if module_name.startswith(f"{package}.test_")
            for name, cls in inspect.getmembers(module, inspect.isclass)
            if cls.__module__ == module_name
            and issubclass(cls, unittest.TestCase)
            and loader.getTestCaseNames(cls)
            and not getattr(cls, "freeze_time", None)
        ]
        self.assertGreater(len([name for name in sys.modules if name.startswith(f"{package}.test_")]), 10)
        self.assertEqual(unpinned, [], "these test classes run on the real clock")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 22:30:00")
class TestBrowserClock(PinnedBrowserClock, HttpCase):
    def test_the_page_clock_is_the_servers(self):
        # A tour sees the server's day, whatever the machine's clock says; the page clock runs on.
        self.browser_js(
            "/web/login",
            """
            const now = new Date();
            const checks = [
                [now.toISOString().slice(0, 16), "2026-03-16T22:30"],
                [new Date(Date.now()).toISOString().slice(0, 16), "2026-03-16T22:30"],
                [String(Date()).includes("2026"), true],
                [new Date(2020, 0, 2).getFullYear(), 2020],
                [now instanceof Date, true],
            ].filter(([got, expected]) => got !== expected);
            if (checks.length) {
                console.error("browser clock: " + JSON.stringify(checks));
            } else {
                console.log("test successful");
            }
            """,
        )
