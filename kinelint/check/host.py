"""The plugin host: loads plugins one by one and calls each in isolation.

pluggy keeps the registry and checks every implementation against the hook
specifications; the host then calls each plugin's implementation itself, so
that a plugin that fails to import, raises, or returns garbage is named in an
``Incident`` and skipped, while every other plugin's findings stand.

The guard catches ``BaseException``: a plugin calling ``sys.exit(0)`` (or
argparse, at import) must not end the run green. Only ``KeyboardInterrupt``
goes through (an interrupt is the user's). Every value a plugin returns is
checked inside the guard, and every call has a time budget (``budget``).
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from importlib.metadata import entry_points

import pluggy

from kinelint import hookspecs
from kinelint.adapters import Adapted, Adapter, Spot, Unadapted, Writer
from kinelint.check.budget import PluginTimeout, TimeBudget
from kinelint.check.core_rules import CORE_RULES
from kinelint.findings import SEVERITIES, Edit, Incident, Rule, Violation
from kinelint.i18n import Message

ENTRY_POINT_GROUP = "kinelint"
BUILTIN_DISTRIBUTION = "kinelint"  # the plugins shipped with kinelint itself, whose rules the rule sets govern


def _in_ruleset(rule: Rule) -> Rule:
    """A built-in rule, stamped with the rule set it came in ("" if none lists it: tests/nomenclature/test_rulesets)."""
    from kinelint.nomenclature.rulesets import load_rulesets

    ruleset = load_rulesets().of(rule.code)
    return replace(rule, ruleset=ruleset.name if ruleset else "")


class _NoKeys:
    """A checker's keys() failed: it does not observe that invoice (the same marker after a trip to a worker)."""

    def __reduce__(self) -> str:
        return "_NO_KEYS"


_NO_KEYS = _NoKeys()


class _OnInvoice:
    """"on invoice F-1", worded only when an incident needs it; an id holding patient data is not named."""

    __slots__ = ("invoice",)

    def __init__(self, invoice) -> None:
        self.invoice = invoice

    def __str__(self) -> str:
        from kinelint.privacy import patient_values, showable_id

        shown = showable_id(self.invoice.invoice_id, patient_values(self.invoice.data))
        return f"on invoice {shown}" if shown else "on an invoice (its id is not shown: it holds patient data)"


@dataclass(frozen=True, slots=True)
class _Check:
    """How the host calls one plugin for invoices: its chunk hook when it has one, its invoice hook else
    (and to name the invoice when a chunk call fails)."""

    plugin: str
    chunk: _Impl | None
    one: _Impl | None


def _described(dist, described: dict) -> tuple[str, str]:
    """A plugin's distribution name and version, its metadata parsed once per distribution: ``dist.name`` and
    ``dist.version`` each parse the whole METADATA file, which holds the README (kinelint's own twelve
    plugins made 24 parses of 50 kB, a tenth of the start-up)."""
    if dist is None:
        return "?", "?"
    if dist not in described:
        metadata = dist.metadata
        described[dist] = (metadata["Name"], metadata["Version"])
    return described[dist]


def _checks(chunk_impls: list[_Impl], invoice_impls: list[_Impl]) -> list[_Check]:
    chunks = {impl.plugin: impl for impl in chunk_impls}
    ones = {impl.plugin: impl for impl in invoice_impls}
    return [_Check(plugin, chunks.get(plugin), ones.get(plugin)) for plugin in sorted(chunks.keys() | ones.keys())]


def _first_two(held: tuple) -> tuple:
    return held[0], held[1]


class PluginConflict(Exception):
    """Two plugins claim one rule code: a start-up error (exit status 2)."""


@dataclass(frozen=True, slots=True)
class LoadedPlugin:
    name: str
    distribution: str
    version: str


@dataclass(frozen=True, slots=True)
class _Impl:
    plugin: str
    function: object
    argnames: tuple[str, ...]


