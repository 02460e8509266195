# Running one stack in its modes, the init projects, and the report.
# Sourced by run.sh.

RT_MODES="original safe unsafe volume"
mkdir -p "$RT_TMP/projects"

# The compose command for a working copy: docker-compose v1 reads
# docker-compose.yml and docker-compose.override.yml by itself; compose.yaml
# needs -f.
rt_dc() { # project dir
	_f=
	[ -f "$2/docker-compose.yml" ] || [ -f "$2/docker-compose.yaml" ] || {
		for c in compose.yaml compose.yml; do [ -f "$2/$c" ] && _f="-f $2/$c" && break; done
	}
	echo "docker-compose --ansi never -p $1 --project-directory $2 $_f"
}

rt_project_down() { # project dir [keep-volumes]
	_dc=$(rt_dc "$1" "$2")
	if [ "${3:-}" = keep ]; then
		(cd "$2" && timeout 120 $_dc down -t 1 --remove-orphans) >/dev/null 2>&1
	else
		(cd "$2" && timeout 120 $_dc down -v -t 1 --remove-orphans) >/dev/null 2>&1
		rm -f "$RT_TMP/projects/$1"
	fi
}

rt_down_all() {
	for p in "$RT_TMP"/projects/*; do
		[ -f "$p" ] || continue
		rt_project_down "$(basename "$p")" "$(cat "$p")"
	done
}

# The lines `MODE: break "TEXT"` of expect for a mode; prints each TEXT.
rt_expect_break() { # stackdir mode
	[ -f "$1/expect" ] || return 1
	sed -n "s/^$2:[[:space:]]*break[[:space:]]*\"\(.*\)\"[[:space:]]*\$/\1/p" "$1/expect" | grep .
}

rt_expect_value() { # stackdir key default
	v=
	[ -f "$1/expect" ] && v=$(sed -n "s/^$2[[:space:]]\{1,\}//p" "$1/expect" | head -n1)
	echo "${v:-$3}"
}

# Images the working copy needs that are neither present nor built by it.
rt_missing_images() { # project dir
	_dc=$(rt_dc "$1" "$2")
	{
		(cd "$2" && timeout 30 $_dc config 2>/dev/null) | /usr/bin/python3 -c '
import sys, yaml
d = yaml.safe_load(sys.stdin) or {}
for s in (d.get("services") or {}).values():
    if s.get("image") and not s.get("build"):
        print(s["image"])'
		find "$2" -name 'Dockerfile*' -type f | while read -r f; do
			stages=$(sed -n 's/^[Ff][Rr][Oo][Mm][[:space:]].*[[:space:]][Aa][Ss][[:space:]]\{1,\}\([^[:space:]]*\).*/\1/p' "$f")
			sed -n 's/^[Ff][Rr][Oo][Mm][[:space:]]\{1,\}\(--[^[:space:]]*[[:space:]]\{1,\}\)*\([^[:space:]]*\).*/\2/p' "$f" |
				while read -r i; do
					case " $(echo $stages) scratch " in *" $i "*) continue ;; esac
					echo "$i"
				done
		done
	} | sort -u | while read -r i; do
		case $i in *'$'*) continue ;; esac
		timeout 20 docker image inspect "$i" >/dev/null 2>&1 || echo "$i"
	done
}

