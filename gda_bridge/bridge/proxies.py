"""Python classes that implement Java interfaces, written as Jython wrote them.

Jython let a Python class name a Java interface as a base (``class Job(Runnable)``) and handed its
instances to Java as that interface. JPype refuses Java bases ("Java classes cannot be extended in
Python"), so :func:`install_java_subclassing` wraps ``builtins.__build_class__``: a class statement
whose bases include Java interfaces builds an ordinary Python class on
:class:`JavaInterfaceImplementation` (a JPype proxy), and its instances are the Java objects:
``Thread(Job()).start()``, ``executor.submit(task)``, ``support.addPropertyChangeListener(l)``.
Class statements without a Java base are built exactly as before.

- The interfaces' methods are looked up by name on the instance when Java calls them (no
  ``@JOverride`` needed); one that is missing fails when Java calls it, as in Jython.
- A value Java cannot hold (a dict, a tuple...) returned from a method declared to return
  ``Object`` (``Callable.call``) is passed through opaquely, so ``future.get()`` gives back the
  Python value itself.
- A class that defines ``toString`` and no ``__str__``/``__repr__`` prints as its ``toString()``.
- ``java.lang.Thread`` as a base gives a Runnable that owns its thread (see java_thread).
- Any other Java *class* as a base is refused with a message saying what works instead.
"""

from __future__ import annotations

import builtins
import functools
import logging
from collections.abc import Callable
from typing import Any

import _jpype
import jpype

from gda_bridge.bridge.java_thread import ThreadSubclass, install_thread_init
from gda_bridge.bridge.jvm import ensure_jvm
from gda_bridge.core.errors import GdaBridgeError

log = logging.getLogger("gda_bridge.bridge")

_plain_build_class = builtins.__build_class__
_HOLDER_INTERFACE = "java.io.Serializable"
# Values JPype turns into a java.lang.Object by itself; anything else is held opaquely.
_CONVERTIBLE = (str, int, float, bool, type(None), jpype.JObject, _jpype._JProxy)


class JavaSubclassError(GdaBridgeError, TypeError):
    """A class statement names a Java class that Python cannot extend."""


def is_java_type(obj: object) -> bool:
    """True for a Java class or interface as JPype presents it."""
    return isinstance(obj, _jpype._JClass)


def is_java_interface(cls: object) -> bool:
    return is_java_type(cls) and bool(cls.class_.isInterface())  # type: ignore[attr-defined]


class _Dispatch:
    """What JPype calls for Java's calls on a proxy: the instance's attributes, with the results
    of ``Object``-returning methods made holdable by Java."""

    __slots__ = ("_gda_target", "_gda_object_methods")

    def __init__(self, object_methods: frozenset[str]) -> None:
        self._gda_target: Any = None
        self._gda_object_methods = object_methods

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._gda_target, name)
        if name in self._gda_object_methods and callable(attr):
            return _returning_java(attr)
        return attr


def _returning_java(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(*args: Any) -> Any:
        return java_holdable(method(*args))

    return call


def java_holdable(value: Any) -> Any:
    """``value`` as something a Java ``Object`` can hold: itself when JPype converts it, else an
    opaque proxy that turns back into ``value`` when it comes back to Python."""
    if isinstance(value, _CONVERTIBLE):
        return value
    return _jpype._JProxy(value, _NoMethods(), (jpype.JClass(_HOLDER_INTERFACE),), True)


class _NoMethods:
    """The dispatch of a value holder: its marker interface has no methods."""


class JavaInterfaceImplementation(_jpype._JProxy):
    """The base of Python classes that implement Java interfaces (see the module docstring).

    ``__java_interfaces__`` lists the interfaces (inherited ones included).
    """

    __java_interfaces__: tuple[Any, ...] = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> JavaInterfaceImplementation:
        dispatch = _Dispatch(_object_returning_methods(cls))
        self = _jpype._JProxy.__new__(cls, None, dispatch, cls.__java_interfaces__)
        dispatch._gda_target = self
        return self

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        use_to_string(cls)


def _object_returning_methods(cls: type) -> frozenset[str]:
    """Names of the interfaces' methods that return ``java.lang.Object`` (cached per class)."""
    cached = cls.__dict__.get("_gda_object_methods")
    if cached is not None:
        return cached
    returns: dict[str, set[str]] = {}
    for interface in cls.__java_interfaces__:  # type: ignore[attr-defined]
        for method in interface.class_.getMethods():
            returns.setdefault(str(method.getName()), set()).add(str(method.getReturnType().getName()))
    found = frozenset(name for name, types in returns.items() if types == {"java.lang.Object"})
    cls._gda_object_methods = found  # type: ignore[attr-defined]
    return found


def implementing_class(
    func: Callable[[], None], name: str, bases: tuple[Any, ...], kwargs: dict[str, Any]
) -> type:
    """Build the class statement ``class name(*bases)`` whose bases include Java interfaces."""
    java: list[Any] = []
    python: list[Any] = []
    for base in bases:
        if not is_java_type(base):
            python.append(base)
        elif str(base.class_.getName()) == "java.lang.Thread":
            python.append(ThreadSubclass)
            java.append(jpype.JClass("java.lang.Runnable"))
        elif is_java_interface(base):
            java.append(base)
        else:
            raise JavaSubclassError(
                f"class {name}: {base.class_.getName()} is a Java class, which a Python class cannot "
                "extend on CPython; a Python class can implement Java interfaces (Runnable, "
                "Callable, listeners) or subclass java.lang.Thread, or wrap an instance of the Java class"
            )
    inherited = [i for b in python for i in getattr(b, "__java_interfaces__", ())]
    if not any(isinstance(b, type) and issubclass(b, JavaInterfaceImplementation) for b in python):
        python = [b for b in python if b is not object]  # `class T(object, Runnable)`: keep the MRO valid
        python.append(JavaInterfaceImplementation)
    cls = _plain_build_class(func, name, *python, **kwargs)
    cls.__java_interfaces__ = tuple(dict.fromkeys([*inherited, *java]))
    return cls


def use_to_string(cls: type) -> None:
    """Make a class that defines ``toString`` (and neither ``__str__`` nor ``__repr__``) print as
    it: GDA's Jython showed an object's ``toString()`` in ``print`` and at the console."""
    if not callable(cls.__dict__.get("toString")):
        return
    if "__str__" not in cls.__dict__:
        cls.__str__ = _to_string  # type: ignore[method-assign]
    if "__repr__" not in cls.__dict__:
        cls.__repr__ = _to_string  # type: ignore[method-assign]


def _to_string(self: Any) -> str:
    return str(self.toString())


def _build_class(func: Callable[[], None], name: str, *bases: Any, **kwargs: Any) -> Any:
    if kwargs.get("internal") or not any(is_java_type(b) for b in bases):
        return _plain_build_class(func, name, *bases, **kwargs)
    return implementing_class(func, name, bases, kwargs)


def install_java_subclassing() -> None:
    """From now on, class statements may name Java interfaces as bases (process-wide; idempotent).
    Classes without a Java base are built by Python's own ``__build_class__``, unchanged."""
    ensure_jvm()
    install_thread_init()
    if builtins.__build_class__ is not _build_class:
        builtins.__build_class__ = _build_class
        log.debug("class statements may now implement Java interfaces")