class PluginHost:
    def __init__(self) -> None:
        self.manager = pluggy.PluginManager("kinelint")
        self.manager.add_hookspecs(hookspecs)
        self.plugins: list[LoadedPlugin] = []
        self._incidents: dict[tuple[str, str], Incident] = {}
        self.rules: dict[str, Rule] = {rule.code: _in_ruleset(rule) for rule in CORE_RULES}
        self._checks: list[_Check] = []  # per plugin: its chunk hook and/or its invoice hook, by plugin name
        self._invoice_impls = []
        self._held: list | None = None  # incidents of a chunk, put in invoice order at its end (``check_invoices``)
        self._at: tuple[int, int] = (0, 0)  # (invoice of the chunk, plugin) whose call or result is being handled
        self.budget = TimeBudget(None)  # the CLI and the workers arm one (``--plugin-timeout``)
        self._timed_out: set[str] = set()  # plugins stopped at their budget: not called again
        self.adapters: dict[str, tuple[str, Adapter]] = {}  # input adapters by name: (plugin, adapter)

    # -- loading -----------------------------------------------------------

    @classmethod
    def from_entry_points(cls, extra: Iterable[tuple[str, object]] = (), budget: TimeBudget | None = None) -> PluginHost:
        """Load every plugin of the ``kinelint`` group, then ``extra`` (name, object) pairs.

        ``budget`` (started) limits each call into plugin code, imports included; none by default (the
        API runs in the caller's process, whose signals are its own).
        """
        host = cls()
        if budget is not None:
            host.budget = budget
        described: dict = {}  # distribution -> (name, version): its metadata read once (see ``_described``)
        for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
            host.budget.enter(entry_point.name, "import")
            try:
                plugin = entry_point.load()
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # a broken plugin must not stop the run, nor end it (sys.exit)
                host._incident(entry_point.name, f"failed to load ({type(error).__name__}: {error})", error)
                continue
            finally:
                host.budget.leave()
            host._register(entry_point.name, plugin, *_described(entry_point.dist, described))
        for name, plugin in extra:
            host._register(name, plugin, name, "")
        host._collect_rules()
        host._collect_adapters()
        host._invoice_impls = host._impls("kinelint_check_invoice")
        return host

    @property
    def _invoice_impls(self) -> list[_Impl]:
        return self._invoice_hooks

    @_invoice_impls.setter
    def _invoice_impls(self, impls: list[_Impl]) -> None:
        """Set once the plugins are registered (the benchmarks set it too): how each plugin is called follows."""
        self._invoice_hooks = impls
        self._checks = _checks(self._impls("kinelint_check_invoices"), impls)

    def _register(self, name: str, plugin: object, distribution: str, version: str) -> None:
        try:
            self.manager.register(plugin, name=name)
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # pluggy refuses hooks that do not match the specs
            self._incident(name, f"could not be registered ({type(error).__name__}: {error})", error)
            return
        self.plugins.append(LoadedPlugin(name, distribution, version))

    def _collect_rules(self) -> None:
        builtin = {plugin.name for plugin in self.plugins if plugin.distribution == BUILTIN_DISTRIBUTION}
        for impl in self._impls("kinelint_rules"):
            declared = self._call(impl, {}, "kinelint_rules")
            if declared is None:
                continue
            for rule in declared:
                if not isinstance(rule, Rule):
                    self._incident(impl.plugin, f"kinelint_rules returned {type(rule).__name__}, not a Rule")
                    continue
                owner = self.rules.get(rule.code)
                if owner is not None:
                    raise PluginConflict(
                        f"rule code {rule.code} is claimed by both plugin {owner.plugin!r} and plugin {impl.plugin!r}"
                    )
                rule = replace(rule, plugin=impl.plugin, ruleset="")  # a third-party rule: no rule set governs it
                self.rules[rule.code] = _in_ruleset(rule) if impl.plugin in builtin else rule

    def _collect_adapters(self) -> None:
        for impl in self._impls("kinelint_adapters"):
            provided = self._call(impl, {}, "kinelint_adapters")
            for adapter in provided or ():
                if not isinstance(adapter, Adapter) or not isinstance(adapter.name, str) or not callable(adapter.adapt):
                    self._incident(impl.plugin, f"kinelint_adapters returned {type(adapter).__name__}, not an Adapter")
                    continue
                owner = self.adapters.get(adapter.name)
                if owner is not None:
                    raise PluginConflict(f"adapter {adapter.name!r} is provided by both plugin {owner[0]!r} and "
                                         f"plugin {impl.plugin!r}")
                self.adapters[adapter.name] = (impl.plugin, adapter)

    def adapt(self, name: str, text: str, options: dict, base, where: str = "") -> list | None:
        """What the adapter ``name`` makes of a file's text (``Adapted`` and ``Unadapted`` items, checked),
        within its plugin's guard and time budget; None when it fails (an incident) or is not installed."""
        plugin, adapter = self.adapters.get(name, (None, None))
        if adapter is None or plugin in self._timed_out:
            return None
        self.budget.enter(plugin, "its adapter")
        try:
            items = list(adapter.adapt(text, copy.deepcopy(options), base))
            for item in items:
                malformed = _malformed_adapted(item)
                if malformed:
                    self._incident(plugin, f"adapter {name!r} returned {malformed}", where=where)
                    return None
            return items
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit too: a plugin does not decide how the run ends
            self._failed(plugin, f"adapter {name!r}", error, where)
            return None
        finally:
            self.budget.leave()

    def _impls(self, hook_name: str) -> list[_Impl]:
        hook = getattr(self.manager.hook, hook_name)
        impls = [_Impl(i.plugin_name, i.function, tuple(i.argnames)) for i in hook.get_hookimpls()]
        return sorted(impls, key=lambda i: i.plugin)

    # -- calling -----------------------------------------------------------

    def check_invoice(self, invoice, nomenclature, today=None) -> Iterator[tuple[Violation, Rule]]:
        """Every violation of every plugin for one invoice, with the rule it belongs to (``check_invoices``
        for a chunk of one, without its bookkeeping: no order to keep among one invoice's incidents)."""
        arguments = {"invoice": invoice, "invoices": (invoice,), "nomenclature": nomenclature,
                     "today": today or date.today()}
        where = _OnInvoice(invoice)
        for rank, check in enumerate(self._checks):
            if check.one is None:  # a plugin with the chunk hook only
                if check.plugin not in self._timed_out:
                    found = [[]]
                    self._chunk(check, rank, (invoice,), arguments, found)
                    yield from found[0]
                continue
            results = self._call(check.one, arguments, "kinelint_check_invoice", where)
            if results:
                yield from self._checked(check.one, results, where)

    def check_invoices(self, invoices, nomenclature, today=None) -> list[list[tuple[Violation, Rule]]]:
        """Every violation of every plugin for each invoice of a chunk, with its rule: one list per invoice.

        Plugin by plugin (by name), as for one invoice at a time: a plugin with
        ``kinelint_check_invoices`` is called once for the chunk, under one
        guard and one time budget; the others once per invoice. A chunk call
        that fails is made again one invoice at a time, so the incident names
        the plugin and the invoice as a call per invoice would. Incidents are
        recorded in the order that checking invoice after invoice gives.
        """
        invoices = tuple(invoices)
        found: list[list[tuple[Violation, Rule]]] = [[] for _ in invoices]
        if not invoices:
            return found
        arguments = {"invoices": invoices, "nomenclature": nomenclature, "today": today or date.today()}
        self._held = []
        try:
            for rank, check in enumerate(self._checks):
                if check.plugin in self._timed_out:
                    continue
                if check.chunk is not None and (len(invoices) > 1 or check.one is None):
                    self._chunk(check, rank, invoices, arguments, found)
                else:
                    self._one_by_one(check.one, rank, invoices, arguments, found)
        finally:
            held, self._held = self._held, None
            held.sort(key=_first_two)  # stable: within one invoice and plugin, the order they came in
            for _, _, plugin, message, error, where in held:
                self._incident(plugin, message, error, where)
        return found

    def _chunk(self, check: _Check, rank: int, invoices: tuple, arguments: dict, found: list, first: int = 0) -> None:
        """One call of a plugin's chunk hook; on any failure, the chunk again one invoice at a time.

        ``found`` holds the chunk's lists of findings; ``first`` is the place of ``invoices[0]`` in the
        chunk ``check_invoices`` was given (the order of incidents).
        """
        impl = check.chunk
        results, error = self._run_chunk(impl, arguments)
        if error is None and len(results) == len(invoices):
            for index, violations in enumerate(results):
                if violations:
                    self._at = (first + index, rank)
                    found[index].extend(self._checked(impl, violations, _OnInvoice(invoices[index])))
            return
        self._at = (first, rank)
        where = _OnInvoice(invoices[0]) if len(invoices) == 1 else ""
        if error is None:
            self._incident(impl.plugin, "returned other than one list of violations per invoice from "
                                        "kinelint_check_invoices", where=where)
        if len(invoices) > 1 and check.one is not None:
            self._one_by_one(check.one, rank, invoices, arguments, found, first)
        elif len(invoices) > 1:  # chunks of one: what fails is that invoice's
            for index, invoice in enumerate(invoices):
                if impl.plugin in self._timed_out:
                    return
                self._chunk(check, rank, (invoice,), dict(arguments, invoices=(invoice,)), [found[index]],
                            first + index)
        elif error is not None:
            self._failed(impl.plugin, "kinelint_check_invoices", error, where)

    def _run_chunk(self, impl: _Impl, arguments: dict) -> tuple[list | None, BaseException | None]:
        """A chunk hook's results, each made a list inside the guard (generators run there), or its error.

        A timeout is an error like any other here: the budget was the chunk's, and each invoice gets
        its own when the chunk is checked again one invoice at a time.
        """
        self.budget.enter(impl.plugin, "kinelint_check_invoices")
        try:
            results = impl.function(**{name: arguments[name] for name in impl.argnames})
            if results is None:  # nothing found, as an invoice hook may say
                return [()] * len(arguments["invoices"]), None
            return [() if one is None else list(one) for one in results], None
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            return None, error
        finally:
            self.budget.leave()

    def _one_by_one(self, impl: _Impl, rank: int, invoices: tuple, arguments: dict, found: list, first: int = 0) -> None:
        """A plugin's invoice hook for each invoice: a guard and a time budget per call, as it always had."""
        plugin, function, budget, timed_out = impl.plugin, impl.function, self.budget, self._timed_out
        named = {name: arguments[name] for name in impl.argnames if name != "invoice"}
        takes_invoice = "invoice" in impl.argnames
        for index, invoice in enumerate(invoices):
            if takes_invoice:
                named["invoice"] = invoice
            budget.enter(plugin, "kinelint_check_invoice")
            try:
                results = function(**named)
                if results is not None:
                    results = list(results)  # a generator runs here, inside the guard
            except KeyboardInterrupt:
                raise
            except BaseException as error:  # SystemExit too: a plugin does not decide how the run ends
                self._at = (first + index, rank)
                self._failed(plugin, "kinelint_check_invoice", error, _OnInvoice(invoice))
                if plugin in timed_out:
                    return
                continue
            finally:
                budget.leave()
            if results:
                self._at = (first + index, rank)
                found[index].extend(self._checked(impl, results, _OnInvoice(invoice)))

    def field_needs(self) -> list[tuple[str, Callable]]:
        """(code, ``Rule.judges``) of each rule that needs optional fields: ``--statistics`` counts the rest."""
        return [(code, rule.judges) for code, rule in self.rules.items() if rule.judges is not None]

    def batch_checkers(self, nomenclature) -> list[tuple[str, object]]:
        checkers = []
        for impl in self._impls("kinelint_batch_checker"):
            checker = self._call(impl, {"nomenclature": nomenclature}, "kinelint_batch_checker")
            if checker is not None:
                checkers.append((impl.plugin, checker))
        return checkers

    def batch_keys(self, checkers, invoice) -> list:
        """What each batch checker needs of one invoice (its ``keys``, or the invoice itself).

        Computed where the invoice is checked, which may be a worker process;
        ``observe_keys`` then runs in the main process, in run order.
        """
        keys = []
        for plugin, checker in checkers:
            if plugin in self._timed_out:
                keys.append(_NO_KEYS)
                continue
            self.budget.enter(plugin, "its batch checker (keys)")
            try:
                keys.append(checker.keys(invoice) if hasattr(checker, "keys") else invoice)
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                self._failed(plugin, "its batch checker (keys)", error)
                keys.append(_NO_KEYS)
            finally:
                self.budget.leave()
        return keys

    def sendable_keys(self, checkers, keys: list) -> list:
        """``keys`` with those that cannot travel from a worker process to the main one (pickle) left out,
        each an incident of its plugin; called only when the whole list would not travel."""
        import pickle

        sendable = []
        for (plugin, _), key in zip(checkers, keys):
            try:
                pickle.loads(pickle.dumps(key))
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                self._incident(plugin, "returned batch keys that cannot be sent between processes "
                                       f"({type(error).__name__}; --jobs 1 would not need to)", error)
                key = _NO_KEYS
            sendable.append(key)
        return sendable

    def observe_keys(self, checkers, keys: list, ref) -> None:
        for (plugin, checker), key in zip(list(checkers), keys):
            if key is _NO_KEYS or (plugin, checker) not in checkers:
                continue
            self.budget.enter(plugin, "its batch checker (observe)")
            try:
                checker.observe(key, ref)
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                self._failed(plugin, "its batch checker (observe)", error)
                checkers.remove((plugin, checker))
            finally:
                self.budget.leave()

    def observe(self, checkers, invoice, ref) -> None:
        """``batch_keys`` then ``observe_keys`` for one invoice in this process, in one loop: called for
        every invoice of a batch, so no list of keys in between (the same guards, budgets and incidents)."""
        budget, timed_out = self.budget, self._timed_out
        for entry in tuple(checkers):
            plugin, checker = entry
            if plugin in timed_out:
                continue
            budget.enter(plugin, "its batch checker (keys)")
            try:
                keys = checker.keys(invoice) if hasattr(checker, "keys") else invoice
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                self._failed(plugin, "its batch checker (keys)", error)
                continue
            finally:
                budget.leave()
            budget.enter(plugin, "its batch checker (observe)")
            try:
                checker.observe(keys, ref)
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                self._failed(plugin, "its batch checker (observe)", error)
                checkers.remove(entry)
            finally:
                budget.leave()

    def finish(self, checkers) -> Iterator[tuple[object, Violation, Rule]]:
        from kinelint.read.sources import DocRef

        for plugin, checker in checkers:
            if plugin in self._timed_out:
                continue
            self.budget.enter(plugin, "its batch checker (finish)")
            try:
                pairs = list(checker.finish())
            except KeyboardInterrupt:
                raise
            except BaseException as error:
                self._failed(plugin, "its batch checker (finish)", error)
                continue
            finally:
                self.budget.leave()
            for pair in pairs:
                ref, violation = pair if isinstance(pair, tuple) and len(pair) == 2 else (None, pair)
                rule = self._rule_for(plugin, violation, "in its batch checker")
                if rule is None:
                    continue
                if not isinstance(ref, DocRef):  # only a ref it was handed can be located
                    self._incident(plugin, f"returned a ref of type {type(ref).__name__}, not one it was given",
                                   where="in its batch checker")
                    continue
                yield ref, self._sound(plugin, violation, "in its batch checker"), rule

    def _call(self, impl: _Impl, arguments: dict, hook_name: str, where: str = ""):
        if impl.plugin in self._timed_out:
            return None
        self.budget.enter(impl.plugin, hook_name)
        try:
            result = impl.function(**{name: arguments[name] for name in impl.argnames})
            # Generators run here, inside the guard, not later in the caller.
            return list(result) if result is not None and hook_name != "kinelint_batch_checker" else result
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # SystemExit too: a plugin does not decide how the run ends
            self._failed(impl.plugin, hook_name, error, where)
            return None
        finally:
            self.budget.leave()

    def _failed(self, plugin: str, hook: str, error: BaseException, where: str = "") -> None:
        if isinstance(error, PluginTimeout):
            self._timed_out.add(plugin)
            self._incident(plugin, f"took longer than its time budget ({self.budget.seconds:g} s) in {hook}",
                           where=where)
        else:
            self._incident(plugin, f"raised {type(error).__name__} in {hook}", error, where)

    def _checked(self, impl: _Impl, results, where: str) -> Iterator[tuple[Violation, Rule]]:
        for violation in results or ():
            rule = self._rule_for(impl.plugin, violation, where)
            if rule is not None:
                yield (violation if not (violation.fix or violation.money is not None)
                       else self._sound(impl.plugin, violation, where)), rule

    def _sound(self, plugin: str, violation: Violation, where: str) -> Violation:
        """The violation with its fix and money checked and written to the cent; a malformed one is an
        incident and is dropped (the finding stays)."""
        fix, money = violation.fix, violation.money
        if fix:
            fix = _sound_fix(fix)
            if fix is None:
                self._incident(plugin, "returned a malformed fix (a list of Edit(pointer, value) expected)",
                               where=where)
                fix = ()
        if money is not None:
            money = _cents(money)
            if money is None:
                self._incident(plugin, "returned money that is not a finite Decimal", where=where)
        if fix == violation.fix and money == violation.money:
            return violation
        return replace(violation, fix=fix, money=money)

    def _rule_for(self, plugin: str, violation: object, where: str) -> Rule | None:
        if not isinstance(violation, Violation):
            self._incident(plugin, f"returned {type(violation).__name__}, not a Violation", where=where)
            return None
        malformed = _malformed(violation)
        if malformed:
            self._incident(plugin, f"returned {malformed}", where=where)
            return None
        rule = self.rules.get(violation.code)
        if rule is None or rule.plugin != plugin:
            self._incident(plugin, f"reported code {violation.code!r} that it does not declare", where=where)
            return None
        return rule

    @property
    def incidents(self) -> list[Incident]:
        return list(self._incidents.values())

    def take_incidents(self) -> list[Incident]:
        """The incidents so far, forgotten here (a worker hands them to the main process)."""
        taken, self._incidents = self.incidents, {}
        return taken

    def merge_incidents(self, incidents: list[Incident]) -> None:
        for incident in incidents:
            known = self._incidents.get((incident.plugin, incident.message))
            if known is None:
                self._incidents[(incident.plugin, incident.message)] = incident
            else:
                known.count += incident.count

    def _incident(self, plugin: str, message: str, error: BaseException | None = None, where: str = "") -> None:
        if self._held is not None:  # within a chunk: recorded at its end, in invoice order
            self._held.append((*self._at, plugin, message, error, where))
            return
        known = self._incidents.get((plugin, message))
        if known is not None:
            known.count += 1
            return
        detail = "".join(traceback.format_exception(error)) if error is not None else ""
        self._incidents[(plugin, message)] = Incident(plugin, message, str(where), 1, detail)


