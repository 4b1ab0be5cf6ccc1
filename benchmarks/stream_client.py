"""One dashboard session at the protocol level: Streamlit's own websocket (`/_stcore/stream`)
and protobuf messages, as the browser sends them, without a browser.

A rerun is "rendered" when the server's `script_finished` arrives: every element of the page
has been sent by then (the browser's own drawing is not counted; benchmarks/README.md says why).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
RERUNNING = ForwardMsg.FINISHED_EARLY_FOR_RERUN  # another run follows: keep waiting
STEP_TIMEOUT = 300.0


class SessionError(RuntimeError):
    """A rerun that failed: an exception on the page, an error status, or no answer in time."""


@dataclass
class Rerun:
    """What one rerun sent back: seconds to script_finished, bytes, messages, exceptions."""

    seconds: float
    received_bytes: int
    messages: int
    exceptions: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # every metric and markdown, in order


class StreamSession:
    """A websocket session to a running dashboard: open a page, set widgets, switch pages."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        self.widgets: dict[str, str] = {}  # label -> widget id, from the last rerun
        self.options: dict[str, list[str]] = {}  # multiselect label -> its shown options
        self.pages: dict[str, str] = {}  # page title -> page script hash
        self.tabs: dict[str, str] = {}  # the last run's tab labels -> their tabs' id (those
        # that rerun)
        self._tabs_id = ""  # the id of the last such tabs seen
        self.states: dict[str, WidgetState] = {}  # widget id -> the state this client set
        self.query_string = ""
        self.page_hash = ""
        self._ws = None

    async def __aenter__(self) -> StreamSession:
        self._ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                            open_timeout=STEP_TIMEOUT, ping_interval=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._ws.close()

    async def open(self, query_string: str = "") -> Rerun:
        """The first run of the default page (the Overview), as a new browser tab opens it."""
        self.query_string = query_string
        return await self._rerun()

    async def choose(self, label: str, values: list[str]) -> Rerun:
        """Set a multiselect or pills widget (by its label) to these shown options."""
        state = WidgetState(id=self.widgets[label])
        state.string_array_value.data.extend(values)
        self.states[state.id] = state
        return await self._rerun()

    async def open_tab(self, label: str) -> Rerun:
        """Open a tab (by its label) of tabs that run only the open one (ui.tabs.open_tabs),
        as a click on it does."""
        state = WidgetState(id=self.tabs[label])
        state.string_value = label
        self.states[state.id] = state
        return await self._rerun()

    async def go_to(self, title: str) -> Rerun:
        """Switch to another page (the sidebar filter stays, as in the browser)."""
        self.page_hash = self.pages[title]
        return await self._rerun()

    async def _rerun(self) -> Rerun:
        msg = BackMsg()
        msg.rerun_script.query_string = self.query_string
        msg.rerun_script.page_script_hash = self.page_hash
        msg.rerun_script.widget_states.widgets.extend(self.states.values())
        started = time.perf_counter()
        self.tabs, self._tabs_id = {}, ""
        await self._ws.send(msg.SerializeToString())
        rerun = Rerun(0.0, 0, 0)
        async with asyncio.timeout(STEP_TIMEOUT):
            while True:
                raw = await self._ws.recv()
                rerun.received_bytes += len(raw)
                rerun.messages += 1
                forward = ForwardMsg()
                forward.ParseFromString(raw)
                if self._note(forward, rerun):
                    break
        rerun.seconds = time.perf_counter() - started
        return rerun

    def _note_tabs(self, block) -> None:
        """Tabs that track their open tab arrive as their container (with its widget id), then
        one block per tab: each label is noted with the last container's id."""
        kind = block.WhichOneof("type")
        if kind == "tab_container":
            self._tabs_id = block.tab_container.id
        elif kind == "tab" and self._tabs_id:
            self.tabs[block.tab.label] = self._tabs_id

    def _note(self, forward: ForwardMsg, rerun: Rerun) -> bool:
        """Record what a message tells (widgets, pages, query string, exceptions); True at the
        end of the run."""
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "add_block":
            self._note_tabs(forward.delta.add_block)
        elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element
            inner = getattr(element, element.WhichOneof("type"))
            if element.WhichOneof("type") == "exception":
                rerun.exceptions.append(f"{inner.type}: {inner.message}"[:300])
            elif element.WhichOneof("type") == "metric":
                rerun.texts.append(f"{inner.label}: {inner.body}")
            elif element.WhichOneof("type") == "markdown":
                rerun.texts.append(inner.body)
            elif getattr(inner, "id", "") and getattr(inner, "label", ""):
                self.widgets[inner.label] = inner.id
                if element.WhichOneof("type") == "multiselect":
                    self.options[inner.label] = list(inner.options)
        elif kind == "navigation":
            self.pages = {p.page_name: p.page_script_hash for p in forward.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query_string = forward.page_info_changed.query_string
        elif kind == "script_finished":
            if forward.script_finished == RERUNNING:  # the page is drawn anew: what it shows
                rerun.texts.clear()                   # is the next run's
                self.tabs, self._tabs_id = {}, ""
                return False
            if forward.script_finished not in FINISHED_OK:
                rerun.exceptions.append(f"script finished with status {forward.script_finished}")
            return True
        return False
