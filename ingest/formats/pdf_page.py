"""Lay one PDF page out under the per-page limits: operators executed, characters drawn, wall time.

pdfplumber lays a page out, on first use, with no bound of its own: a 55 KB PDF whose one page held
two million text operators took 139 s and 4.9 GiB before the time limit, checked between pages, could
refuse it. Here the page is laid out by the same pdfminer device and interpreter that pdfplumber uses,
subclassed to count as they work and to stop at a limit, and the result is given to pdfplumber as the
page's layout (the attribute its `layout` property caches), so tables and lines are read from it.

Operations (each operator and each operand: a stream of bare numbers would otherwise pile them up on
the interpreter's stack) are counted in each content stream before it runs, a form XObject's too, each
time it is drawn (the interpreter runs forms through `execute` as well); characters as the device
draws them.
"""
from __future__ import annotations

from typing import Any

from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.psexceptions import PSEOF
from pdfplumber.page import PDFPageAggregatorWithMarkedContent

from ingest.formats.limits import FormatLimits, LimitExceeded

TICK_EVERY = 1_000  # operators or characters between two checks of the time limit


class _PageBudget:
    def __init__(self, limits: FormatLimits) -> None:
        self.limits = limits
        self.operators = 0
        self.chars = 0

    def operation(self) -> None:
        self.operators += 1
        if self.operators > self.limits.max_page_operators:
            raise LimitExceeded(f"a page with too many drawing operators "
                                f"(over {self.limits.max_page_operators} operators and operands)")
        if self.operators % TICK_EVERY == 0:
            self.limits.tick()

    def char(self) -> None:
        self.chars += 1
        if self.chars > self.limits.max_page_chars:
            raise LimitExceeded(f"a page with too many characters (over {self.limits.max_page_chars})")
        if self.chars % TICK_EVERY == 0:
            self.limits.tick()


class _CountingDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's layout device, counting the characters it is asked to draw."""

    budget: _PageBudget

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        self.budget.char()
        return super().render_char(*args, **kwargs)


class _CountingInterpreter(PDFPageInterpreter):
    """pdfminer's interpreter, counting each content stream's operations before running it."""

    device: _CountingDevice

    def execute(self, streams: Any) -> None:
        from pdfminer.pdfinterp import PDFContentParser

        try:
            parser = PDFContentParser(list(streams))
        except PSEOF:
            return
        while True:
            try:
                parser.nextobject()
            except PSEOF:
                break
            self.device.budget.operation()
        super().execute(streams)


def lay_out(page, limits: FormatLimits) -> None:
    """Lay `page` (a pdfplumber page) out within the limits; raises LimitExceeded at the first one passed."""
    pdf = page.pdf
    device = _CountingDevice(pdf.rsrcmgr, pageno=page.page_number, laparams=pdf.laparams)
    device.budget = _PageBudget(limits)
    _CountingInterpreter(pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()  # pdfplumber's cache of this page's layout (see the module docstring)