def _malformed(violation: Violation) -> str:
    """What is wrong with a violation's fields ("" if nothing): it must be reported and located as is."""
    for name in ("code", "message", "pointer"):
        value = getattr(violation, name)
        if type(value) is not str and not (name == "message" and type(value) is Message):  # a translatable message
            return f"a {name} of type {type(value).__name__}, not a string"
    pointer, severity = violation.pointer, violation.severity
    if pointer and pointer[0] != "/":
        return f"a pointer {_short(pointer)!r} that does not start with '/' (JSON pointers do; '' is the invoice)"
    if severity is not None and (type(severity) is not str or severity not in SEVERITIES):
        shown = repr(_short(severity)) if type(severity) is str else f"of type {type(severity).__name__}"
        return f"a severity {shown}, not one of {', '.join(SEVERITIES)}"
    return ""


def _malformed_adapted(item: object) -> str:
    """What is wrong with one item an adapter returned ("" if nothing)."""
    if isinstance(item, Unadapted):
        if not isinstance(item.message, str) or type(item.line) is not int or type(item.column) is not int:
            return "an Unadapted without a string message and integer line and column"
        return ""
    if not isinstance(item, Adapted):
        return f"{type(item).__name__}, not Adapted or Unadapted"
    if not isinstance(item.invoice, dict) or not isinstance(item.spots, Mapping):
        return "an Adapted whose invoice is not a dict or whose spots are not a mapping"
    for pointer, spot in item.spots.items():
        if not isinstance(pointer, str) or not isinstance(spot, Spot) or type(spot.line) is not int \
                or type(spot.column) is not int or (spot.writer is not None and not isinstance(spot.writer, Writer)) \
                or not isinstance(spot.also, tuple) or not all(isinstance(more, Spot) for more in spot.also):
            return "a spot that is not a Spot(line, column, ...) under a string pointer"
    return ""


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


_MONEY_POINTER_ENDS = ("/amount",)
_EDIT_VALUES = (str, int, bool, Decimal, type(None))


def _cents(value) -> Decimal | None:
    """Money written to the cent, half-up; None when it is not a finite number."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _sound_fix(fix) -> tuple[Edit, ...] | None:
    """A fix's edits with amounts and the total to the cent; None when any part is malformed."""
    if not isinstance(fix, tuple):
        return None
    edits = []
    for edit in fix:
        if (not isinstance(edit, Edit) or not isinstance(edit.pointer, str)
                or (edit.pointer and not edit.pointer.startswith("/")) or type(edit.value) not in _EDIT_VALUES
                or (isinstance(edit.value, Decimal) and not edit.value.is_finite())):
            return None
        if edit.pointer == "/total" or edit.pointer.endswith(_MONEY_POINTER_ENDS):
            amount = _cents(edit.value)
            if amount is None:
                return None
            edit = Edit(edit.pointer, amount)
        edits.append(edit)
    return tuple(edits)
