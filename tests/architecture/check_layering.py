#!/usr/bin/env python3
"""Fails if an engine or console module includes a module it may not depend on.

Modules depend one way (DESIGN.md): base < log, codec < state < runtime <
pipelines < views < control < jobs < cluster, reprocessing < service; metrics and the sqlite adapter sit low. Each public header in
engine/include/kappa/ belongs to one module, so including it is a dependency
on that module too. A new module or public header must be added here.
"""
import pathlib
import re
import sys

# module -> modules it may include (besides itself)
ALLOWED = {
    "base": set(),
    "metrics": {"base"},
    "log": {"base", "metrics"},
    "kafka": {"base", "metrics", "log"},
    "codec": {"base"},
    "sqlite": {"base"},
    "samples": {"base", "codec"},
    "state": {"base", "metrics", "log", "codec"},
    "runtime": {"base", "metrics", "log", "codec", "state"},
    "pipelines": {"base", "metrics", "log", "codec", "state", "runtime"},
    "views": {"base", "metrics", "log", "codec", "sqlite", "state", "runtime", "pipelines"},
    "control": {"base", "metrics", "log", "codec", "sqlite", "state", "runtime", "pipelines", "views"},
    "jobs": {"base", "metrics", "log", "codec", "sqlite", "state", "runtime", "pipelines", "views", "control"},
    "cluster": {"base", "metrics", "log", "codec", "sqlite", "state", "runtime", "pipelines", "views", "control",
                "jobs", "kafka"},
    "reprocessing": {"base", "metrics", "log", "codec", "sqlite", "state", "runtime", "pipelines", "views", "control",
                     "jobs"},
    "service": {"base", "metrics", "log", "codec", "sqlite", "samples", "state", "runtime", "pipelines", "views",
                "control", "jobs", "reprocessing", "kafka", "cluster"},
}

PUBLIC_HEADER_OWNER = {
    "status.h": "base",
    "types.h": "base",
    "clock.h": "base",
    "file_system.h": "base",
    "fault_injection_file_system.h": "base",
    "event_log.h": "log",
    "local_log.h": "log",
    "kafka_log.h": "kafka",
    "event.h": "codec",
    "event_codec.h": "codec",
    "schema_registry.h": "codec",
    "catalog.h": "control",
    "sample_generator.h": "samples",
}

# The console talks to kappad only over HTTP: it includes none of the engine.
# console module -> console modules it may include (besides itself)
CONSOLE_ALLOWED = {
    "client": set(),
    "models": {"client"},
    "charts": {"client", "models"},
    "views": {"client", "models", "charts"},
    "wizards": {"client", "models", "charts", "views"},
    "app": {"client", "models", "charts", "views", "wizards"},
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def owner_of(include):
    if include.startswith("kappa/"):
        return PUBLIC_HEADER_OWNER.get(include[len("kappa/"):], "?unknown public header")
    first = include.split("/", 1)[0]
    return first if "/" in include else None  # a sibling header of the same module


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    problems = []
    for header in (root / "engine/include/kappa").glob("*.h"):
        if header.name not in PUBLIC_HEADER_OWNER:
            problems.append(f"{header}: public header not assigned to a module in {__file__}")
    sources = list((root / "engine/src").rglob("*.h")) + list((root / "engine/src").rglob("*.cpp"))
    headers = {h: PUBLIC_HEADER_OWNER.get(h.name) for h in (root / "engine/include/kappa").glob("*.h")}
    files = [(s, s.relative_to(root / "engine/src").parts[0]) for s in sources]
    files += [(h, m) for h, m in headers.items() if m]
    for path, module in files:
        if module not in ALLOWED:
            problems.append(f"{path}: module '{module}' is not declared in {__file__}")
            continue
        for include in INCLUDE.findall(path.read_text(encoding="utf-8")):
            target = owner_of(include)
            if target is None or target == module:
                continue
            if target not in ALLOWED[module]:
                problems.append(f"{path}: module '{module}' may not include \"{include}\" (module '{target}')")
    console = [(s, s.relative_to(root / "console/src").parts[0])
               for s in list((root / "console/src").rglob("*.h")) + list((root / "console/src").rglob("*.cpp"))]
    for path, module in console:
        if module not in CONSOLE_ALLOWED:
            problems.append(f"{path}: console module '{module}' is not declared in {__file__}")
            continue
        for include in INCLUDE.findall(path.read_text(encoding="utf-8")):
            target = include.split("/", 1)[0] if "/" in include else None
            if include.startswith("kappa/") or (target and target not in CONSOLE_ALLOWED):
                problems.append(f"{path}: the console may not include the engine's \"{include}\"")
            elif target and target != module and target not in CONSOLE_ALLOWED[module]:
                problems.append(f"{path}: console module '{module}' may not include \"{include}\"")
    files += console
    for problem in problems:
        print(problem)
    print(f"checked {len(files)} files: {len(problems)} layering violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
