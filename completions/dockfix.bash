# dockfix.bash - bash completion for dockfix(1), for bash-completion's
# completions folder (share/bash-completion/completions/dockfix) or to be
# sourced directly. Options are those of `dockfix --help`,
# `dockfix init --help` and `dockfix inspect --help` (tests/e2e/dist.sh
# fails when the lists differ); rule codes come from `dockfix rules` when a
# code is completed. Uses only COMP_WORDS/COMP_CWORD and compgen (bash
# manual, "Programmable Completion"), so it works without bash-completion.

_dockfix_codes()
{
	# The codes; with "prefixes", also their groups (DF, DF1, DC3, ...).
	"${COMP_WORDS[0]}" rules 2>/dev/null |
		awk -v all="${1:-}" 'NR > 1 && $1 ~ /^[A-Z]+[0-9]+$/ { print $1
			if (all == "") next
			f = $1; sub(/[0-9]+$/, "", f); p[f] = 1
			n = $1; sub(/[0-9][0-9]$/, "", n); p[n] = 1 }
			END { for (k in p) print k }'
}

_dockfix()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' cmd='' i
	local check_opts='--diff --write --unsafe-fixes --format --fail-on --select --ignore --config --stdin-filename --as-of --eol-data --color -j --jobs -q --quiet --statistics --show-fixes -o --output-file --exit-zero --baseline --generate-baseline --version -h --help'
	local init_opts='--db --dir --port -f --force -h --help'
	local inspect_opts='--format --fail-on --select --ignore --config --stdin-filename --color -q --quiet --statistics -o --output-file --exit-zero --baseline --generate-baseline -h --help'
	local rules_opts='--format -h --help'
	local formats='text json sarif github gitlab checklist'
	local severities='critical high medium low none'
	local colors='auto always never'
	local stacks='node python go java static'
	local dbs='postgres mysql mariadb mongo redis none'

	COMPREPLY=()
	if [ "$COMP_CWORD" -gt 0 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
	fi
	# --opt=value: bash splits at '=' (COMP_WORDBREAKS).
	if [ "$cur" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		cur=
	elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 2 ]; then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	if [ "$COMP_CWORD" -gt 1 ]; then
		case ${COMP_WORDS[1]} in
		init | rules | explain | inspect | lsp) cmd=${COMP_WORDS[1]} ;;
		esac
	fi

	case $prev in
	--format)
		if [ "$cmd" = rules ]; then
			COMPREPLY=($(compgen -W 'text json' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		fi
		return 0 ;;
	--fail-on)
		COMPREPLY=($(compgen -W "$severities" -- "$cur"))
		return 0 ;;
	--color)
		COMPREPLY=($(compgen -W "$colors" -- "$cur"))
		return 0 ;;
	--select | --ignore)
		# A comma-separated list: complete its last element.
		local head='' last=$cur
		case $cur in
		*,*) head=${cur%,*}, last=${cur##*,} ;;
		esac
		COMPREPLY=($(compgen -P "$head" -W "$(_dockfix_codes prefixes)" -- "$last"))
		return 0 ;;
	--db)
		[ "$cmd" = init ] && COMPREPLY=($(compgen -W "$dbs" -- "$cur"))
		return 0 ;;
	--config | --stdin-filename | -o | --output-file | --baseline | --generate-baseline | --eol-data)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	--dir)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	--as-of | -j | --jobs | --port)
		return 0 ;;
	esac

	case $cmd in
	init)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$init_opts" -- "$cur"))
		else
			local stack='' w
			for ((i = 2; i < COMP_CWORD; i++)); do
				w=${COMP_WORDS[i]}
				case $w in
				--db | --dir | --port) i=$((i + 1)) ;;
				-*) ;;
				*) stack=$w ;;
				esac
			done
			[ -z "$stack" ] && COMPREPLY=($(compgen -W "$stacks" -- "$cur"))
		fi ;;
	rules)
		COMPREPLY=($(compgen -W "$rules_opts" -- "$cur")) ;;
	explain)
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$(_dockfix_codes) -h --help" -- "$cur")) ;;
	lsp)
		if [[ $prev == --config ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -W '--config -h --help' -- "$cur"))
		fi ;;
	inspect)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$inspect_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	*)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$check_opts" -- "$cur"))
		elif [ "$COMP_CWORD" -eq 1 ]; then
			COMPREPLY=($(compgen -W 'init rules explain inspect lsp' -- "$cur") $(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi ;;
	esac
	return 0
}

complete -o filenames -o bashdefault -F _dockfix dockfix
