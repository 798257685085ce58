#!/usr/bin/env python3
# The command line a systemd unit runs, for tests that start the installed
# binaries the way the unit would without a running systemd: ExecStart= of
# UNIT with %i set to INSTANCE and the variables of its EnvironmentFile=
# expanded as systemd does ("${X}" inside a word: the value as it is; "$X"
# as a word of its own: the value split at whitespace, no word if empty).
# Prints the words, one per line (none of ours holds a newline).
# Usage: unit_exec.py UNIT INSTANCE [KEY]   (KEY: ExecStart by default)
import re
import shlex
import sys


def unit_values(path, key, instance):
    """Every value of KEY= in the unit file, with %i replaced."""
    out = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.endswith("\\"):
            sys.exit(f"{path}: continued lines are not handled")
        if line.startswith(key + "="):
            out.append(line[len(key) + 1:].replace("%i", instance))
    return out


def env_file(path):
    env = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        k, sep, v = line.partition("=")
        if not sep:
            sys.exit(f"{path}: not NAME=value: {line}")
        v = v.strip()
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
            v = v[1:-1]
        env[k.strip()] = v
    return env


def expand(cmdline, env):
    words = []
    for w in shlex.split(cmdline):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            words.extend(env.get(m.group(1), "").split())
        else:
            words.append(re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}",
                                lambda g: env.get(g.group(1), ""), w))
    return words


def main():
    unit, instance = sys.argv[1], sys.argv[2]
    key = sys.argv[3] if len(sys.argv) > 3 else "ExecStart"
    env = {}
    for f in unit_values(unit, "EnvironmentFile", instance):
        env.update(env_file(f.lstrip("-")))
    cmds = unit_values(unit, key, instance)
    if len(cmds) != 1:
        sys.exit(f"{unit}: expected one {key}=, found {len(cmds)}")
    for w in expand(cmds[0], env):
        print(w)


main()