# Wait until `check` passes, a container dies, or the time is up.
rt_wait_check() { # stackdir project dir mode seconds -> 0 pass
	_dc=$(rt_dc "$2" "$3")
	_start=$(date +%s)
	_end=$(( _start + $5 ))
	_settle=$(( _start + $(rt_expect_value "$1" settle 20) ))
	_log=$RT_LOGS/$2.check.log
	: >"$_log"; rm -f "$_log.prev" "$_log.prev2"; _prev2=
	while :; do
		if (cd "$3" && DC="$_dc" PROJECT="$2" RT_MODE="$4" RT_LIB="$RT_HERE/lib" timeout 60 "$1/check") >"$_log.last" 2>&1; then
			cat "$_log.last" >>"$_log"
			return 0
		fi
		cat "$_log.last" >>"$_log"
		# Numbers (times, ids, file names) differ from try to try.
		sed 's/[0-9][0-9]*/N/g' "$_log.last" >"$_log.norm"; mv "$_log.norm" "$_log.last"
		# The same failure again and again once the stack had time to
		# settle: it will not change.
		if [ "$(date +%s)" -ge "$_settle" ] && [ -n "${_prev2:-}" ] &&
			cmp -s "$_log.last" "$_log.prev" && cmp -s "$_log.prev" "$_log.prev2"; then
			echo "the same failure for 3 tries after $(( _settle - _start )) s" >>"$_log"; return 1
		fi
		[ -f "$_log.prev" ] && { cp "$_log.prev" "$_log.prev2"; _prev2=1; }
		cp "$_log.last" "$_log.prev"
		# A container that exited with an error, or keeps restarting, will not recover.
		dead=
		for id in $(cd "$3" && timeout 30 $_dc ps -q 2>/dev/null); do
			st=$(timeout 10 docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.Name}}' "$id" 2>/dev/null)
			read -r st_s st_c st_r st_n <<EOF2
$st
EOF2
			if { [ "$st_s" = exited ] && [ "$st_c" != 0 ]; } || [ "${st_r:-0}" -ge 2 ] || [ "$st_s" = dead ]; then
				dead="$dead ${st_n#/}"
			fi
		done
		if [ -n "$dead" ]; then echo "container(s) stopped:$dead" >>"$_log"; sleep 1
			(cd "$3" && DC="$_dc" PROJECT="$2" RT_MODE="$4" RT_LIB="$RT_HERE/lib" timeout 60 "$1/check") >"$_log.last" 2>&1 && return 0
			return 1
		fi
		[ "$(date +%s)" -ge "$_end" ] && { echo "no pass within $5 s" >>"$_log"; return 1; }
		sleep 2
	done
}

# The lines of the containers' logs that say what went wrong.
rt_symptom() { # project dir
	_dc=$(rt_dc "$1" "$2")
	(cd "$2" && timeout 30 $_dc logs --no-color --tail 60 2>&1) >"$RT_LOGS/$1.compose.log"
	grep -iE 'denied|error|fatal|emerg|refused|fail|not permitted|cannot|can.t|No such|unable|invalid|exited' "$RT_LOGS/$1.compose.log" |
		grep -v 'ERROR: for\|^Attaching\|logical replication launcher' | awk '!s[$0]++' | tail -n 3 | sed 's/^/    /'
	tail -n 2 "$RT_LOGS/$1.check.log" 2>/dev/null | sed 's/^/    check: /'
}

# Start a working copy and check it: 0 pass, 1 fail, 2 harness problem.
rt_up_check() { # stackdir project dir mode
	_dc=$(rt_dc "$2" "$3")
	echo "$3" >"$RT_TMP/projects/$2"
	miss=$(rt_missing_images "$2" "$3")
	if [ -n "$miss" ]; then
		echo "no stand-in image for:" $miss >"$RT_TMP/why.$2"
		return 2
	fi
	if ! (cd "$3" && COMPOSE_DOCKER_CLI_BUILD=1 DOCKER_BUILDKIT=1 timeout 600 $_dc up -d --build) >"$RT_LOGS/$2.up.log" 2>&1; then
		tail -n 3 "$RT_LOGS/$2.up.log" | sed 's/^/    /' >"$RT_TMP/why.$2"
		return 1
	fi
	if rt_wait_check "$1" "$2" "$3" "$4" "$(rt_expect_value "$1" timeout 90)"; then
		return 0
	fi
	rt_symptom "$2" "$3" >"$RT_TMP/why.$2"
	return 1
}

