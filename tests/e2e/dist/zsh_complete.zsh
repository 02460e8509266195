# zsh_complete.zsh FPATH_DIR BIN_DIR 'LINE' - what zsh's completion system
# offers for LINE<TAB>, one match a line: an interactive zsh on a
# pseudo-terminal (zsh/zpty) with compinit, and compadd wrapped to record
# every match it is given (zsh manual, "Completion Widgets": compadd -O).
# For tests/e2e/dist.sh.
zmodload zsh/zpty || exit 2
hits=${TMPDIR:-/tmp}/dist-zhits.$$
dump=${TMPDIR:-/tmp}/dist-zcd.$$
: >$hits
zpty z zsh -f -i
zpty -w z "PROMPT= ; RPROMPT= ; fpath=($1 \$fpath); path=($2 \$path)"
zpty -w z "autoload -U compinit; compinit -u -d $dump"
zpty -w z "compadd () { builtin compadd -O __hits \"\$@\"; print -rl -- \"<<\"\${^__hits}\">>\" >>$hits; builtin compadd \"\$@\" }"
zpty -w z 'zstyle ":completion:*" list-prompt ""; setopt nolistbeep nobeep'
# Wait for the shell to be ready (completion is skipped while typed-ahead
# input is pending), then send the line and TAB, and wait for the first
# matches (10 s at most: a line with no matches takes that long).
zpty -w z "print ready >$hits.ready"
for i in {1..300}; do
	[[ -e $hits.ready ]] && break
	sleep 0.1
done
sleep 0.2
zpty -w -n z "$3"$'\t'
for i in {1..100}; do
	[[ -s $hits ]] && break
	sleep 0.1
done
sleep 0.3
zpty -d z
sed -n 's/^<<\(.*\)>>$/\1/p' $hits | sort -u
rm -f $hits $hits.ready $dump
