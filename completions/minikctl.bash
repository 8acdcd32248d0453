# bash completion for minikctl                                   -*- shell-script -*-
#
# Load it in the current shell:  source <(minikctl completion bash)
# Every session: add that line to ~/.bashrc (the bash-completion package is not needed).
# An alias completes too:        alias k=minikctl; complete -o default -F __start_minikctl k
#
# TAB asks the program itself (`minikctl __completeNoDesc <words...> <current word>`, bash shows no
# descriptions): it prints one candidate a line, then `:<directive>`, whose bits mean 1 error, 2 no space after the
# word, 4 no file names, 8 the candidates are file extensions, 16 directories only.

__minikctl_debug()
{
    if [[ -n ${BASH_COMP_DEBUG_FILE-} ]]; then
        echo "$*" >> "${BASH_COMP_DEBUG_FILE}"
    fi
}

# The words up to the cursor as the program reads them: bash splits `--output=json` and `a:b` at `=` and `:`
# (COMP_WORDBREAKS); pieces written without a space between them are joined again.
__minikctl_words()
{
    local line=${COMP_LINE:0:COMP_POINT} pos=0 end=-1 i w
    __minikctl_w=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        while [[ $pos -lt ${#line} && ${line:pos:1} == [[:space:]] ]]; do ((pos++)); done
        if ((i > 0 && pos == end)); then
            __minikctl_w[${#__minikctl_w[@]}-1]+=$w
        else
            __minikctl_w+=("$w")
        fi
        ((pos += ${#w}))
        end=$pos
    done
    # the cursor may sit inside a word: complete what stands before it
    if ((${#__minikctl_w[@]} == 0)); then __minikctl_w=(""); fi
}

# The command to run: the word typed (a path or a program on PATH); for an alias, what it stands for.
__minikctl_program()
{
    local first=${__minikctl_w[0]}
    __minikctl_cmd=()
    case $(type -t -- "$first" 2>/dev/null) in
        alias)
            local -a expanded
            read -r -a expanded <<< "${BASH_ALIASES[$first]}"
            __minikctl_cmd=("${expanded[0]}" __completeNoDesc "${expanded[@]:1}") ;;
        file)
            __minikctl_cmd=("$first" __completeNoDesc) ;;
        *)
            __minikctl_cmd=(minikctl __completeNoDesc) ;;
    esac
}

__start_minikctl()
{
    local -a __minikctl_w __minikctl_cmd lines
    local cur out directive line n
    COMPREPLY=()
    __minikctl_words
    __minikctl_program
    n=${#__minikctl_w[@]}
    cur=${__minikctl_w[n-1]}
    __minikctl_debug "words: ${__minikctl_w[*]} cur: $cur"
    out=$("${__minikctl_cmd[@]}" "${__minikctl_w[@]:1:n-2}" "$cur" 2>/dev/null)
    directive=${out##*:}
    out=${out%:*}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    __minikctl_debug "directive: $directive"
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

complete -o default -F __start_minikctl minikctl