# Result of a mode: PASS, FAIL, EXPECTED-BREAK or SKIP, and a note.
rt_result() { # row mode status note
	printf '%s|%s\n' "$3" "$4" >"$RT_TMP/res/$1.$2"
}

# A stack's working copy: its files, and the shared test application
# (apps/webapp.py) at each path its `apps` file lists.
rt_copy() { # src dst
	rm -rf "$2"; mkdir -p "$2"
	(cd "$1" && tar -c --exclude=./check --exclude=./expect --exclude=./apps .) | (cd "$2" && tar -x)
	[ -f "$1/apps" ] || return 0
	while read -r rt_app; do
		[ -n "$rt_app" ] && cp "$RT_HERE/apps/webapp.py" "$2/$rt_app"
	done <"$1/apps"
}

# Apply fixes in a working copy; keep what dockfix said.
rt_fix() { # dir logname unsafe?
	_u=
	[ "$3" = unsafe ] && _u=--unsafe-fixes
	(cd "$1" && "$DOCKFIX" --color never $_u . >"$RT_LOGS/$2.audit.txt" 2>&1
	 "$DOCKFIX" --color never --format json $_u . >"$RT_LOGS/$2.audit.json" 2>/dev/null
	 "$DOCKFIX" --color never --write $_u . >"$RT_LOGS/$2.write.txt" 2>&1)
	cat "$RT_LOGS/$2.audit.txt" "$RT_LOGS/$2.write.txt" >"$RT_LOGS/$2.dockfix.txt"
}

# Rule codes whose fixes a mode applies (from the original's audit).
rt_fixed_codes() { # logname unsafe?
	/usr/bin/python3 - "$RT_LOGS/$1.audit.json" "$2" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)
want = {"safe"} if sys.argv[2] != "unsafe" else {"safe", "unsafe"}
print(" ".join(sorted({f["code"] for f in d.get("findings", [])
                       if f.get("fix") and f["fix"].get("applicability") in want})))
EOF
}

# Judge a failed mode against the stack's expectations.
rt_judge_fail() { # stackdir row mode logname why
	if texts=$(rt_expect_break "$1" "$3"); then
		lacks=
		while IFS= read -r t; do
			grep -qF -- "$t" "$RT_LOGS/$4.dockfix.txt" 2>/dev/null || lacks="$lacks \"$t\""
		done <<EOF2
$texts
EOF2
		if [ -z "$lacks" ]; then
			rt_result "$2" "$3" EXPECTED-BREAK "dockfix says: $(echo "$texts" | tr '\n' ';')"
		else
			rt_result "$2" "$3" FAIL "broke as allowed, but dockfix's output lacks$lacks; $5"
		fi
	else
		rt_result "$2" "$3" FAIL "$5"
	fi
}

rt_same_tree() { diff -r -q "$1" "$2" >/dev/null 2>&1; }

rt_pname() { echo "dfx_$(echo "$1" | tr -c 'a-z0-9\n' '_')_$2"; }

