"""workflow.py - runs GitHub Actions steps the way a runner does, for
tests/e2e/dist.sh: the run: steps of action.yml and of the README's
"In CI (GitHub Actions)" snippets, exactly as written.

A run: step is written to a file and run with `bash --noprofile --norc -eo
pipefail FILE` (GitHub docs, "Workflow syntax": the bash shell), in the
workspace, with its env: and ${{ }} expressions evaluated (inputs.*,
steps.*.outputs.*, runner.temp, github.workspace), and GITHUB_OUTPUT,
GITHUB_ACTION_PATH, GITHUB_WORKSPACE, RUNNER_TEMP set. `if:` takes the
expression forms GitHub documents (&&, ||, !, ==, !=, 'strings',
success(), failure(), always(), cancelled()). uses: steps are stood in
for: actions/checkout (the workspace is already there; with repository:
a copy of the source tree at path:), OWNER/dockfix (this repository's
action.yml, with: as inputs) and github/codeql-action/upload-sarif (the
file must be SARIF 2.1.0 JSON).

usage: python3 workflow.py action ACTION.yml SRC WORKSPACE [NAME=VALUE...]
       python3 workflow.py readme README.md SRC WORKSPACE INDEX
SRC is the dockfix source tree (GITHUB_ACTION_PATH, and what a checkout of
the dockfix repository copies); DFX_ACTION_YML names the action.yml that
`uses: OWNER/dockfix@...` runs (default SRC/action.yml).
Prints one line a step and `job: success` or `job: failure`; exit 0 when
the steps could be run at all (the job's result is in the last line).
"""
import json
import os
import re
import shutil
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Ctx:
    def __init__(self, src, ws):
        self.src = os.path.abspath(src)
        self.ws = os.path.abspath(ws)
        self.temp = os.path.join(self.ws, "..", "runner-temp")
        os.makedirs(self.temp, exist_ok=True)
        self.temp = os.path.abspath(self.temp)
        self.steps = {}
        self.failed = False


def value(expr, ctx, inputs):
    """The value of a simple expression (a context path or a literal)."""
    e = expr.strip()
    if e.startswith("'") and e.endswith("'"):
        return e[1:-1].replace("''", "'")
    if e.startswith("inputs."):
        return inputs.get(e[7:], "")
    if e == "runner.temp":
        return ctx.temp
    if e == "github.workspace":
        return ctx.ws
    m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", e)
    if m:
        return ctx.steps.get(m.group(1), {}).get(m.group(2), "")
    raise SystemExit("workflow.py: unsupported expression: " + expr)


def substitute(text, ctx, inputs):
    return EXPR.sub(lambda m: value(m.group(1), ctx, inputs), str(text))


def condition(cond, ctx, inputs):
    """Evaluate an if: expression; without a status function, success() && ..."""
    if cond is None:
        return not ctx.failed
    c = str(cond).strip()
    m = EXPR.fullmatch(c)
    if m:
        c = m.group(1)
    toks = re.findall(r"'(?:[^']|'')*'|&&|\|\||==|!=|!|\(|\)|[\w.\-]+\(\)|[\w.\-]+", c)
    out = []
    status = False
    for t in toks:
        if t == "&&":
            out.append(" and ")
        elif t == "||":
            out.append(" or ")
        elif t == "!":
            out.append(" not ")
        elif t in ("==", "!=", "(", ")"):
            out.append(t)
        elif t == "success()":
            status = True
            out.append(repr(not ctx.failed))
        elif t == "failure()":
            status = True
            out.append(repr(ctx.failed))
        elif t == "always()":
            status = True
            out.append("True")
        elif t == "cancelled()":
            status = True
            out.append("False")
        else:
            out.append(repr(value(t, ctx, inputs)))
    ok = bool(eval("".join(out), {"__builtins__": {}}))
    return ok if status else ok and not ctx.failed


