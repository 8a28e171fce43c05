"""The ``status`` a version of a NEP file declares, read cheaply for every version in history."""

from __future__ import annotations

import re


_STATUS_KEY = re.compile(r"""(?:status|"status"|'status')[ \t]*:(?:[ \t]|$)""")


def _is_marker(line: str) -> bool:
    return line.rstrip(" \t\r") == "---"


def front_matter_status(data: bytes) -> str | None:
    """The top-level ``status`` string of a NEP file's front matter, or None.

    None when the file is not UTF-8, has no ``---`` delimited front matter,
    no ``status`` key, a duplicated one, or a value that is not a string.
    Only the lines up to the end of the ``status`` entry are parsed when the
    key sits on a line of its own at column 0 (the common case); a syntax
    error further down the front matter is not looked for.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.split("\n")
    if not lines or not _is_marker(lines[0]):
        return None
    end = next((i for i in range(1, len(lines)) if _is_marker(lines[i])), None)
    if end is None:
        return None
    fm = lines[1:end]
    candidates = [i for i, line in enumerate(fm) if _STATUS_KEY.match(line)]
    if len(candidates) == 1:
        k = candidates[0]
        stop = next((j for j in range(k + 1, len(fm)) if fm[j][:1] not in ("", " ", "\t")), len(fm))
        found, value = _yaml_status("\n".join(fm[:stop]))
        if found:
            return value
    elif not candidates and "status" not in "\n".join(fm):
        return None
    # Unusual layout (flow mapping, duplicated key, key inside a multi-line
    # scalar...): let the YAML parser decide on the whole front matter.
    return _yaml_status("\n".join(fm))[1]


def _yaml_status(text: str) -> tuple[bool, str | None]:
    """(a single top-level ``status`` key was found, its value if a string)."""
    import yaml

    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
        if not isinstance(node, yaml.MappingNode):
            return False, None
        values = [v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "status"]
        if len(values) != 1:
            return len(values) > 1, None  # a duplicated key makes the file unreadable
        value = loader.construct_object(values[0], deep=True)
        return True, value if isinstance(value, str) else None
    except yaml.YAMLError:
        return False, None
    except (ValueError, TypeError, RecursionError):
        return False, None
    finally:
        loader.dispose()


