"""Render document templates in Jinja2's sandbox, confined to their template folders.

A repository's own `templates/` may come from anyone who can open a pull request, so every
template (the repository's and qmskit's) renders in `SandboxedEnvironment`: no attribute that
starts with an underscore, no `str.format` tricks, no giant powers or repetitions, and no file
outside the template folders, even through a symbolic link. Every failure becomes a
`TemplateProblem` that names the template file and line.
"""

from __future__ import annotations

import operator
import os
import signal
import threading
import traceback
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import yaml
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from qms.errors import QmsError

MAX_POWER = 64  # exponents above this are refused: 9 ** 999999999 would run for minutes
MAX_REPEAT = 100_000  # "x" * n and [x] * n may not build more items than this
# A document is a few pages: a render past these limits is a template that loops or builds without end.
MAX_OUTPUT = 2_000_000  # characters
MAX_SECONDS = 5
MAX_EXTRA_MEMORY = 512 << 20  # bytes of address space beyond what the process holds when the render starts


class TemplateProblem(QmsError):
    """A template could not be rendered; the message names the file and the line."""


class _TooLong(Exception):
    """The render ran past MAX_SECONDS."""


class _TooBig(Exception):
    """The render wrote more than MAX_OUTPUT characters."""


class _ConfinedLoader(FileSystemLoader):
    """FileSystemLoader that refuses a file whose real path leaves its template folder."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = os.path.realpath(filename or "")
        if not any(real.startswith(os.path.realpath(folder) + os.sep) for folder in self.searchpath):
            raise TemplateNotFound(template, f"{template} leads outside the template folders")
        return source, filename, uptodate


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset(["**", "*"])

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise SecurityError(f"a power above {MAX_POWER} is not allowed in a template")
            return operator.pow(left, right)
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_REPEAT:
                raise SecurityError(f"repeating a value into more than {MAX_REPEAT} items is not allowed in a template")
        return operator.mul(left, right)


def yaml_value(value: Any) -> str:
    """A value written for front-matter: quoted only when YAML needs it (`title: {{ title | yaml }}`)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10_000, sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...")


class Templates:
    """Templates looked up first in `folders[0]` (the repository's own), then in the others."""

    def __init__(self, folders: list[Path], root: Path) -> None:
        self.root = root
        existing = [str(f) for f in folders if f.is_dir()]
        self.env = _Sandbox(loader=_ConfinedLoader(existing), undefined=StrictUndefined, keep_trailing_newline=True,
                            autoescape=False)
        self.env.filters["yaml"] = yaml_value

    def has(self, name: str) -> bool:
        try:
            self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        except TemplateNotFound:
            return False
        return True

    def source_of(self, name: str) -> Path:
        _, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        return Path(filename or name)

    def render(self, name: str, context: dict[str, Any]) -> str:
        where = self.display(self.source_of(name))
        try:
            with _limits():
                return _collect(cast(Generator[str, None, None], self.env.get_template(name).generate(**context)))
        except _TooLong as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: the template still ran after {MAX_SECONDS} s, so it was "
                                  "stopped; correct the loop that does not end") from None
        except _TooBig as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: the template wrote more than {MAX_OUTPUT:,} characters, so "
                                  "it was stopped; correct the loop that does not end") from None
        except MemoryError as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: the template builds a value larger than a document "
                                  "template may, so it was stopped; correct the template") from None
        except RecursionError as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: a macro or include calls itself without end; "
                                  "correct the template") from None
        except TemplateSyntaxError as exc:
            raise TemplateProblem(f"{self.display(Path(exc.filename)) if exc.filename else where}:{exc.lineno}: "
                                  f"{exc.message}; correct the template") from None
        except TemplateNotFound as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: includes '{exc.name}', which is not a template in "
                                  "templates/ or among qmskit's own; templates may include only each other") from None
        except SecurityError as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: refused by the template sandbox: {exc}") from None
        except TemplateError as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: {exc.message or exc}; correct the template") from None
        except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError) as exc:
            raise TemplateProblem(f"{self._at(exc, where)}: {type(exc).__name__}: {exc}; correct the template") from None

    def _at(self, exc: BaseException, fallback: str) -> str:
        """file:line of the innermost template frame of the error (Jinja rewrites tracebacks so they show it)."""
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
        if not frames:
            return fallback
        return f"{self.display(Path(frames[-1].filename))}:{frames[-1].lineno}"

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return f"qmskit's {path.parent.name}/{path.name}"


def _collect(chunks: Generator[str, None, None]) -> str:
    out: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            chunks.throw(_TooBig())  # raised where the template is, so the error names its line
        out.append(chunk)
    return "".join(out)


@contextmanager
def _limits() -> Iterator[None]:
    """A time limit (SIGALRM, in the main thread only) and an address-space limit (Linux) around one render."""
    with _time_limit(), _memory_limit():
        yield


@contextmanager
def _time_limit() -> Iterator[None]:
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise _TooLong()

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _memory_limit() -> Iterator[None]:
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            in_use = int(statm.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    limit = in_use + MAX_EXTRA_MEMORY
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield  # already tighter than ours
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