rt_stack() { # name
	sd=$RT_HERE/stacks/$1
	w=$RT_TMP/work/$1
	mkdir -p "$w"
	rt_copy "$sd" "$w/original"
	rt_copy "$sd" "$w/safe"; rt_fix "$w/safe" "$1.safe" safe
	rt_copy "$sd" "$w/unsafe"; rt_fix "$w/unsafe" "$1.unsafe" unsafe
	diff -ruN "$w/original" "$w/safe" >"$RT_LOGS/$1.safe.diff"
	diff -ruN "$w/original" "$w/unsafe" >"$RT_LOGS/$1.unsafe.diff"
	orig_ok=
	for m in original safe unsafe; do
		d=$w/$m
		p=$(rt_pname "$1" "$m")
		case $m in
		safe) if rt_same_tree "$w/original" "$d"; then
			cp "$RT_TMP/res/$1.original" "$RT_TMP/res/$1.safe"; echo "no change" >>"$RT_TMP/res/$1.safe"; continue; fi ;;
		unsafe) if rt_same_tree "$w/safe" "$d"; then
			cp "$RT_TMP/res/$1.safe" "$RT_TMP/res/$1.unsafe"; echo "same files as safe" >>"$RT_TMP/res/$1.unsafe"; continue; fi ;;
		esac
		echo "== $1 $m ($p)"
		rt_up_check "$sd" "$p" "$d" "$m"; rc=$?
		why=$(cat "$RT_TMP/why.$p" 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g')
		case $rc in
		0) rt_result "$1" "$m" PASS ""; [ $m = original ] && orig_ok=1 ;;
		2) rt_result "$1" "$m" FAIL "harness: $why" ;;
		*) if [ $m = original ]; then rt_result "$1" "$m" FAIL "$why"
		   else rt_judge_fail "$sd" "$1" "$m" "$1.$m" "[$(rt_fixed_codes "$1.$m" "$m")] $why"; fi ;;
		esac
		rt_project_down "$p" "$d"
	done
	# volume: the original's data, then the safe fixes on top of it.
	m=volume
	if [ -z "$orig_ok" ]; then rt_result "$1" volume SKIP "original does not work"; return; fi
	if rt_same_tree "$w/original" "$w/safe"; then
		rt_result "$1" volume PASS "no change"; return
	fi
	d=$w/volume
	p=$(rt_pname "$1" volume)
	rt_copy "$sd" "$d"
	echo "== $1 volume ($p)"
	if ! rt_up_check "$sd" "$p" "$d" original; then
		rt_result "$1" volume FAIL "original up (first start) failed: $(cat "$RT_TMP/why.$p" | tr '\n' ' ')"
		rt_project_down "$p" "$d"; return
	fi
	rt_project_down "$p" "$d" keep
	rt_fix "$d" "$1.volume" safe
	rt_up_check "$sd" "$p" "$d" volume; rc=$?
	why=$(cat "$RT_TMP/why.$p" 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g')
	case $rc in
	0) rt_result "$1" volume PASS "" ;;
	2) rt_result "$1" volume FAIL "harness: $why" ;;
	*) rt_judge_fail "$sd" "$1" volume "$1.volume" "[$(rt_fixed_codes "$1.safe" safe)] $why" ;;
	esac
	rt_project_down "$p" "$d"
}

# ---------------------------------------------------------------- init

# Stacks and databases `dockfix init` offers; which can run here.
RT_INIT_STACKS="node python go java static"
RT_INIT_DBS="none postgres mysql mariadb redis mongo"

rt_init_skip_reason() { # stack db
	case $1 in
	java) echo "the java project builds with Maven (./mvnw dependency:go-offline), which needs a package registry"; return ;;
	static) [ "$2" != none ] && { echo "dockfix init static has no database"; return; } ;;
	esac
	case $2 in
	mongo) echo "no MongoDB stand-in: Debian bookworm has no mongodb package"; return ;;
	esac
	return 1
}

rt_init_units() {
	for s in $RT_INIT_STACKS; do
		for db in $RT_INIT_DBS; do
			if why=$(rt_init_skip_reason "$s" "$db"); then
				[ "$s" = static ] && [ "$db" != none ] && continue
				rt_result "init:$s-$db" original SKIP "$why"
			else
				echo "init:$s-$db"
			fi
		done
	done
}

