# dockfix.fish - fish completion for dockfix(1), for fish's vendor
# completions folder (share/fish/vendor_completions.d). Options are those
# of `dockfix --help`, `dockfix init --help` and `dockfix inspect --help`
# (tests/e2e/dist.sh fails when the lists differ); rule codes come from
# `dockfix rules` when a code is completed (fish manual, "Writing your own
# completions").

# The subcommand: init, rules, explain or inspect as the first argument,
# otherwise check (the audit).
function __dockfix_cmd
    set -l words (commandline -opc)
    if test (count $words) -ge 2; and contains -- $words[2] init rules explain inspect lsp
        echo $words[2]
    else
        echo check
    end
end

function __dockfix_using
    test (__dockfix_cmd) = $argv[1]
end

# Rule codes from `dockfix rules`; with "groups" also their prefixes (DF,
# DF1, DC3, ...), after what the current token has up to its last comma
# (--select and --ignore take a list).
function __dockfix_codes
    set -l tok (commandline -ct)
    set -l head (string replace -r '[^,]*$' '' -- $tok)
    set -l prog (commandline -opc)[1]
    set -l codes ($prog rules 2>/dev/null | string match -r '^[A-Z]+[0-9]+')
    if test "$argv[1]" = groups
        set -a codes (string replace -r '[0-9]+$' '' -- $codes) (string replace -r '[0-9][0-9]$' '' -- $codes)
    end
    for c in (printf '%s\n' $codes | sort -u)
        printf '%s%s\n' $head $c
    end
end

complete -c dockfix -f
complete -c dockfix -n 'test (count (commandline -opc)) -eq 1' -a 'init rules explain inspect lsp' -d command
complete -c dockfix -n '__dockfix_using check; and not string match -q -- "-*" (commandline -ct)' -F

# check (the audit, --diff, --write)
complete -c dockfix -n '__dockfix_using check' -l diff -d 'print the fixes as a unified diff'
complete -c dockfix -n '__dockfix_using check' -l write -d 'apply the fixes in place'
complete -c dockfix -n '__dockfix_using check' -l unsafe-fixes -d 'also apply unsafe fixes'
complete -c dockfix -n '__dockfix_using check' -l format -x -a 'text json sarif github gitlab checklist' -d 'output format'
complete -c dockfix -n '__dockfix_using check' -l fail-on -x -a 'critical high medium low none' -d 'lowest failing severity'
complete -c dockfix -n '__dockfix_using check' -l select -x -a '(__dockfix_codes groups)' -d 'only these rules'
complete -c dockfix -n '__dockfix_using check' -l ignore -x -a '(__dockfix_codes groups)' -d 'not these rules'
complete -c dockfix -n '__dockfix_using check' -l config -r -F -d 'configuration file'
complete -c dockfix -n '__dockfix_using check' -l stdin-filename -r -F -d 'name of the file read from -'
complete -c dockfix -n '__dockfix_using check' -l as-of -x -d 'judge end of life on YYYY-MM-DD'
complete -c dockfix -n '__dockfix_using check' -l eol-data -r -F -d 'end-of-life table file'
complete -c dockfix -n '__dockfix_using check' -l color -x -a 'auto always never' -d 'when to use colour'
complete -c dockfix -n '__dockfix_using check' -s j -l jobs -x -d threads
complete -c dockfix -n '__dockfix_using check' -s q -l quiet -d 'findings only'
complete -c dockfix -n '__dockfix_using check' -l statistics -d 'findings per rule'
complete -c dockfix -n '__dockfix_using check' -l show-fixes -d 'list the fixes per file and rule'
complete -c dockfix -n '__dockfix_using check' -s o -l output-file -r -F -d 'write the report to FILE'
complete -c dockfix -n '__dockfix_using check' -l exit-zero -d 'exit 0 even when findings remain'
complete -c dockfix -n '__dockfix_using check' -l baseline -r -F -d 'report only findings FILE does not list'
complete -c dockfix -n '__dockfix_using check' -l generate-baseline -r -F -d 'write the findings to a baseline'
complete -c dockfix -n '__dockfix_using check' -l version -d 'print the version'
complete -c dockfix -n '__dockfix_using check' -s h -l help -d 'show help'

# init STACK
complete -c dockfix -n '__dockfix_using init; and test (count (commandline -opc)) -eq 2' -a 'node python go java static' -d stack
complete -c dockfix -n '__dockfix_using init' -l db -x -a 'postgres mysql mariadb mongo redis none' -d database
complete -c dockfix -n '__dockfix_using init' -l dir -x -a '(__fish_complete_directories)' -d 'where to write'
complete -c dockfix -n '__dockfix_using init' -l port -x -d 'the port the app listens on'
complete -c dockfix -n '__dockfix_using init' -s f -l force -d 'overwrite existing files'
complete -c dockfix -n '__dockfix_using init' -s h -l help -d 'show help'

# rules
complete -c dockfix -n '__dockfix_using rules' -l format -x -a 'text json' -d 'output format'
complete -c dockfix -n '__dockfix_using rules' -s h -l help -d 'show help'

# explain RULE
complete -c dockfix -n '__dockfix_using explain; and test (count (commandline -opc)) -eq 2' -a '(__dockfix_codes)' -d rule
complete -c dockfix -n '__dockfix_using explain' -s h -l help -d 'show help'

# inspect FILE|-
complete -c dockfix -n '__dockfix_using inspect; and not string match -q -- "-*" (commandline -ct)' -F
complete -c dockfix -n '__dockfix_using inspect' -l format -x -a 'text json sarif github gitlab checklist' -d 'output format'
complete -c dockfix -n '__dockfix_using inspect' -l fail-on -x -a 'critical high medium low none' -d 'lowest failing severity'
complete -c dockfix -n '__dockfix_using inspect' -l select -x -a '(__dockfix_codes groups)' -d 'only these rules'
complete -c dockfix -n '__dockfix_using inspect' -l ignore -x -a '(__dockfix_codes groups)' -d 'not these rules'
complete -c dockfix -n '__dockfix_using inspect' -l config -r -F -d 'configuration file'
complete -c dockfix -n '__dockfix_using inspect' -l stdin-filename -x -d 'name to show for standard input'
complete -c dockfix -n '__dockfix_using inspect' -l color -x -a 'auto always never' -d 'when to use colour'
complete -c dockfix -n '__dockfix_using inspect' -s q -l quiet -d 'findings only'
complete -c dockfix -n '__dockfix_using inspect' -l statistics -d 'findings per rule'
complete -c dockfix -n '__dockfix_using inspect' -s o -l output-file -r -F -d 'write the report to FILE'
complete -c dockfix -n '__dockfix_using inspect' -l exit-zero -d 'exit 0 even when findings remain'
complete -c dockfix -n '__dockfix_using inspect' -l baseline -r -F -d 'report only findings FILE does not list'
complete -c dockfix -n '__dockfix_using inspect' -l generate-baseline -r -F -d 'write the findings to a baseline'
complete -c dockfix -n '__dockfix_using inspect' -s h -l help -d 'show help'

# lsp [--config FILE]
complete -c dockfix -n '__dockfix_using lsp' -l config -r -F -d 'configuration file'
complete -c dockfix -n '__dockfix_using lsp' -s h -l help -d 'show help'
