"""The shell side of completion: each script asks `@PROG@ __complete <words...> <current word>` and turns the answer
(candidates, then `:<directive>`) into the shell's completions. @PROG@ is the program's name."""

BASH = r"""# bash completion for @PROG@                                   -*- shell-script -*-
#
# Load it in the current shell:  source <(@PROG@ completion bash)
# Every session: add that line to ~/.bashrc (the bash-completion package is not needed).
# An alias completes too:        alias k=@PROG@; complete -o default -F __start_@PROG@ k
#
# TAB asks the program itself (`@PROG@ __completeNoDesc <words...> <current word>`, bash shows no
# descriptions): it prints one candidate a line, then `:<directive>`, whose bits mean 1 error, 2 no space after the
# word, 4 no file names, 8 the candidates are file extensions, 16 directories only.

__@PROG@_debug()
{
    if [[ -n ${BASH_COMP_DEBUG_FILE-} ]]; then
        echo "$*" >> "${BASH_COMP_DEBUG_FILE}"
    fi
}

# The words up to the cursor as the program reads them: bash splits `--output=json` and `a:b` at `=` and `:`
# (COMP_WORDBREAKS); pieces written without a space between them are joined again.
__@PROG@_words()
{
    local line=${COMP_LINE:0:COMP_POINT} pos=0 end=-1 i w
    __@PROG@_w=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        while [[ $pos -lt ${#line} && ${line:pos:1} == [[:space:]] ]]; do ((pos++)); done
        if ((i > 0 && pos == end)); then
            __@PROG@_w[${#__@PROG@_w[@]}-1]+=$w
        else
            __@PROG@_w+=("$w")
        fi
        ((pos += ${#w}))
        end=$pos
    done
    # the cursor may sit inside a word: complete what stands before it
    if ((${#__@PROG@_w[@]} == 0)); then __@PROG@_w=(""); fi
}

# The command to run: the word typed (a path or a program on PATH); for an alias, what it stands for.
__@PROG@_program()
{
    local first=${__@PROG@_w[0]}
    __@PROG@_cmd=()
    case $(type -t -- "$first" 2>/dev/null) in
        alias)
            local -a expanded
            read -r -a expanded <<< "${BASH_ALIASES[$first]}"
            __@PROG@_cmd=("${expanded[0]}" __completeNoDesc "${expanded[@]:1}") ;;
        file)
            __@PROG@_cmd=("$first" __completeNoDesc) ;;
        *)
            __@PROG@_cmd=(@PROG@ __completeNoDesc) ;;
    esac
}

__start_@PROG@()
{
    local -a __@PROG@_w __@PROG@_cmd lines
    local cur out directive line n
    COMPREPLY=()
    __@PROG@_words
    __@PROG@_program
    n=${#__@PROG@_w[@]}
    cur=${__@PROG@_w[n-1]}
    __@PROG@_debug "words: ${__@PROG@_w[*]} cur: $cur"
    out=$("${__@PROG@_cmd[@]}" "${__@PROG@_w[@]:1:n-2}" "$cur" 2>/dev/null)
    directive=${out##*:}
    out=${out%:*}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    __@PROG@_debug "directive: $directive"
    if (((directive & 1) != 0)); then
        return
    fi
    if (((directive & 2) != 0)); then
        compopt -o nospace 2>/dev/null
    fi
    if (((directive & 4) != 0)); then
        compopt +o default 2>/dev/null
    fi
    # a flag's value given as --flag=value: complete the value alone
    local value=$cur
    if [[ $cur == -*=* ]]; then
        value=${cur#*=}
    fi
    if (((directive & 8) != 0)); then
        local ext=""
        while IFS= read -r line; do
            [[ -n $line ]] && ext+="${ext:+|}$line"
        done <<< "$out"
        local restore; restore=$(shopt -p extglob); shopt -s extglob
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -X "!*.@($ext)" -- "$value"; compgen -d -- "$value")
        eval "$restore"
        return
    fi
    if (((directive & 16) != 0)); then
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -d -- "$value")
        return
    fi
    while IFS= read -r line; do
        line=${line%%$'\t'*}
        [[ -z $line || $line != "$value"* ]] && continue
        if [[ $cur == -*=* && $COMP_WORDBREAKS != *=* ]]; then
            line=${cur%%=*}=$line
        fi
        COMPREPLY+=("$line")
    done <<< "$out"
    # bash replaces only the part after the last `:` (a word break): drop what stands before it
    if [[ $value == *:* && $COMP_WORDBREAKS == *:* ]]; then
        local keep=${value%"${value##*:}"} i
        for i in "${!COMPREPLY[@]}"; do
            COMPREPLY[i]=${COMPREPLY[i]#"$keep"}
        done
    fi
    # a prefix such as `pods/` is not a finished word
    if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == */ ]]; then
        compopt -o nospace 2>/dev/null
    fi
}

complete -o default -F __start_@PROG@ @PROG@
"""

