"""What the server does, independent of HTTP: who may do what, the baton, and the operations on
the queue and the worker. The web layer only translates requests and the errors below."""

from __future__ import annotations

import logging
import threading
import time

from gda_bridge.core.errors import GdaBridgeError
from gda_bridge.server.events import EventHub
from gda_bridge.server.models import (
    Baton,
    CurrentScan,
    Identity,
    Item,
    QueueEvent,
    Role,
    Status,
    StatusEvent,
    Submission,
)
from gda_bridge.server.store import QueueStore
from gda_bridge.server.tokens import TokenStore
from gda_bridge.server.worker import ControlError, InvalidSubmission, Worker, WorkerLaunch

log = logging.getLogger("gda_bridge.server")


class ServiceError(GdaBridgeError):
    """A refused request; ``status`` is the HTTP status the web layer answers with."""

    status = 400


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Invalid(ServiceError):
    status = 422


class Service:
    """The server's state: tokens, the queue store, the worker, the baton, the event hub."""

    def __init__(
        self,
        tokens: TokenStore,
        store: QueueStore,
        launch: WorkerLaunch,
        *,
        hold: bool = False,
    ) -> None:
        self.tokens = tokens
        self.store = store
        self.hub = EventHub()
        interrupted = store.mark_interrupted()
        if interrupted:
            log.warning(
                "items %s were running when the server last stopped: marked interrupted, not run again; "
                "the queue starts held (release it to go on)", ", ".join(map(str, interrupted)),
            )
        self.interrupted_at_start = interrupted
        self.worker = Worker(store, launch, self.hub.publish, on_change=self._changed, held=hold or bool(interrupted))
        self._baton = Baton()
        self._baton_lock = threading.Lock()
        self._stopped = False

    def start(self) -> None:
        """Start the worker process (raises if its startup fails)."""
        self.worker.start()

    def stop(self) -> None:
        """Stop the worker (a running item is marked interrupted) and close the database; twice is
        harmless."""
        if self._stopped:
            return
        self._stopped = True
        self.worker.stop()
        self.store.close()

    # --- events -------------------------------------------------------------------------------
    def _changed(self) -> None:
        self.hub.publish(StatusEvent(status=self.status()))
        self.hub.publish(QueueEvent(queue=self.queue()))

    # --- reading ------------------------------------------------------------------------------
    def status(self) -> Status:
        current = self.worker.current()
        if current is not None:
            current.output = None
        queued = self.store.queued()
        known = [i.estimated_seconds for i in queued if i.estimated_seconds is not None]
        return Status(
            worker=self.worker.state, queue_held=self.worker.held, queue_length=len(queued),
            queue_estimated_seconds=round(sum(known), 3) if known else None,
            current=current, scan=self.worker.scan_state(), baton=self.baton(),
        )

    def queue(self) -> list[Item]:
        current = self.worker.current()
        running = [current] if current is not None else []
        for item in running:
            item.output = None
        return running + self.store.queued()

    def history(self, limit: int) -> list[Item]:
        return self.store.history(limit)

    def item(self, item_id: int) -> Item:
        current = self.worker.current()
        if current is not None and current.id == item_id:
            return current
        item = self.store.get(item_id, with_output=True)
        if item is None:
            raise NotFound(f"no item {item_id}")
        return item

    def current_scan(self) -> CurrentScan:
        scan = self.worker.current_scan()
        if scan is None:
            raise NotFound("no scan has run since the server started")
        return scan

    # --- the baton ----------------------------------------------------------------------------
    def baton(self) -> Baton:
        with self._baton_lock:
            return self._baton.model_copy()

    def take_baton(self, who: Identity, steal: bool = False) -> Baton:
        self._need(who, Role.OPERATOR)
        if steal:
            self._need(who, Role.ADMIN)
        with self._baton_lock:
            holder = self._baton.holder
            if holder not in (None, who.name) and not steal:
                raise Conflict(f"the baton is held by {holder}; ask them to release it (an admin can steal it)")
            if holder != who.name:
                self._baton = Baton(holder=who.name, since=time.time())
                log.info("baton %s by %s (was %s)", "stolen" if holder else "taken", who.name, holder)
        self._changed()
        return self.baton()

    def release_baton(self, who: Identity) -> Baton:
        with self._baton_lock:
            holder = self._baton.holder
            if holder is None:
                raise Conflict("nobody holds the baton")
            if holder != who.name and who.role is not Role.ADMIN:
                raise Conflict(f"the baton is held by {holder}, not by you")
            self._baton = Baton()
            log.info("baton released by %s (held by %s)", who.name, holder)
        self._changed()
        return self.baton()

    # --- permissions --------------------------------------------------------------------------
    @staticmethod
    def _need(who: Identity, role: Role) -> None:
        if who.role.rank < role.rank:
            raise Forbidden(f"{who.name} is {who.role.value}; this needs the {role.value} role")

    def _control(self, who: Identity, role: Role = Role.OPERATOR) -> None:
        """Control needs the role and the baton."""
        self._need(who, role)
        holder = self.baton().holder
        if holder != who.name:
            if holder is None:
                raise Conflict("take the baton first (POST /api/baton/take): nobody holds it")
            raise Conflict(f"the baton is held by {holder}; take it first (POST /api/baton/take)")

    def _own(self, who: Identity, item: Item) -> None:
        if item.owner != who.name and who.role is not Role.ADMIN:
            raise Forbidden(f"item {item.id} belongs to {item.owner}; only its owner or an admin may change it")

    # --- the queue ----------------------------------------------------------------------------
    def _check(self, kind: str, text: str) -> float | None:
        """Refuse what cannot run (422), or say why it cannot be checked now (409); a scan
        command's estimated seconds."""
        try:
            return self.worker.check(kind, text)
        except InvalidSubmission as exc:
            raise Invalid(str(exc)) from None
        except ControlError as exc:
            raise Conflict(f"cannot check the submission now: {exc}") from None

    def submit(self, who: Identity, submission: Submission) -> Item:
        self._control(who)
        if submission.kind == "command":
            kind, text, args = "command", submission.command, []
        elif submission.kind == "script":
            kind, text, args = "script", submission.text, []
        else:
            kind, text, args = "macro", submission.name, list(submission.args)
        estimate = self._check(kind, text)
        item = self.store.add(kind, text, args, who.name, estimate)
        log.info("item %d queued by %s: %s", item.id, who.name, text if kind != "script" else "<script>")
        self.worker.notify()
        self._changed()
        return item

    def _queued(self, item_id: int) -> Item:
        item = self.store.get(item_id)
        if item is None:
            raise NotFound(f"no item {item_id}")
        if item.status.value != "queued":
            raise Conflict(f"item {item_id} is {item.status.value}, not queued")
        return item

    def move(self, who: Identity, item_id: int, position: int) -> list[Item]:
        self._control(who)
        self._own(who, self._queued(item_id))
        self.store.move(item_id, position)
        self._changed()
        return self.queue()

    def remove(self, who: Identity, item_id: int) -> list[Item]:
        self._control(who)
        self._own(who, self._queued(item_id))
        if not self.store.remove(item_id):
            raise Conflict(f"item {item_id} started before it could be removed")
        log.info("item %d removed by %s", item_id, who.name)
        self._changed()
        return self.queue()

    def edit(self, who: Identity, item_id: int, text: str | None, args: list[str] | None) -> Item:
        """Change a queued item's text (or macro name) and a macro's arguments, checked as at
        submission; the owner or an admin, with the baton."""
        self._control(who)
        item = self._queued(item_id)
        self._own(who, item)
        if args is not None and item.kind != "macro":
            raise Invalid(f"item {item_id} is a {item.kind}: only a macro has arguments")
        text = item.text if text is None else text
        estimate = self._check(item.kind, text)
        if not self.store.edit(item_id, text, item.args if args is None else list(args), estimate):
            raise Conflict(f"item {item_id} started before it could be changed")
        log.info("item %d edited by %s", item_id, who.name)
        self._changed()
        return self.store.get(item_id) or item

    def hold(self, who: Identity, held: bool) -> Status:
        self._control(who)
        self.worker.hold(held)
        log.info("queue %s by %s", "held" if held else "released", who.name)
        return self.status()

    # --- the running scan ---------------------------------------------------------------------
    def control(self, who: Identity, action: str) -> str:
        self._control(who)
        actions = {
            "pause": self.worker.pause, "resume": self.worker.resume,
            "finish-early": self.worker.finish_early, "abort": self.worker.abort,
        }
        try:
            actions[action]()
        except ControlError as exc:
            raise Conflict(str(exc)) from None
        log.info("%s requested by %s", action, who.name)
        return f"{action} requested"

    def stop_all(self, who: Identity) -> list[str]:
        """Needs the admin role but not the baton: it is the emergency stop."""
        self._need(who, Role.ADMIN)
        log.warning("stop-all requested by %s", who.name)
        try:
            return self.worker.stop_all()
        except ControlError as exc:
            raise Conflict(f"stop-all: {exc}; the queue is held") from None
