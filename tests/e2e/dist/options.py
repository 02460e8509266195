"""options.py - the options and values each shell completion offers must be
those dockfix's --help texts list, for tests/e2e/dist.sh.

usage: python3 options.py DOCKFIX COMPLETIONS_DIR
Prints `ok: ...` or `FAIL: ...` lines, one a comparison.
"""
import re
import subprocess
import sys

bin, cdir = sys.argv[1:3]


def run(*args):
    return subprocess.run([bin, *args], capture_output=True, text=True).stdout


def help_opts(text):
    """Options of a help text: the `  -x, --long ARG   description` lines."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^  (-\w|--[\w-]+)(?:, (--[\w-]+))?(?=\s)", line)
        if m:
            opts.update(o for o in m.groups() if o)
    return opts


def help_values(text, key):
    """`node, python, go, java, or static (nginx-unprivileged)` -> the words."""
    for line in text.splitlines():
        m = re.match(r"^  %s(?: [A-Z.,]+)?\s{2,}(.*)$" % re.escape(key), line)
        if m:
            v = re.sub(r"\([^)]*\)", "", m.group(1))
            v = v.split(";")[0]
            return {w for w in re.split(r"[,\s]+", v) if w and w != "or"}
    raise SystemExit("options.py: no %s line in the help" % key)


main_help, init_help, inspect_help = run("--help"), run("init", "--help"), run("inspect", "--help")
rules_help = run("rules", "--help")
want = {
    "check": help_opts(main_help),
    "init": help_opts(init_help),
    "inspect": help_opts(inspect_help),
    "rules": set(re.findall(r"--[\w-]+", rules_help)) | {"-h", "--help"},
}
values = {
    "formats": help_values(main_help, "--format"),
    "severities": help_values(main_help, "--fail-on"),
    "colors": help_values(main_help, "--color"),
    "stacks": help_values(init_help, "STACK"),
    "dbs": help_values(init_help, "--db"),
}
values["colors"] = {w for w in values["colors"] if w not in ("NO_COLOR", "is", "honoured")}

bash = open(cdir + "/dockfix.bash").read()
zsh = open(cdir + "/_dockfix").read()
fish = open(cdir + "/dockfix.fish").read()

have = {"bash": {}, "zsh": {}, "fish": {}}
for cmd in want:
    m = re.search(r"local %s_opts='([^']*)'" % cmd, bash)
    have["bash"][cmd] = set(m.group(1).split()) if m else set()
    m = re.search(r"\n\t%s_opts=\(\n(.*?)\n\t\)" % cmd, zsh, re.S)
    z = set()
    for spec in (m.group(1).splitlines() if m else []):
        s = re.sub(r"^\s*'(\([^)]*\))?\*?", "", spec)
        o = re.match(r"-[\w-]+", s)
        if o:
            z.add(o.group(0))
    have["zsh"][cmd] = z
    f = set()
    fc = "check" if cmd == "check" else cmd
    for line in fish.splitlines():
        if not line.startswith("complete -c dockfix -n '__dockfix_using %s'" % fc):
            continue
        f.update("-" + s for s in re.findall(r" -s (\w)", line))
        f.update("--" + s for s in re.findall(r" -l ([\w-]+)", line))
    have["fish"][cmd] = f

fails = 0
for shell in ("bash", "zsh", "fish"):
    for cmd, w in want.items():
        h = have[shell][cmd]
        if h == w:
            print("ok: %s %s options" % (shell, cmd))
        else:
            fails += 1
            print("FAIL: %s completion of %s: missing %s, not in --help %s" % (
                shell, cmd, sorted(w - h) or "-", sorted(h - w) or "-"))

# Values: bash variables, zsh (a b c) lists, fish -a '...' lists.
zlists = {"formats": r"'--format=\[[^]]*\]:format:\(([^)]*)\)'", "severities": r"'--fail-on=\[[^]]*\]:severity:\(([^)]*)\)'",
          "colors": r"'--color=\[[^]]*\]:when:\(([^)]*)\)'", "stacks": r"'1:stack:\(([^)]*)\)'",
          "dbs": r"'--db=\[[^]]*\]:database:\(([^)]*)\)'"}
flists = {"formats": r"-l format -x -a '([^']*)'", "severities": r"-l fail-on -x -a '([^']*)'",
          "colors": r"-l color -x -a '([^']*)'", "stacks": r"-a '([^']*)' -d stack", "dbs": r"-l db -x -a '([^']*)'"}
# (`dockfix rules --format` takes text and json only: left out here.)
zsh_nr = re.sub(r"\n\trules_opts=\(\n.*?\n\t\)", "", zsh, flags=re.S)
fish_nr = "\n".join(l for l in fish.splitlines() if "__dockfix_using rules" not in l)
for name, w in values.items():
    got = {
        "bash": re.findall(r"local %s='([^']*)'" % name, bash),
        "zsh": re.findall(zlists[name], zsh_nr),
        "fish": re.findall(flists[name], fish_nr),
    }
    for shell, lists in got.items():
        bad = [l for l in lists if set(l.split()) != w]
        if lists and not bad:
            print("ok: %s %s" % (shell, name))
        else:
            fails += 1
            print("FAIL: %s completion's %s %s, --help says %s" % (shell, name, bad or "missing", sorted(w)))
sys.exit(1 if fails else 0)