rt_init() { # stack-db
	s=${1%%-*} db=${1#*-}
	row="init:$1"
	d=$RT_TMP/work/init-$1
	p=$(rt_pname "init-$1" original)
	rm -rf "$d"
	port=$(rt_init_port "$1")
	if ! "$DOCKFIX" init "$s" --db "$db" --dir "$d" >"$RT_LOGS/init-$1.init.txt" 2>&1; then
		rt_result "$row" original FAIL "dockfix init failed: $(tail -n1 "$RT_LOGS/init-$1.init.txt")"; return
	fi
	# The application code the generated Dockerfile expects.
	cp -R "$RT_HERE/init/$s/." "$d/"
	# No registry here: the `# syntax=` line would fetch the Dockerfile
	# frontend image; the daemon's built-in frontend reads the same syntax.
	sed -i '/^# syntax=/d' "$d/Dockerfile"
	if ! (cd "$d" && "$DOCKFIX" --color never . >"$RT_LOGS/init-$1.audit.txt" 2>&1); then
		audit="; audit not clean: $(grep -m1 -E '^[^ ].*: [A-Z]+ [A-Z]{2}[0-9]+' "$RT_LOGS/init-$1.audit.txt")"
	else
		audit=
	fi
	echo "APP_PORT=$port" >>"$d/.env"
	echo "== init $1 ($p)"
	sd=$RT_HERE/init
	if (cd "$d" && APP_PORT=$port rt_up_check "$sd" "$p" "$d" original); then
		rt_result "$row" original PASS "${audit#; }"
	else
		rt_result "$row" original FAIL "$(cat "$RT_TMP/why.$p" 2>/dev/null | tr '\n' ' ' | sed 's/  */ /g')$audit"
	fi
	rt_project_down "$p" "$d"
}

# A host port per init project (they run two at a time).
rt_init_port() {
	n=0
	for s in $RT_INIT_STACKS; do for db in $RT_INIT_DBS; do
		n=$((n + 1)); [ "$s-$db" = "$1" ] && { echo $((18000 + n)); return; }
	done; done
}

# ---------------------------------------------------------------- report

rt_report() {
	RT_NPASS=0 RT_NFAIL=0 RT_NSKIP=0 RT_NEXP=0
	rows=$(ls "$RT_TMP/res" | sed 's/\.[a-z]*$//' | sort -u)
	stack_rows=$(echo "$rows" | grep -v '^init:')
	init_rows=$(echo "$rows" | grep '^init:')
	printf '\n%-26s %-16s %-16s %-16s %-16s\n' stack original safe unsafe volume
	printf '%-26s %-16s %-16s %-16s %-16s\n' -------------------------- ---------------- ---------------- ---------------- ----------------
	for r in $stack_rows $init_rows; do
		line=$(printf '%-26s' "$r")
		for m in $RT_MODES; do
			f=$RT_TMP/res/$r.$m
			if [ -f "$f" ]; then
				st=$(head -n1 "$f" | cut -d'|' -f1)
				tail -n +2 "$f" | grep -q . && st="$st*"
				case $st in PASS*) RT_NPASS=$((RT_NPASS + 1)) ;; FAIL*) RT_NFAIL=$((RT_NFAIL + 1)) ;;
					EXPECTED*) RT_NEXP=$((RT_NEXP + 1)); RT_NPASS=$((RT_NPASS + 1)) ;; SKIP*) RT_NSKIP=$((RT_NSKIP + 1)) ;; esac
			else
				st=-
			fi
			line="$line $(printf '%-16s' "$st")"
		done
		echo "$line"
	done
	echo "(* = no file changed: the result of the mode before it; - = not run)"
	echo
	for r in $stack_rows $init_rows; do
		for m in $RT_MODES; do
			f=$RT_TMP/res/$r.$m
			[ -f "$f" ] || continue
			st=$(head -n1 "$f" | cut -d'|' -f1); note=$(head -n1 "$f" | cut -d'|' -f2-)
			case $st in FAIL|EXPECTED-BREAK|SKIP) echo "$st $r $m: $note" ;; esac
		done
	done
	sk=
	[ "$RT_NSKIP" -gt 0 ] && sk=", $RT_NSKIP skipped"
	echo "runtime: $RT_NPASS passed, $RT_NFAIL failed$sk"
}
