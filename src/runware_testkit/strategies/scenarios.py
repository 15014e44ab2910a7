"""Which parameters a task holds, chosen so every cross-field rule holds: no filtering.

`Analysis` turns an object schema's clauses (`rules.read_clauses`) into a small finite
problem, solved once per schema:

- a *variable* per parameter the rules name (and each object above one), or per *unit* of
  parameters drawn together (a ``dependentRequired`` pair both ways, keys a preset fixes
  together such as width and height);
- each variable has *options*: absent, or present with its values split by what the rules
  ask of them. A finite value set (an enum, a preset list, a small integer range) is split
  value by value; an open one by narrowing its schema (`refine.conjoin` / `refine.exclude`);
  where a narrowing cannot be negated the option keeps the plain schema and the rule's fact
  about it stays *unknown*;
- every clause gets a truth table over the options of the variables it names (three-valued:
  unknown counts as neither kept nor broken), and the variables split into independent
  components whose consistent option combinations are enumerated once.

`ScenarioPlan` then applies pins and the ``form`` to those combinations and draws one per
component, option by option, so a failing example shrinks towards absent options. With a
``broken`` clause the enumeration keeps the combinations that break that clause (definitely
false) and keep every other clause (definitely true), which is how the invalid strategies
break one rule and nothing else.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from .refine import UnsupportedSchema, accepts, conjoin, exclude, finite_values, json_key
from .rules import (
    EXCLUSION,
    PAIR,
    PRESETS,
    REQUIRE,
    All,
    Any_,
    Clause,
    Formula,
    Holds,
    Not,
    One,
    Present,
    RuleSet,
    evaluate,
    implies,
    join,
    read_clauses,
)

__all__ = [
    "Analysis",
    "Decision",
    "Option",
    "ScenarioPlan",
    "Variable",
    "analyse",
    "rules_of",
]

#: Most consistent combinations one component may have before the schema is refused.
MAX_SOLUTIONS = 200_000
#: Most members one unit may have.
MAX_UNIT = 4
#: Most made-up non-preset value pairs a unit gets when its presets rule is broken.
MAX_BAD_TUPLES = 24


@dataclass(frozen=True)
class Option:
    """One way a variable can be: which members are present and where their values come from.

    ``kind``: ``"absent"``; ``"object"`` (a present object, filled in by its children);
    ``"values"`` (one member, drawn from ``data``, a list); ``"tuples"`` (members' values
    drawn together from ``data``, a list of dicts); ``"schema"`` (one member drawn from schema
    ``data``); ``"free"`` (each present member drawn from its own schema).
    ``truths`` gives the truth of each of the variable's facts (None: unknown).
    """

    present: frozenset[str]
    kind: str
    data: Any
    truths: tuple[bool | None, ...]


@dataclass
class Variable:
    """Parameters decided together (one, or a unit), their options and the facts about them."""

    members: tuple[str, ...]
    options: list[Option] = field(default_factory=list)
    facts: list[Formula] = field(default_factory=list)


@dataclass(frozen=True)
class _Ref:
    """Fact number ``index`` of variable ``var``: a sub-formula naming only that variable."""

    var: int
    index: int


@dataclass
class _Table:
    clause: Clause | None
    vars: tuple[int, ...]
    truth: dict[tuple[int, ...], bool | None]


class _UnionFind:
    def __init__(self, items: list[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _ancestors(path: str) -> list[str]:
    parts = path.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def schema_order(schema: Mapping[str, Any], prefix: str = "") -> list[str]:
    order = []
    for name, child in schema.get("properties", {}).items():
        path = join(prefix, name)
        order.append(path)
        if isinstance(child, Mapping):
            order += schema_order(child, path)
    return order


def same_duty(a: Clause, b: Clause) -> bool:
    """True when breaking ``a`` necessarily breaks ``b`` and a validator reports them as one
    error: a ``dependentRequired`` pair and a ``then`` requiring the same partner (width and
    height). ``b`` is then neither kept nor broken while ``a`` is broken."""
    kinds = {a.kind, b.kind}
    return PAIR in kinds and kinds <= {PAIR, REQUIRE} and a.paths[-1] == b.paths[-1]


class Analysis:
    """The variables, options and consistent combinations of one object schema's rules.

    ``broken``: the clause to break (its combinations make it false), or None.
    Raises `UnsupportedSchema` for rules outside the supported forms, or when no combination
    satisfies them.
    """

    def __init__(
        self,
        schema: Mapping[str, Any],
        ruleset: RuleSet,
        broken: Clause | None = None,
        quiet: tuple[Clause, ...] = (),
    ) -> None:
        self.schema = schema
        self.ruleset = ruleset
        self.broken = broken
        self.quiet = quiet
        self.order = schema_order(schema)
        self.variables: list[Variable] = []
        self.var_of: dict[str, int] = {}
        self.tables: list[_Table] = []
        self.components: list[tuple[int, ...]] = []
        self.solutions: list[list[tuple[int, ...]]] = []
        if ruleset.empty:
            return
        formulas: list[tuple[Clause | None, Formula]] = [(c, c.formula) for c in ruleset.clauses]
        formulas += [(None, Not(c.condition)) for c in quiet]
        paths = self._paths(formulas)
        formulas += [(None, f) for f in self._structure(paths)]
        self._variables(paths)
        collapsed = [(c, self._collapse(f)) for c, f in formulas]
        for var in self.variables:
            var.options = self._options(var)
        for clause, formula in collapsed:
            self.tables.append(self._table(clause, formula))
        self._solve()

    # -- reading the schema --
    def schema_at(self, path: str) -> Any:
        node: Any = self.schema
        for part in path.split("."):
            node = node.get("properties", {}).get(part) if isinstance(node, Mapping) else None
        return node

    def is_object(self, path: str) -> bool:
        node = self.schema_at(path)
        return isinstance(node, Mapping) and (
            node.get("type") == "object" or ("properties" in node and "type" not in node)
        )

    def _paths(self, formulas: list[tuple[Clause | None, Formula]]) -> list[str]:
        named: set[str] = set()
        for _, formula in formulas:
            named.update(a.path for a in _atoms(formula))
        for path in list(named):
            named.update(_ancestors(path))
        return sorted(named, key=lambda p: self.order.index(p) if p in self.order else 1e9)

    def _structure(self, paths: list[str]) -> list[Formula]:
        """Presence facts every task has: a child needs its parent, a parent its required
        children, the object its required keys."""
        out: list[Formula] = []
        for path in paths:
            parent, _, name = path.rpartition(".")
            holder = self.schema_at(parent) if parent else self.schema
            if parent:
                out.append(implies(Present(path), Present(parent)))
            if name in holder.get("required", []):
                out.append(implies(Present(parent), Present(path)) if parent else Present(path))
        return out

    def _variables(self, paths: list[str]) -> None:
        units = _UnionFind(paths)
        for coupling in self.ruleset.couplings:
            for other in coupling[1:]:
                units.union(coupling[0], other)
        pairs = {
            (c.paths[0], c.paths[1])
            for c in self.ruleset.clauses
            if c.kind == PAIR and c.condition == _guard(c.where)
        }
        for a, b in pairs:
            if (b, a) in pairs and not (self.is_object(a) or self.is_object(b)):
                units.union(a, b)
        groups: dict[str, list[str]] = {}
        for path in paths:
            groups.setdefault(units.find(path), []).append(path)
        for members in groups.values():
            if len(members) > MAX_UNIT:
                raise UnsupportedSchema(f"{members}: more than {MAX_UNIT} keys drawn together")
            if len(members) > 1 and any(self.is_object(m) for m in members):
                raise UnsupportedSchema(f"{members}: an object drawn together with other keys")
            index = len(self.variables)
            self.variables.append(Variable(tuple(members)))
            for member in members:
                self.var_of[member] = index

    # -- facts --
    def _collapse(self, formula: Formula) -> Formula | _Ref | bool:
        """``formula`` with every largest sub-formula naming one variable made a fact of it."""
        owners = {self.var_of[a.path] for a in _atoms(formula)}
        if not owners:
            return bool(evaluate(formula, lambda atom: None))
        if len(owners) == 1:
            (var,) = owners
            facts = self.variables[var].facts
            if formula not in facts:
                facts.append(formula)
            return _Ref(var, facts.index(formula))
        if isinstance(formula, Not):
            return Not(self._collapse(formula.part))  # type: ignore[arg-type]
        parts = tuple(self._collapse(p) for p in formula.parts)  # type: ignore[union-attr]
        return type(formula)(parts)  # type: ignore[arg-type,call-arg]

    # -- options --
    def _options(self, var: Variable) -> list[Option]:
        members = var.members
        if len(members) == 1 and self.is_object(members[0]):
            if any(isinstance(a, Holds) for f in var.facts for a in _atoms(f)):
                raise UnsupportedSchema(f"{members[0]}: a rule narrows an object's value")
            return [
                self._option(var, frozenset(), "absent", None),
                self._option(var, frozenset(members), "object", None),
            ]
        if len(members) == 1:
            return self._leaf_options(var)
        return self._unit_options(var)

    def _option(
        self,
        var: Variable,
        present: frozenset[str],
        kind: str,
        data: Any,
        value: Callable[[Holds], bool | None] | None = None,
    ) -> Option:
        def fact(atom: Present | Holds) -> bool | None:
            if isinstance(atom, Present):
                return atom.path in present
            if atom.path not in present:
                return True
            return value(atom) if value is not None else None

        truths = tuple(evaluate(f, fact) for f in var.facts)
        return Option(present, kind, data, truths)

    def _leaf_options(self, var: Variable) -> list[Option]:
        (path,) = var.members
        schema = self.schema_at(path)
        options = [self._option(var, frozenset(), "absent", None)]
        if schema is False:
            return options
        present = frozenset({path})
        values = finite_values(schema)
        if values is not None:
            grouped: dict[tuple[bool | None, ...], list[Any]] = {}
            for value in values:
                option = self._option(
                    var, present, "values", None, lambda atom, v=value: accepts(atom.schema, v)
                )
                grouped.setdefault(option.truths, []).append(value)
            for truths, group in grouped.items():
                options.append(Option(present, "values", group, truths))
            return options
        for narrowed, known in self._classes(schema, var):
            options.append(
                self._option(
                    var, present, "schema", narrowed, lambda atom, k=known: k.get(atom.key)
                )
            )
        return _dedupe(options)

    def _classes(self, schema: Any, var: Variable) -> list[tuple[Any, dict[str, bool]]]:
        """The base schema split by each value fact named about it (see the module doc)."""
        classes: list[tuple[Any, dict[str, bool]]] = [(schema, {})]
        seen: set[str] = set()
        for fact in [a for f in var.facts for a in _atoms(f) if isinstance(a, Holds)]:
            if fact.key in seen:
                continue
            seen.add(fact.key)
            split = []
            for current, known in classes:
                kept = conjoin(current, fact.schema)
                if kept is None:
                    split.append((current, {**known, fact.key: False}))
                    continue
                if json_key(kept) == json_key(current):
                    split.append((current, {**known, fact.key: True}))
                    continue
                split.append((kept, {**known, fact.key: True}))
                try:
                    rest = exclude(current, fact.schema)
                except UnsupportedSchema:
                    split.append((current, known))
                    continue
                if rest is not None:
                    split.append((rest, {**known, fact.key: False}))
            classes = split
        return classes

    def _unit_options(self, var: Variable) -> list[Option]:
        members = var.members
        presets = self._unit_presets(members)
        breaking = self.broken is not None and set(self.broken.paths) & set(members)
        elements: list[tuple[frozenset[str], str, Any]] = [(frozenset(), "absent", None)]
        for size in range(1, len(members) + 1):
            for chosen in itertools.combinations(members, size):
                present = frozenset(chosen)
                elements.append((present, "free", None))
                if size == len(members):
                    elements += [(present, "tuples", t) for t in presets]
                    if breaking:
                        elements += [(present, "tuples", t) for t in _bad_tuples(members, presets)]
                elif breaking:
                    singles = {
                        json_key([t[m] for m in chosen]): {m: t[m] for m in chosen} for t in presets
                    }
                    elements += [(present, "tuples", t) for t in singles.values()]
        grouped: dict[tuple[frozenset[str], str, tuple[bool | None, ...]], list[Any]] = {}
        for present, kind, data in elements:
            if kind == "tuples":
                option = self._option(
                    var,
                    present,
                    kind,
                    None,
                    lambda atom, t=data: accepts(atom.schema, t[atom.path]),
                )
            else:
                option = self._option(var, present, kind, None)
            grouped.setdefault((present, kind, option.truths), []).append(data)
        return [
            Option(present, kind, data if kind == "tuples" else None, truths)
            for (present, kind, truths), data in grouped.items()
        ]

    def _unit_presets(self, members: tuple[str, ...]) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for clause in self.ruleset.clauses:
            if clause.kind != PRESETS or not set(clause.paths) <= set(members):
                continue
            for preset in clause.schema:
                values = {join(clause.where, k): v for k, v in preset.values.items()}
                if set(values) == set(members):
                    found.setdefault(json_key(values), values)
        return list(found.values())

    # -- tables and solving --
    def _table(self, clause: Clause | None, formula: Formula | _Ref | bool) -> _Table:
        refs = sorted({r.var for r in _refs(formula)})
        truth: dict[tuple[int, ...], bool | None] = {}
        for combo in itertools.product(*(range(len(self.variables[v].options)) for v in refs)):
            chosen = dict(zip(refs, combo, strict=True))
            truth[combo] = _evaluate(formula, lambda r, c=chosen: self._truth(r, c))
        return _Table(clause, tuple(refs), truth)

    def _truth(self, ref: _Ref, chosen: Mapping[int, int]) -> bool | None:
        return self.variables[ref.var].options[chosen[ref.var]].truths[ref.index]

    def _solve(self) -> None:
        broken = self.broken
        tables = [
            t
            for t in self.tables
            if t.clause is None
            or t.clause is broken
            or broken is None
            or not same_duty(broken, t.clause)
        ]
        for table in tables:
            if table.vars:
                continue
            wanted = not (broken is not None and table.clause is broken)
            if table.truth[()] is not wanted:
                raise UnsupportedSchema("a cross-field rule can never hold as asked")
        units = _UnionFind([str(i) for i in range(len(self.variables))])
        for table in tables:
            for var in table.vars[1:]:
                units.union(str(table.vars[0]), str(var))
        comps: dict[str, list[int]] = {}
        for index in range(len(self.variables)):
            comps.setdefault(units.find(str(index)), []).append(index)
        for members in comps.values():
            order = tuple(members)
            mine = [t for t in tables if t.vars and set(t.vars) <= set(order)]
            solutions = self._enumerate(order, mine)
            if not solutions:
                if broken is not None and any(t.clause is broken for t in mine):
                    raise UnsupportedSchema("no task breaks this rule and keeps the others")
                names = [m for v in order for m in self.variables[v].members]
                raise UnsupportedSchema(f"no task satisfies the cross-field rules on {names}")
            self.components.append(order)
            self.solutions.append(solutions)

    def _enumerate(self, order: tuple[int, ...], tables: list[_Table]) -> list[tuple[int, ...]]:
        position = {v: i for i, v in enumerate(order)}
        checks: list[list[tuple[_Table, tuple[int, ...], bool]]] = [[] for _ in order]
        for table in tables:
            at = max(position[v] for v in table.vars)
            slots = tuple(position[v] for v in table.vars)
            checks[at].append(
                (table, slots, table.clause is self.broken and self.broken is not None)
            )
        sizes = [len(self.variables[v].options) for v in order]
        chosen = [0] * len(order)
        found: list[tuple[int, ...]] = []

        def walk(depth: int) -> None:
            if depth == len(order):
                found.append(tuple(chosen))
                if len(found) > MAX_SOLUTIONS:
                    raise UnsupportedSchema("cross-field rules with too many combinations")
                return
            for option in range(sizes[depth]):
                chosen[depth] = option
                if all(
                    (table.truth[tuple(chosen[s] for s in slots)] is False)
                    if broke
                    else table.truth[tuple(chosen[s] for s in slots)] is True
                    for table, slots, broke in checks[depth]
                ):
                    walk(depth + 1)

        walk(0)
        return found


def _guard(where: str) -> Formula:
    """The condition of a rule written on the object at ``where``: that object is present."""
    parts = where.split(".") if where else []
    guard = tuple(Present(".".join(parts[: i + 1])) for i in range(len(parts)))
    return guard[0] if len(guard) == 1 else All(guard)


def _bad_tuples(members: tuple[str, ...], presets: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Value combinations of the members that are no preset (doubled presets, crossed values)."""
    known = {json_key([p[m] for m in members]) for p in presets}
    columns = [
        sorted({json_key(p[m]): p[m] for p in presets}.values(), key=json_key) for m in members
    ]
    out: dict[str, dict[str, Any]] = {}
    for preset in presets:
        if all(isinstance(preset[m], int) and not isinstance(preset[m], bool) for m in members):
            doubled = {m: preset[m] * 2 for m in members}
            if json_key([doubled[m] for m in members]) not in known:
                out.setdefault(json_key(doubled), doubled)
    for combo in itertools.product(*columns):
        if len(out) >= MAX_BAD_TUPLES:
            break
        if json_key(list(combo)) not in known:
            crossed = dict(zip(members, combo, strict=True))
            out.setdefault(json_key(crossed), crossed)
    return list(out.values())[:MAX_BAD_TUPLES]


