# fish completion for minikctl
#
# Load it in the current shell:  minikctl completion fish | source
# Every session: minikctl completion fish > ~/.config/fish/completions/minikctl.fish
#
# TAB asks the program itself (`minikctl __complete <words...> <current word>`): one candidate a line
# (`name<TAB>description`), then `:<directive>` (bits: 1 error, 2 no space, 4 no file names, 8 file extensions,
# 16 directories only).

function __minikctl_complete
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

complete -c minikctl -e
complete -c minikctl -f -a '(__minikctl_complete)'