def run_script(step, ctx, inputs, extra_env, label):
    shell = step.get("shell", "bash")
    if shell != "bash":
        raise SystemExit("workflow.py: %s: shell %r is not stood in for" % (label, shell))
    script = os.path.join(ctx.temp, "step.sh")
    with open(script, "w") as f:
        f.write(substitute(step["run"], ctx, inputs))
    out = os.path.join(ctx.temp, "output")
    open(out, "w").close()
    env = dict(os.environ)
    env.update(extra_env)
    env.update({"GITHUB_OUTPUT": out, "GITHUB_WORKSPACE": ctx.ws, "RUNNER_TEMP": ctx.temp, "CI": "true"})
    for k, v in (step.get("env") or {}).items():
        env[k] = substitute(v, ctx, inputs)
    cwd = os.path.join(ctx.ws, step.get("working-directory", "."))
    rc = subprocess.call(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=cwd, env=env,
                         stdout=sys.stderr, stderr=sys.stderr)
    outputs = {}
    with open(out) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                outputs[k] = v
    if step.get("id"):
        ctx.steps[step["id"]] = outputs
    return rc


def upload_sarif(step, ctx, inputs, label):
    name = substitute((step.get("with") or {}).get("sarif_file", ""), ctx, inputs)
    path = os.path.join(ctx.ws, name)
    try:
        with open(path) as f:
            doc = json.load(f)
        ok = doc.get("version") == "2.1.0" and isinstance(doc.get("runs"), list)
    except (OSError, ValueError):
        ok = False
    print("%s: upload-sarif %s: %s" % (label, name, "valid SARIF 2.1.0" if ok else "NOT valid SARIF"))
    return 0 if ok else 1


def run_steps(steps, ctx, inputs, action_path, label):
    for i, step in enumerate(steps):
        name = "%s step %d (%s)" % (label, i + 1, step.get("name") or step.get("uses") or step.get("run", "").split("\n")[0])
        if not condition(step.get("if"), ctx, inputs):
            print("%s: skipped" % name)
            continue
        uses = step.get("uses")
        if uses is None:
            env = {"GITHUB_ACTION_PATH": action_path} if action_path else {}
            rc = run_script(step, ctx, inputs, env, name)
        elif uses.startswith("actions/checkout@"):
            w = step.get("with") or {}
            if w.get("repository"):
                dest = os.path.join(ctx.ws, w.get("path", "."))
                shutil.copytree(ctx.src, dest, symlinks=True)
            rc = 0
        elif uses.startswith("github/codeql-action/upload-sarif@"):
            rc = upload_sarif(step, ctx, inputs, name)
        elif re.fullmatch(r"[\w-]+/dockfix@[\w.\-]+", uses):
            w = {k: substitute(v, ctx, inputs) for k, v in (step.get("with") or {}).items()}
            rc = run_action(os.environ.get("DFX_ACTION_YML", os.path.join(ctx.src, "action.yml")), ctx, w, name)
        else:
            raise SystemExit("workflow.py: %s is not stood in for" % uses)
        print("%s: exit %d" % (name, rc))
        if rc != 0 and not step.get("continue-on-error"):
            ctx.failed = True


def run_action(path, ctx, given, label):
    with open(path) as f:
        action = yaml.safe_load(f)
    if action["runs"]["using"] != "composite":
        raise SystemExit("workflow.py: not a composite action")
    inputs = {}
    for k, spec in (action.get("inputs") or {}).items():
        inputs[k] = str(spec.get("default", ""))
    for k, v in given.items():
        if k not in inputs:
            raise SystemExit("workflow.py: %s: unknown input %s" % (label, k))
        inputs[k] = str(v)
    before = ctx.failed
    ctx.failed = False
    run_steps(action["runs"]["steps"], ctx, inputs, ctx.src, label)
    failed = ctx.failed
    ctx.failed = before
    return 1 if failed else 0


def readme_snippets(path):
    text = open(path).read()
    m = re.search(r"^### In CI \(GitHub Actions\)\n(.*?)(?=^#)", text, re.M | re.S)
    if not m:
        raise SystemExit("workflow.py: no \"In CI (GitHub Actions)\" section in " + path)
    return [yaml.safe_load(b) for b in re.findall(r"^```yaml\n(.*?)^```", m.group(1), re.M | re.S)]


def main():
    mode, path, src, ws = sys.argv[1:5]
    ctx = Ctx(src, ws)
    if mode == "action":
        given = dict(a.split("=", 1) for a in sys.argv[5:])
        rc = run_action(path, ctx, given, "action")
        ctx.failed = rc != 0
    else:
        doc = readme_snippets(path)[int(sys.argv[5])]
        steps = doc["jobs"][next(iter(doc["jobs"]))]["steps"] if "jobs" in doc else doc["steps"]
        run_steps(steps, ctx, {}, None, "readme")
    print("job: %s" % ("failure" if ctx.failed else "success"))


main()