def _atoms(formula: Any) -> list[Present | Holds]:
    if isinstance(formula, Present | Holds):
        return [formula]
    if isinstance(formula, Not):
        return _atoms(formula.part)
    if isinstance(formula, All | Any_ | One):
        return [a for p in formula.parts for a in _atoms(p)]
    return []


def _refs(formula: Any) -> list[_Ref]:
    if isinstance(formula, _Ref):
        return [formula]
    if isinstance(formula, Not):
        return _refs(formula.part)
    if isinstance(formula, All | Any_ | One):
        return [r for p in formula.parts for r in _refs(p)]
    return []


def _evaluate(formula: Any, ref: Callable[[_Ref], bool | None]) -> bool | None:
    if isinstance(formula, bool):
        return formula
    if isinstance(formula, _Ref):
        return ref(formula)
    return evaluate(formula, ref)  # type: ignore[arg-type]


def _dedupe(options: list[Option]) -> list[Option]:
    seen: set[str] = set()
    out = []
    for option in options:
        key = json_key([sorted(option.present), option.kind, option.data, option.truths])
        if key not in seen:
            seen.add(key)
            out.append(option)
    return out


_rulesets: dict[int, tuple[Any, RuleSet]] = {}
_analyses: dict[tuple[Any, ...], tuple[Any, Analysis]] = {}