ZSH = r"""#compdef @PROG@
compdef _@PROG@ @PROG@

# zsh completion for @PROG@
#
# Load it in the current shell:  source <(@PROG@ completion zsh)
# Or put it, named _@PROG@, in a directory of $fpath before compinit runs.
#
# TAB asks the program itself (`@PROG@ __complete <words...> <current word>`): one candidate a line
# (`name<TAB>description`), then `:<directive>` (bits: 1 error, 2 no space, 4 no file names, 8 file extensions,
# 16 directories only).

_@PROG@()
{
    local cur=${words[CURRENT]} out directive prefix="" line name desc
    local -a lines candidates program
    # with `setopt complete_aliases` the first word may be an alias (alias k=@PROG@): run what it stands for
    if (( $+aliases[${words[1]}] )); then
        program=(${(z)aliases[${words[1]}]})
    else
        program=("${words[1]}")
    fi
    out=$("${program[1]}" __complete "${(@)program[2,-1]}" "${(@)words[2,CURRENT-1]}" "$cur" 2>/dev/null)
    lines=("${(@f)out}")
    directive=${lines[-1]#:}
    lines=("${(@)lines[1,-2]}")
    [[ $directive == <-> ]] || directive=0
    (( directive & 1 )) && return 1
    if [[ $cur == -*=* ]]; then
        prefix="${cur%%=*}="
        compset -P '*='
    fi
    if (( directive & 8 )); then
        local ext=${(j:|:)lines}
        _files -g "*.(${ext})"
        return
    fi
    if (( directive & 16 )); then
        _files -/
        return
    fi
    for line in "${lines[@]}"; do
        [[ -z $line ]] && continue
        name=${line%%$'\t'*}
        desc=""
        [[ $line == *$'\t'* ]] && desc=${line#*$'\t'}
        name=${name//:/\\:}
        if [[ -n $desc ]]; then
            candidates+=("${name}:${desc}")
        else
            candidates+=("${name}")
        fi
    done
    if (( ${#candidates} )); then
        if (( directive & 2 )); then
            _describe -t completions '@PROG@' candidates -S ''
        else
            _describe -t completions '@PROG@' candidates
        fi
        return
    fi
    (( directive & 4 )) && return 1
    _files
}

if [[ $funcstack[1] == _@PROG@ ]]; then
    _@PROG@ "$@"
fi
"""

FISH = r"""# fish completion for @PROG@
#
# Load it in the current shell:  @PROG@ completion fish | source
# Every session: @PROG@ completion fish > ~/.config/fish/completions/@PROG@.fish
#
# TAB asks the program itself (`@PROG@ __complete <words...> <current word>`): one candidate a line
# (`name<TAB>description`), then `:<directive>` (bits: 1 error, 2 no space, 4 no file names, 8 file extensions,
# 16 directories only).

function __@PROG@_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l out ($words[1] __complete $words[2..-1] $cur 2>/dev/null)
    set -l directive (string replace -r '^:' '' -- $out[-1])
    set -e out[-1]
    string match -qr '^[0-9]+$' -- $directive; or set directive 0
    if test (math "bitand($directive, 1)") -ne 0
        return
    end
    set -l prefix ""
    set -l value $cur
    if string match -qr -- '^-.*=' $cur
        set prefix (string replace -r -- '=.*' '=' $cur)
        set value (string replace -r -- '^[^=]*=' '' $cur)
    end
    if test (math "bitand($directive, 8)") -ne 0
        for f in (__fish_complete_path $value)
            set f (string split -f1 \t -- $f)
            if string match -qr -- '/$' $f
                echo $prefix$f
            else
                for ext in $out
                    string match -q -- "*.$ext" $f; and echo $prefix$f
                end
            end
        end
        return
    end
    if test (math "bitand($directive, 16)") -ne 0
        for f in (__fish_complete_directories $value)
            echo $prefix$f
        end
        return
    end
    for line in $out
        test -n "$line"; and echo $prefix$line
    end
    if test (count $out) -eq 0; and test (math "bitand($directive, 4)") -eq 0
        __fish_complete_path $value
    end
end

complete -c @PROG@ -e
complete -c @PROG@ -f -a '(__@PROG@_complete)'
"""

POWERSHELL = r"""# powershell completion for @PROG@
#
# Load it in the current session:  @PROG@ completion powershell | Out-String | Invoke-Expression
#
# TAB asks the program itself (`@PROG@ __complete <words...> <current word>`): one candidate a line
# (`name<TAB>description`), then `:<directive>` (bits: 1 error, 2 no space, 4 no file names, 8 file extensions,
# 16 directories only).

Register-ArgumentCompleter -CommandName '@PROG@' -Native -ScriptBlock {
    param($WordToComplete, $CommandAst, $CursorPosition)

    $line = "$CommandAst"
    if ($line.Length -gt $CursorPosition) { $line = $line.Substring(0, $CursorPosition) }
    $words = @($line -split '\s+' | Where-Object { $_ -ne '' })
    $program = $words[0]
    $before = @()
    if ($words.Count -gt 1) { $before = $words[1..($words.Count - 1)] }
    if ($WordToComplete -ne '' -and $before.Count -gt 0) { $before = $before[0..($before.Count - 2)] }
    $out = @(& $program __complete @before "$WordToComplete" 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = 0
    [int]::TryParse(($out[-1] -replace '^:', ''), [ref]$directive) | Out-Null
    $lines = @()
    if ($out.Count -gt 1) { $lines = $out[0..($out.Count - 2)] }
    if ($directive -band 1) { return }
    $prefix = ''
    if ($WordToComplete -match '^-.*=') { $prefix = ($WordToComplete -replace '=.*', '=') }
    foreach ($l in $lines) {
        if ($l -eq '') { continue }
        $parts = $l -split "`t", 2
        $name = $parts[0]
        $desc = if ($parts.Count -gt 1) { $parts[1] } else { $name }
        $text = $prefix + $name
        if (-not ($directive -band 2)) { $text = $text + ' ' }
        [System.Management.Automation.CompletionResult]::new($text, $name, 'ParameterValue', $desc)
    }
}
"""