def rules_of(schema: Mapping[str, Any]) -> RuleSet:
    """The (cached) clauses of object ``schema``: the same `Clause` objects on every call."""
    found = _rulesets.get(id(schema))
    if found is None or found[0] is not schema:
        found = _rulesets[id(schema)] = (schema, read_clauses(schema))
    return found[1]


def analyse(
    schema: Mapping[str, Any], broken: Clause | None = None, quiet: tuple[Clause, ...] = ()
) -> Analysis:
    """The (cached) analysis of object ``schema``, optionally breaking clause ``broken`` (one
    of ``rules_of(schema).clauses``) and with the conditions of the ``quiet`` clauses off (so a
    value the invalid strategies break is not also narrowed by them)."""
    key = (id(schema), id(broken), tuple(id(c) for c in quiet))
    found = _analyses.get(key)
    if found is None or found[0][0] is not schema or found[0][1] is not broken:
        analysis = Analysis(schema, rules_of(schema), broken, quiet)
        found = _analyses[key] = ((schema, broken, quiet), analysis)
    return found[1]


# -- drawing ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    """What one parameter is in a drawn scenario: absent, or present with a value source.

    Exactly one of ``value`` (a concrete value), ``values`` (a strategy), ``schema`` (a schema
    to draw from) is set for a present leaf; none for a present object.
    """

    present: bool
    value: Any = None
    has_value: bool = False
    strategy: Any = None
    schema: Any = None


Pins = Mapping[str, Any]
PinTest = Callable[[str], Any]


class ScenarioPlan:
    """Draws consistent scenarios of one analysis under pins and a form.

    ``pinned_presence(path)`` says True/False when pins force a parameter present/absent
    (None: free); ``pinned_value(path)`` gives a concrete pinned value or a private sentinel.
    Paths given to them are absolute (``base`` joined with the analysis' relative paths).
    """

    def __init__(
        self,
        analysis: Analysis,
        base: str,
        form: str,
        pinned_presence: PinTest,
        pinned_value: PinTest,
        below_compatible: Callable[[str, Any], bool],
        no_value: Any,
    ) -> None:
        self.analysis = analysis
        self.base = base
        self.options: list[list[Option | None]] = []
        for var in analysis.variables:
            self.options.append(
                [
                    self._pin(
                        var, option, pinned_presence, pinned_value, below_compatible, no_value
                    )
                    for option in var.options
                ]
            )
        self.tries = []
        for order, solutions in zip(analysis.components, analysis.solutions, strict=True):
            kept = [
                s
                for s in solutions
                if all(self.options[v][o] is not None for v, o in zip(order, s, strict=True))
            ]
            if not kept:
                names = [m for v in order for m in analysis.variables[v].members]
                raise UnsupportedSchema(f"pins leave no way to satisfy the rules on {names}")
            kept = self._form(order, kept, form)
            self.tries.append((order, _trie(kept)))
        self._value_strategies: dict[int, Any] = {}

    def member_paths(self) -> dict[str, bool]:
        """Every parameter this plan decides (absolute path), True for an object."""
        return {
            join(self.base, m): self.analysis.is_object(m)
            for var in self.analysis.variables
            for m in var.members
        }

    def value_schemas(self) -> list[tuple[str, Any]]:
        """``(absolute path, schema)`` of every value an allowed option may draw from a schema."""
        out = []
        for options in self.options:
            for option in options:
                if option is None or option.kind not in ("schema", "free", "tuples"):
                    continue
                for member in sorted(option.present):
                    if option.kind == "schema":
                        out.append((join(self.base, member), option.data))
                    elif option.kind == "free" or any(member not in t for t in option.data):
                        out.append((join(self.base, member), self.analysis.schema_at(member)))
        return out

    def _pin(
        self,
        var: Variable,
        option: Option,
        presence: PinTest,
        value: PinTest,
        below_ok: Callable[[str, Any], bool],
        no_value: Any,
    ) -> Option | None:
        data = option.data
        for member in var.members:
            where = join(self.base, member)
            forced = presence(where)
            if forced is not None and forced != (member in option.present):
                return None
            if member not in option.present:
                continue
            pinned = value(where)
            if pinned is not no_value:
                key = json_key(pinned)
                if option.kind == "values":
                    data = [v for v in data if json_key(v) == key]
                    if not data:
                        return None
                elif option.kind == "tuples":
                    data = [t for t in data if json_key(t[member]) == key]
                    if not data:
                        return None
                elif option.kind == "schema" and not accepts(option.data, pinned):
                    return None
            if option.kind == "schema" and not below_ok(where, option.data):
                return None
        return (
            option
            if data is option.data
            else Option(option.present, option.kind, data, option.truths)
        )

    def _form(
        self, order: tuple[int, ...], solutions: list[tuple[int, ...]], form: str
    ) -> list[tuple[int, ...]]:
        if form == "any":
            return solutions
        masks = {}
        for solution in solutions:
            present = frozenset().union(
                *(
                    self.analysis.variables[v].options[o].present
                    for v, o in zip(order, solution, strict=True)
                )
            )
            masks[solution] = present
        distinct = set(masks.values())
        if form == "minimal":
            best = {m for m in distinct if not any(o < m for o in distinct)}
        else:
            best = {m for m in distinct if not any(o > m for o in distinct)}
        return [s for s in solutions if masks[s] in best]

    def draw(self, draw: st.DrawFn) -> dict[str, Decision]:
        """One scenario: a decision for every parameter the rules name (absolute paths)."""
        decisions: dict[str, Decision] = {}
        for order, trie in self.tries:
            node = trie
            for var in order:
                keys, children, choose = node
                if len(keys) == 1:
                    picked = keys[0]
                else:
                    if choose is None:
                        choose = node[2] = st.sampled_from(keys)
                    picked = draw(choose)
                self._decide(draw, var, picked, decisions)
                node = children[picked]
        return decisions

    def _choices(self, option: Option) -> st.SearchStrategy[Any]:
        """``sampled_from`` over an option's values or rows, built once."""
        found = self._value_strategies.get(id(option))
        if found is None or found[0] is not option:
            found = self._value_strategies[id(option)] = (option, st.sampled_from(option.data))
        return found[1]

    def _decide(self, draw: st.DrawFn, var: int, index: int, out: dict[str, Decision]) -> None:
        option = self.options[var][index]
        assert option is not None
        members = self.analysis.variables[var].members
        row = draw(self._choices(option)) if option.kind == "tuples" else None
        for member in members:
            where = join(self.base, member)
            if member not in option.present:
                out[where] = Decision(False)
            elif option.kind == "tuples" and member in row:
                out[where] = Decision(True, value=row[member], has_value=True)
            elif option.kind == "values":
                out[where] = Decision(True, strategy=self._choices(option))
            elif option.kind in ("schema", "free", "tuples"):
                schema = option.data if option.kind == "schema" else self.analysis.schema_at(member)
                out[where] = Decision(True, schema=schema)
            else:
                out[where] = Decision(True)


def _trie(solutions: list[tuple[int, ...]]) -> Any:
    """Nested choices: [option indexes in order, child per index, strategy over them]."""
    if not solutions or not solutions[0]:
        return None
    groups: dict[int, list[tuple[int, ...]]] = {}
    for solution in sorted(solutions):
        groups.setdefault(solution[0], []).append(solution[1:])
    keys = sorted(groups)
    return [keys, {k: _trie(rest) for k, rest in groups.items()}, None]


def clause_exclusions(clauses: list[Clause]) -> list[tuple[str, ...]]:
    """Keys an unconditional ``not: {required: [...]}`` keeps from appearing all together."""
    out = []
    for clause in clauses:
        if (
            clause.kind in (EXCLUSION,)
            and isinstance(clause.effect, All)
            and all(isinstance(p, Present) for p in clause.effect.parts)
        ):
            out.append(tuple(p.path for p in clause.effect.parts))  # type: ignore[union-attr]
    return out
