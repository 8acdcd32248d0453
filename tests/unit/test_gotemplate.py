"""-o go-template: Go's text/template over kubectl's decoded object, checked against the real kubectl.

Ground truth: ``kubectl patch --local -f POD -p '{}' -o go-template=T`` runs kubectl's own template printer with
no cluster.  When kubectl is installed every case below is compared with it (stdout, stderr and exit code);
EXPLICIT keeps a handful of expected texts (taken from kubectl 1.32) that are checked either way.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from minikctl.kube.errors import ClientError
from minikctl.printers import output
from minikctl.printers.gotemplate import GoTemplate, TemplateExecError, TemplateParseError, sprintf

WEB = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "front"},
                 "annotations": {"note": "a<b>&c"}},
    "spec": {"containers": [
        {"name": "nginx", "image": "nginx:1.25", "ports": [{"containerPort": 80}, {"containerPort": 443, "name": "https"}]},
        {"name": "side", "image": "busybox", "command": ["sh", "-c", "sleep 3600"]},
    ]},
}

DB = {
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "db-0", "namespace": "prod", "uid": "1234", "generation": 3,
                 "labels": {"app": "db", "app.kubernetes.io/name": "postgres", "role": "primary"},
                 "annotations": {"secret": "c2VjcmV0LXZhbHVl", "json": '{"a":1}', "empty": ""}},
    "spec": {"restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "nodeName": "node-1",
             "containers": [{"name": "postgres", "image": "postgres:16",
                             "env": [{"name": "PGDATA", "value": "/var/lib/pg"}, {"name": "EMPTY", "value": ""}],
                             "resources": {"limits": {"cpu": "500m", "memory": "1Gi"}},
                             "ports": [{"containerPort": 5432, "protocol": "TCP"}]}],
             "initContainers": [{"name": "init", "image": "busybox", "args": ["echo", "hi there"]}]},
    "status": {"phase": "Running", "podIP": "10.0.0.7",
               "containerStatuses": [{"name": "postgres", "ready": True, "restartCount": 2, "image": "postgres:16",
                                      "imageID": "", "started": True,
                                      "state": {"running": {"startedAt": "2024-01-01T00:00:00Z"}}}],
               "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}]},
}

# templates over WEB
WEB_CASES = [
    '{{.metadata.name}} {{.spec.containers | len}} {{(index .spec.containers 0).ports}}{{"\\n"}}',
    "{{.x.y.z}}",
    "{{.}}",
    "{{$}}|{{$.kind}}",
    "{{printf \"%v\" .metadata}}|{{.metadata.labels}}|{{.spec.containers}}",
    "{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}",
    "{{range .metadata.labels}}{{.}},{{end}}",
    "{{range .nothing}}x{{else}}empty{{end}}",
    '{{if .metadata.labels.app}}yes{{end}} {{if eq .metadata.name "web" "x"}}eq{{end}}',
    "{{len .metadata.name}} {{slice .metadata.name 1}} {{html .metadata.annotations.note}} {{js \"a'b\"}} "
    '{{urlquery "a b&c"}}',
    '{{js "<>&=`\\n\\"x"}}',
    '{{html .zz}}|{{js .zz 1}}|{{urlquery .metadata.labels}}',
    '{{print 1 2 "a" "b" 3}}|{{println "x" 1}}|{{.spec.containers | len | printf "%03d"}}',
    '{{printf "%5s|%-6d|%x|%X|%05.1f|%e|%g|%v|%+d|%t|%q|%c|%U|%o|%b|%8.3f|%%|%d" "ab" 7 "hi" 255 3.14159 1234.5 '
    '0.00001 1.5 3 true "a\\"b" 65 65 8 5 2.5}}',
    '{{printf "%d %s" 1}}|{{printf "%d" 1 2 "x"}}|{{printf "%s" .spec.containers}}|{{printf "%v %T %T" nil nil '
    '.metadata}}|{{printf "%d" .metadata.labels}}',
    '{{printf "%!"}} {{printf "%z" 1}} {{printf "%-5d|" 3}} {{printf "%6.2f|" 3.14159}} {{printf "%x" 3.5}}',
    '{{printf "%*d|" 5 3}} {{printf "%-*d|" 5 3}} {{printf "%.2s|%.0f|%+.1e" "abc" 2.5 -12.0}}',
    '{{printf "%v" 1e21}} {{printf "%v" 100000.0}} {{1e6}} {{1000000.0}} {{0.000001}} {{printf "%.2e" 123456.0}} '
    '{{printf "%G" 1e-7}}',
    "{{$x := 1}}{{$x = 2}}{{$x}} {{printf \"%T %T %T %T\" 1 1.5 0x10 'a'}} {{1e3}} {{0x1F}} {{-3}} {{1.50}} {{'a'}} "
    "{{0o17}} {{017}} {{1_000}}",
    '{{range .spec.containers}}{{if eq .name "side"}}{{break}}{{end}}{{.name}}{{end}}',
    '{{range .spec.containers}}{{if eq .name "nginx"}}{{continue}}{{end}}{{.name}}{{end}}',
    "{{with .zz}}a{{else with .metadata}}{{.name}}{{end}}",
    "{{with $x := .metadata}}{{$x.name}}{{end}} {{with .metadata.name}}{{.}}{{end}}",
    '{{if and .metadata (eq .kind "Pod")}}pod{{else if .x}}x{{else}}other{{end}}',
    "{{if .x}}x{{else if .y}}y{{else}}none{{end}}",
    '{{and 1 0 2}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}} {{not .zz}} {{not 1}}',
    "{{and .metadata.name .zz.x}} {{or .zz .metadata.name}}",
    '{{ne 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}} {{lt .metadata.name "x"}}',
    "{{slice .spec.containers 1 2}} {{slice .metadata.name 1 2}} {{slice .metadata.name}}",
    '{{index .spec.containers 0 "name"}} {{index . "kind"}} {{index .metadata "zz"}}',
    "{{len .metadata.labels}} {{len .spec.containers}}",
    '{{.metadata.labels.app | printf "%q"}} {{"x" | printf "%s-%s" "a"}}',
    "{{(.metadata).name}} {{(index .spec.containers 1).command}}",
    '{{`raw\\n`}} {{"a\\tb\\u00e9\\x41"}}',
    '{{.spec.containers | print}} {{printf "%q" .spec.containers}}',
    '{{index .metadata "zz"}}|{{print .zz}}|{{.zz | print}}|{{printf "%s" .zz}}',
    '{{base64decode "aGVsbG8="}} {{base64decode "aGk="}} {{base64decode ""}}|{{exists .metadata "name"}} '
    '{{exists .metadata "zz"}} {{exists .spec.containers 1 "image"}} {{exists .spec.containers 7}}',
    '{{- /* a comment */ -}}\n  a  {{- .kind -}}  b\n  {{ .kind -}}\n  x\n',
    "{{range $i, $c := .spec.containers}}\n{{- $i}}:{{$c.name}}:{{range $c.ports}}{{.containerPort}},{{else}}none"
    "{{end}}\n{{end}}",
    "{{$n := .metadata.name}}{{range .spec.containers}}{{$n}}/{{.name}} {{$.kind}} {{end}}",
    "{{range .spec.containers}}\n{{.name}} {{.image}}\n{{end}}",
    # execution errors: the output so far and kubectl's debugging report on stdout, the error on stderr
    "{{index .metadata 3}}",
    "{{.metadata.name}} {{index .metadata 3}}",
    "line1\n{{.metadata.name}}\n  {{index .metadata 3}}",
    "{{.metadata.name.x}}",
    "{{.spec.containers.x}}",
    "{{range .spec.containers}}{{.name.x}}{{end}}",
    "{{range .spec.containers}}{{range .command}}{{.x}}{{end}}{{end}}",
    "{{with .metadata.name}}{{.x}}{{end}}",
    "{{$x := .metadata.name}}{{$x.foo}}",
    "{{len .zz}}",
    "{{len 3}}",
    "{{range 3}}{{.}}{{end}}",
    "{{range .metadata.name}}{{.}}{{end}}",
    "{{.metadata.name 1}}",
    "{{printf 3}}",
    "{{printf \"%s\"}}",
    "{{base64decode .zz}}",
    "{{base64decode .metadata}}",
    '{{base64decode "!!"}}',
    '{{base64decode "abc"}}',
    '{{base64decode "ab=c"}}',
    '{{base64decode "aGVsbG8"}}',
    "{{nil}}",
    '{{"a" 1}}',
    '{{eq .zz "a"}} {{eq .metadata .metadata}}',
    "{{eq 1 .spec.containers}}",
    "{{lt 1 2.5}}",
    "{{lt true false}}",
    "{{lt .zz 1}}",
    "{{slice .metadata.name 2 1}}",
    "{{index .spec.containers 5}}",
    '{{index .spec.containers "a"}}',
    "{{index 3 1}}",
    "{{and}}",
    "{{.kind | .metadata}}",
    # parse errors
    "{{foo}}",
    "{{range $i, $c := .spec.containers}}{{$i}}{{end}} {{if}}",
    "{{.a}",
    "{{end}}",
    "{{if .x}}",
    "{{$y}}",
    "{{.a #}}",
    "{{.metadata | 1}}",
    '{{"unterminated}}',
    "{{break}}",
    "{{.a",
    "{{/* open",
    "{{(.a}}",
    "{{.a)}}",
    "{{else}}",
    "{{1x}}",
]

# more corners of the language: scoping, trim markers, comments, number literals, define/template,
# printf verbs and flags, and the parse and execution errors of each construct
WEB_CASES += [
    '{{$x := 1}}{{with 2}}{{$x = 3}}{{end}}{{$x}}',
    '{{range $i, $e := .spec.containers}}{{end}}{{$i}}',
    '{{range $e := .spec.containers}}{{$e.name}}{{end}}',
    '{{-3}} {{ -3 }} {{- 3 -}} x {{- "a" }}',
    'a\n{{- /* multi\nline */ -}}\nb',
    '{{/* ok */}}x{{/* bad */ }}',
    '{{index "abc" 0}} {{len "héllo"}} {{slice "héllo" 1 3}} {{"\\u00e9"}} {{printf "%s" \'x\'}} {{printf "%c|%-4c|" 233 65}}',
    '{{printf "%+v|%#v|%T|%5t|%q|%x|%X|%08.3f|%-10s|%10.3s|" .metadata.labels .metadata.labels .spec.containers true .spec.containers -255 "hi" 3.14159 "ab" "abcdef"}}',
    '{{printf "%#v" .spec.containers}}',
    '{{printf "%d|%5d|%-5d|%05d|%x|%o|%b|%+d|% d" 42 42 42 -42 -42 42 42 42 42}}',
    '{{printf "%v %v %v" true false nil}} {{printf "%t" 1}} {{printf "%s" true}}',
    '{{printf "%e|%E|%.3g|%g|%g|%g|%v" 1e-7 1e21 1234567.0 1e20 1e21 123456789.0 2.0}}',
    'line one\nline two {{.kind}}\n  three {{index .metadata 1}}',
    'line one\n{{.kind}} {{if}}',
    '{{eq true true}} {{eq .kind "Pod" "Svc"}} {{ne .kind "Pod"}} {{not .metadata}} {{not ""}}',
    '{{.metadata.labels.app.x}}',
    '{{if .metadata}}a{{else}}b{{else}}c{{end}}',
    '{{range .spec.containers}}{{.name}}{{else if .x}}{{end}}',
    '{{with .metadata}}{{break}}{{end}}',
    '{{range .spec.containers}}{{with .ports}}{{break}}{{end}}{{.name}}{{end}}',
    '{{ .metadata.name | printf "%s-%s" "x" | printf "[%s]" }}',
    '{{ (printf "%s" .kind).x }}',
    '{{ (.metadata).zz.yy }}',
    '{{$.metadata.name}} {{$.zz}} {{$.zz.y}}',
    '{{define "x"}}a{{end}}',
    '{{template "x"}}',
    '{{call .x}}',
    '{{.metadata.labels | len}} {{"abc" | len}}',
    '{{html "<a href=\'x\'>" "&" 1}} {{urlquery "é/?=" 2}} {{js "é\\u2028"}}',
    '{{printf "%s %s" .metadata.name}}{{printf "%v" .metadata.zz}}',
    '{{index .spec.containers -1}}',
    '{{index .spec.containers 1.0}}',
    '{{index .spec.containers nil}}',
    '{{slice .spec.containers 0 1 2}}',
    '{{slice .metadata.name 0 1 2}}',
    '{{slice .metadata.name 1 9}}',
    '{{print nil}} {{len nil}}',
    '{{printf nil}}',
    '{{printf .zz}}',
    '{{"a"."b"}}',
    '{{.kind 1 2}}',
    '{{$}}',
    '{{1.5e400}}',
    '{{9223372036854775808}}',
    '{{0x}}',
    "{{'ab'}}",
    '{{"\\q"}}',
    '{{ and 0 (index .metadata 5) }} {{ or 1 (index .metadata 5) }}',
    '{{ .metadata | and 1 }} {{ 0 | or 0 }}',
    '{{range $k, $v := .}}{{$k}} {{end}}',
    '{{range $i, $v := .spec.containers}}{{$i = 5}}{{$i}}{{end}}',
    '{{if $x := .kind}}{{$x}}{{end}}{{$x}}',
    '{{with $x := .zz}}yes{{else}}no {{$x}}{{end}}',
    '{{ printf "%v" .spec.containers | len }}',
    '{{- range .spec.containers }}\n  - {{ .name }}\n{{- end }}',
    '{{.metadata.name}}{{.metadata.name | printf "%v" | printf "%q"}}',
    '{{ 1 | printf "%d" 2 }}',
    '{{printf "%d %d" 1 2 | printf "%s!"}}',
    '{{ (1) }} {{ (.kind) }} {{ ("x") }}',
    '{{ ( 1 ) | printf "%d"}}',
    '{{ .kind }}{{ "\\n" }}',
    '{{printf "%[2]d %[1]d" 1 2}}',
    '{{printf "%6.2v|%.1v" 3.14159 "ab"}}',
    '{{define "x"}}<{{.}}>{{end}}{{template "x" .kind}}{{template "x"}}|{{template "x" .metadata.labels}}',
    '{{define "x"}}{{.a.b}}{{end}}{{template "x" .kind}}',
    '{{block "b" .metadata}}[{{.name}}]{{end}} {{template "b" .spec}}',
    '{{define "x"}}a{{end}}{{define "x"}}b{{end}}',
    '{{define "x"}}{{$y}}{{end}}',
    '{{template .kind}}',
    '{{define "r"}}{{.}}{{if lt . 3}}{{template "r" 4}}{{end}}{{end}}{{template "r" 1}}',
    '{{range .spec.containers}}{{define "x"}}{{end}}{{end}}',
    '{{define "output"}}zz{{end}}a',
    '{{define "x"}}{{index . 1}}{{end}}\nline2 {{template "x" .metadata}}\n',
    '{{define "output"}}zz{{end}}  ',
    '{{.metadata.name|len}}{{"a"|len}}{{-  .kind  -}}  x',
    '{{}}',
    '{{ }}',
    '{{- -}}',
    '{{--3}}',
    '{{.kind\n}} {{\n.kind}}',
    'a\nb\n{{if .x}}\n{{end}}\n{{else}}',
    'a\nb {{.x | foo}}',
    'x\n{{ .metadata |\nprintf "%v" | index 3 }}',
    '{{ $x := .metadata }}{{ $x.name.foo }}',
    '{{ $x := .metadata }}{{ $x.zz.foo }}',
    '{{.kind}}{{/* c */}}{{.kind}}{{- /* c */}}{{/* c */ -}} {{.kind}}',
    '{{/*c*/ }}',
    '{{ /* c */ }}',
    '{{.kind | printf "%s" | printf "%s%s" "x" | len}}',
    '{{ .spec.containers | index 0 }}',
    '{{ index .spec.containers 0 | len }}',
    '{{ with .spec.containers }}{{ range . }}{{ .name }}{{ end }}{{ end }}',
    '{{ (index .spec.containers 0).ports | len }}',
    '{{ $c := index .spec.containers 0 }}{{ $c.ports }}{{ range $c.ports }}{{ .containerPort }}{{ end }}',
    '{{ .metadata.labels.app | eq "web" }}',
    '{{ "web" | eq .metadata.name | not }}',
    '{{ if not (eq .kind "Pod") }}no{{ else }}yes{{ end }}',
    '{{range $i, $c := .spec.containers}}{{if $i}},{{end}}{{$c.name}}{{end}}',
    '{{range .spec.containers}}{{$.metadata.name}}:{{.name}} {{end}}',
    '{{ .metadata.annotations }}{{ "\\n" }}{{ .metadata.annotations.note | html }}',
    '{{printf "%-8s%-8s\\n" "NAME" "IMAGE"}}{{range .spec.containers}}{{printf "%-8s%-8s\\n" .name .image}}{{end}}',
    '{{range .spec.containers}}{{.name}}{{"\\t"}}{{.image}}{{"\\n"}}{{end}}',
    '{{ printf "%s" }}',
    '{{ else }}',
    '{{ if .kind }}{{ end }}{{ end }}',
    '{{ range }}{{ end }}',
    '{{ range $x }}{{ end }}',
    '{{ range $a, $b, $c := . }}{{ end }}',
    '{{ $a, $b := . }}',
    '{{ with $a, $b := . }}{{end}}',
    '{{ $x := }}',
    '{{ .kind := 3 }}',
    '{{ 3 .kind }}',
    '{{ .kind | }}',
    '{{ | .kind }}',
    '{{ ( ) }}',
    '{{ $x = 1 }}',
    '{{ true.x }}',
    '{{ $.x.y 1 }}',
    '{{ .kind.x 1 }}',
    '{{"\\z"}}',
    '{{ 08 }}',
    '{{ 1.2.3 }}',
    '{{ 0x1p-2 }} {{ 1i }} {{ printf "%T" 1i }}',
    '{{ -0 }} {{ +5 }} {{ .5 }} {{ 5. }}',
    '{{$x := 1}}{{$x }}{{ $x }}{{$x| printf "%v"}}{{ $x | printf "%v" }}{{$}}',
    '{{$x := .metadata}}{{$x.name }} {{ $x.name}} {{$x . }}',
    '{{range $i := .spec.containers}}{{$i.name}}{{end}}',
    '{{range $i, := .spec.containers}}{{end}}',
    '{{range $i, }}{{end}}',
    '{{range $i, 3}}{{end}}',
    '{{with $i, $j := .}}{{end}}',
]



def _printf_battery() -> list[str]:
    """Every verb with every flag and a few widths and precisions, over each kind of value (fmt's corners:
    zero padding, '#' on floats, bad verbs inside maps and slices, %T truncated, nil)."""
    verbs = "v s d q x X o b e E f g G t c U T".split()
    flags = ["", "-", "+", "#", "0", " ", "-0", "+0"]
    sizes = ["", "6", ".2", "8.3", ".0"]
    values = ["7", "-7", "0", "3.5", "-0.25", "1e21", "123456.789", '"ab"', '"h\u00e9llo"', "true", "nil",
              ".metadata.labels", "(index .spec.containers 1).command", ".zz", "(index .spec.containers 0).ports"]
    cases = []
    for v in values:
        specs = ["%" + f + s + verb for verb in verbs for f in flags for s in sizes]
        for i in range(0, len(specs), 80):
            chunk = specs[i:i + 80]
            cases.append('{{printf "' + "|".join(chunk) + '" ' + " ".join([v] * len(chunk)) + "}}")
    return cases


WEB_CASES += _printf_battery()

# templates over DB (numbers from the data are int64; label keys with dots; base64 annotations)
DB_CASES = [
    "{{.metadata.generation}} {{printf \"%T %d %v\" .metadata.generation .metadata.generation "
    ".spec.terminationGracePeriodSeconds}}",
    '{{index .metadata.labels "app.kubernetes.io/name"}} {{base64decode .metadata.annotations.secret}}',
    '{{range .status.containerStatuses}}{{.name}} ready={{.ready}} restarts={{.restartCount}} '
    '{{if gt .restartCount 1}}flaky{{end}} {{range $k, $v := .state}}{{$k}}@{{$v.startedAt}}{{end}}{{"\\n"}}{{end}}',
    '{{range .status.conditions}}{{if eq .status "True"}}{{.type}} {{end}}{{end}}',
    "{{range .spec.containers}}{{range .env}}{{.name}}={{if .value}}{{.value}}{{else}}<empty>{{end}};{{end}}{{end}}",
    '{{eq .spec.terminationGracePeriodSeconds 30}} {{lt .metadata.generation 5}} '
    '{{eq (index .status.containerStatuses 0).restartCount 2}}',
    "{{range .spec.initContainers}}{{.args}} {{index .args 1}} {{len .args}}{{end}}",
    '{{.metadata.annotations.empty}}|{{if .metadata.annotations.empty}}set{{else}}unset{{end}}|'
    '{{printf "%q" .metadata.annotations.json}}',
    "{{.status.containerStatuses}}",
    "{{.spec.containers | printf \"%v\"}}",
    '{{with index .spec.containers 0}}{{.resources.limits.memory}} {{.resources.limits}}{{end}}',
    "{{range $i, $e := .spec.containers}}{{$i}} {{$e.name}} {{$e.ports}}{{end}}",
    "{{.spec.terminationGracePeriodSeconds.x}}",
    "{{lt .metadata.generation 2.5}}",
]

# non-ASCII data and templates: error columns count bytes, %q/%x/%+q/js/urlquery see UTF-8
UNI = {"apiVersion": "v1", "kind": "Pod",
       "metadata": {"annotations": {"a.b/c": "<x>", "k": "tab\there"}, "labels": {"x": "\u00e9\u2028y"},
                    "name": "caf\u00e9"},
       "spec": {"containers": [{"image": "i", "name": "c"}]}}

UNI_CASES = [
    '{{"\xe9"}} {{index .metadata 3}}',
    '\xe9\n\xfc {{.metadata.name}} {{.metadata.name.x}}',
    '{{.metadata.name}} {{len .metadata.name}} {{slice .metadata.name 0 3}} '
    '{{printf "%q %x %+q %5.3s|" .metadata.name .metadata.name .metadata.name .metadata.name}}',
    '{{js .metadata.labels.x}} {{html .metadata.annotations}} {{urlquery .metadata.name "a" 1}} {{js 1 2 "x"}} '
    '{{html 1 nil}}',
    '{{"{{"}} {{"}}"}} {{`}}`}}',
    '{{index .metadata.annotations "a.b/c"}} {{.metadata.annotations.k}}',
    '{{range $k, $v := .metadata.annotations}}{{$k}}{{"\\t"}}{{$v}}{{"\\n"}}{{end}}',
    '{{and 1 .metadata.labels}} {{or .zz .nothing}} {{and .zz 1}}',
    '{{range .metadata.labels}}{{else}}x{{end}}',
    '{{print nil 1 "a" nil}} {{println}} {{print}}',
    '{{.}}',
    '{{index .metadata.name 1}}',
    '{{eq .metadata.name "caf\xe9"}} {{lt "a" "\xe9"}}',
    '{{printf "%c|%q|%U|%#U" 233 233 233 233}} {{printf "%+q" "\xe9"}} {{printf "%#q" "a`b"}} {{printf "%#q" "ab"}}',
    '{{ .metadata.labels.x | printf "%q" }}',
]

# (data, template, missing keys allowed?) cases for --allow-missing-template-keys=false
STRICT_CASES = [
    (WEB, "{{.zz}}"),
    (WEB, "{{.metadata.zz}}"),
    (WEB, "{{.metadata.name}}{{index .metadata \"zz\"}}"),
]

# a few expectations stated outright (kubectl 1.32's output), so the test means something without kubectl
EXPLICIT = [
    (WEB, '{{.metadata.name}} {{.spec.containers | len}} {{(index .spec.containers 0).ports}}{{"\\n"}}',
     "web 2 [map[containerPort:80] map[containerPort:443 name:https]]\n"),
    (WEB, "{{.x.y.z}}", "<no value>"),
    (WEB, "{{range $k, $v := .metadata.labels}}{{$k}}={{$v}};{{end}}", "app=web;tier=front;"),
    (WEB, "{{range .nothing}}x{{else}}empty{{end}}", "empty"),
    (WEB, '{{print 1 2 "a" "b" 3}}|{{println "x" 1}}|{{.spec.containers | len | printf "%03d"}}',
     "1 2ab3|x 1\n|002"),
    (WEB, '{{index .metadata "zz"}}|{{print .zz}}|{{.zz | print}}|{{printf "%s" .zz}}',
     "<no value>|<nil>|<nil>|%!s(<nil>)"),
    (WEB, "{{$p := (index (index .spec.containers 0).ports 0).containerPort}}"
          '{{printf "%d %v %T %s %f %q" $p $p $p $p $p $p}}',
     "80 80 int64 %!s(int64=80) %!f(int64=80) 'P'"),
    (WEB, "{{len .metadata.name}} {{slice .metadata.name 1}} {{html .metadata.annotations.note}} {{js \"a'b\"}} "
          '{{urlquery "a b&c"}}', "3 eb a&lt;b&gt;&amp;c a\\'b a+b%26c"),
    (WEB, '{{printf "%d %s" 1}}|{{printf "%d" 1 2 "x"}}|{{printf "%d" .metadata.labels}}',
     "1 %!s(MISSING)|1%!(EXTRA int=2, string=x)|map[%!d(string=app):%!d(string=web) %!d(string=tier):%!d(string=front)]"),
    (WEB, "{{$x := 1}}{{$x = 2}}{{$x}} {{printf \"%T %T %T %T\" 1 1.5 0x10 'a'}} {{1e3}} {{0x1F}} {{-3}} {{1.50}}",
     "2 int float64 int int 1000 31 -3 1.5"),
    (WEB, "{{with .zz}}a{{else with .metadata}}{{.name}}{{end}}", "web"),
    (WEB, "{{base64decode \"aGVsbG8=\"}} {{exists .metadata \"name\"}} {{exists .metadata \"zz\"}}", "hello true false"),
    (DB, '{{range .status.conditions}}{{if eq .status "True"}}{{.type}} {{end}}{{end}}', "Ready PodScheduled "),
]

EXPLICIT_ERRORS = [
    (WEB, "{{foo}}", 'error: error parsing template {{foo}}, template: output:1: function "foo" not defined'),
    (WEB, "{{if .x}}", "error: error parsing template {{if .x}}, template: output:1: unexpected EOF"),
    (WEB, "{{.a #}}", 'error: error parsing template {{.a #}}, template: output:1: unexpected "#" in operand'),
    (WEB, "{{index .metadata 3}}",
     'error: error executing template "{{index .metadata 3}}": template: output:1:2: executing "output" at '
     "<index .metadata 3>: error calling index: value has type int; should be string"),
    (WEB, "{{.metadata.name.x}}",
     'error: error executing template "{{.metadata.name.x}}": template: output:1:11: executing "output" at '
     "<.metadata.name.x>: can't evaluate field x in type interface {}"),
    (WEB, "{{lt 1 2.5}}",
     'error: error executing template "{{lt 1 2.5}}": template: output:1:2: executing "output" at <lt 1 2.5>: '
     "error calling lt: incompatible types for comparison"),
    (WEB, '{{base64decode "aGVsbG8"}}',
     'error: error executing template "{{base64decode \\"aGVsbG8\\"}}": template: output:1:2: executing "output" '
     'at <base64decode "aGVsbG8">: error calling base64decode: base64 decode failed: illegal base64 data at input '
     "byte 4"),
]


def mine(data: dict, tmpl: str, allow: bool = True) -> tuple[str, str, int]:
    """(stdout, stderr, exit code) as minikctl prints them for one object."""
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            text = output.render([data], "go-template=" + tmpl, now_ms=0, single=True, allow_missing_keys=allow)
        except ClientError as e:
            return buf.getvalue(), e.render() + "\n", 1
    return buf.getvalue() + text, "", 0


@pytest.mark.parametrize("data,tmpl,expected", EXPLICIT)
def test_explicit(data, tmpl, expected):
    assert mine(data, tmpl) == (expected, "", 0)


@pytest.mark.parametrize("data,tmpl,expected", EXPLICIT_ERRORS)
def test_explicit_errors(data, tmpl, expected):
    out, err, rc = mine(data, tmpl)
    assert (err, rc) == (expected + "\n", 1)
    if "executing" in expected:  # kubectl's report for debugging on stdout
        assert "Printing more information for debugging the template:\n\ttemplate was:\n\t\t" + tmpl in out
        assert "\traw data was:\n\t\t" + json.dumps(data, sort_keys=True, separators=(",", ":")).replace(
            "<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n" in out
    else:
        assert out == ""


def test_missing_key_error_and_partial_output():
    out, err, rc = mine(WEB, "{{.metadata.name}}-{{.zz}}", allow=False)
    assert rc == 1 and out.startswith("web-Error executing template: template: output:1:21: executing")
    assert err.endswith('at <.zz>: map has no entry for key "zz"\n')
    assert mine(WEB, "{{.metadata.name}}-{{.zz}}") == ("web-<no value>", "", 0)


def test_engine_api_and_sprintf():
    assert GoTemplate("{{range .}}{{.}} {{end}}").execute({"b": 2, "a": 1.5, "c": None}) == "1.5 2 <no value> "
    with pytest.raises(TemplateParseError, match='function "nope" not defined'):
        GoTemplate("{{nope}}")
    with pytest.raises(TemplateExecError) as e:
        GoTemplate("ab{{index . 1}}").execute({})
    assert e.value.partial == "ab"
    assert sprintf("%s|%5.2f|%-4v|%x|%q", ["a", 3.14159, True, "hi", "x\n"]) == 'a| 3.14|true|6869|"x\\n"'
    assert sprintf("%d%%", [[1, 2]]) == "[1 2]%"


def test_formats_and_template_flag():
    assert output.with_template(None, "{{.kind}}") == "go-template={{.kind}}"
    assert output.with_template("templatefile", "f.tmpl") == "templatefile=f.tmpl"
    assert output.with_template("jsonpath", "{.kind}") == "jsonpath={.kind}"
    assert output.with_template("yaml", "{{.kind}}") == "yaml"
    output.check_format("go-template={{.kind}}")
    with pytest.raises(ClientError, match='output format "go-template={{.kind}}"'):
        output.check_format("go-template={{.kind}}", "{{.apiVersion}}")
    with pytest.raises(ClientError, match="template format specified but no template given"):
        output.render([WEB], "go-template", now_ms=0, single=True)
    # several objects print as one List, as kubectl get does
    text = output.render([WEB, DB], "go-template={{.kind}}:{{range .items}}{{.metadata.name}},{{end}}", now_ms=0)
    assert text == "List:web,db-0,"


def test_template_file(tmp_path):
    f = tmp_path / "t.tmpl"
    f.write_text("{{.metadata.name}}\n")
    assert output.render([WEB], f"go-template-file={f}", now_ms=0, single=True) == "web\n"
    assert output.render([WEB], f"templatefile={f}", now_ms=0, single=True) == "web\n"
    with pytest.raises(ClientError) as e:
        output.render([WEB], f"go-template-file={tmp_path}/none", now_ms=0, single=True)
    assert e.value.render() == (f"error: error reading --template {tmp_path}/none, open {tmp_path}/none: "
                                "no such file or directory")


def test_output_py_imports_gotemplate_lazily():
    import subprocess
    import sys

    code = ("import sys\nfrom minikctl.printers import output\nassert 'minikctl.printers.gotemplate' not in "
            "sys.modules\noutput.render([{'kind': 'Pod'}], 'go-template={{.kind}}', now_ms=0)\n"
            "assert 'minikctl.printers.gotemplate' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------
# the real kubectl

KUBECTL = shutil.which("kubectl")


def _kubectl_run(path: str, tmpl: str, allow: bool) -> tuple[str, str, int]:
    args = [KUBECTL, "patch", "--local", "-f", path, "-p", "{}", "--type", "merge", "-o", "go-template=" + tmpl]
    if not allow:
        args.append("--allow-missing-template-keys=false")
    r = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return r.stdout, r.stderr, r.returncode


@pytest.fixture(scope="module")
def kubectl_results(tmp_path_factory):
    if not KUBECTL:
        pytest.skip("kubectl not installed")
    d = tmp_path_factory.mktemp("pods")
    paths = {}
    for name, obj in (("web", WEB), ("db", DB), ("uni", UNI)):
        p = d / f"{name}.json"
        p.write_text(json.dumps(obj), encoding="utf-8")
        paths[name] = str(p)
    probe = subprocess.run([KUBECTL, "patch", "--local", "-f", paths["web"], "-p", "{}", "-o", "json"],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("kubectl patch --local unavailable: " + probe.stderr.strip())
    jobs = ([("web", t, True) for t in WEB_CASES] + [("db", t, True) for t in DB_CASES]
            + [("uni", t, True) for t in UNI_CASES]
            + [("web", t, False) for _d, t in STRICT_CASES])
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda j: _kubectl_run(paths[j[0]], j[1], j[2]), jobs))
    return {(j[0], j[1], j[2]): r for j, r in zip(jobs, results)}


@pytest.mark.parametrize("tmpl", WEB_CASES)
def test_web_against_kubectl(kubectl_results, tmpl):
    assert mine(WEB, tmpl) == kubectl_results[("web", tmpl, True)]


@pytest.mark.parametrize("tmpl", DB_CASES)
def test_db_against_kubectl(kubectl_results, tmpl):
    assert mine(DB, tmpl) == kubectl_results[("db", tmpl, True)]


@pytest.mark.parametrize("tmpl", UNI_CASES)
def test_non_ascii_against_kubectl(kubectl_results, tmpl):
    assert mine(UNI, tmpl) == kubectl_results[("uni", tmpl, True)]


@pytest.mark.parametrize("data,tmpl", STRICT_CASES)
def test_missing_keys_error_against_kubectl(kubectl_results, data, tmpl):
    assert mine(data, tmpl, allow=False) == kubectl_results[("web", tmpl, False)]


def test_explicit_agree_with_kubectl(kubectl_results):
    for data, tmpl, expected in EXPLICIT:
        if data is WEB and ("web", tmpl, True) in kubectl_results:
            assert kubectl_results[("web", tmpl, True)] == (expected, "", 0)


# ---------------------------------------------------------------------------
# the command line


def test_get_template_flag(cli, manifest):
    path = manifest(json.dumps(WEB))
    cli.ok("apply", "-f", path)
    assert cli.ok("get", "pod", "web", "--template", "{{.metadata.name}}") == "web"
    assert cli.ok("get", "pods", "-o", "go-template", "--template", "{{.kind}} {{len .items}}") == "List 1"
    assert cli.ok("get", "pod", "web", "-o", "go-template={{.spec.zz}}") == "<no value>"
    err = cli.fail("get", "pod", "web", "-o", "go-template={{.kind}}", "--template", "{{.kind}}")
    assert err.startswith('error: unable to match a printer suitable for the output format "go-template={{.kind}}"')
    err = cli.fail("get", "pod", "web", "-o", "go-template={{.zz}}", "--allow-missing-template-keys=false")
    assert err.endswith('executing "output" at <.zz>: map has no entry for key "zz"\n')
    tmpl = cli.home.parent / "t.tmpl"
    tmpl.write_text("{{.kind}}/{{.metadata.name}}\n")
    assert cli.ok("get", "pod", "web", "-o", "go-template-file", "--template", str(tmpl)) == "Pod/web\n"
    assert cli.ok("get", "pod", "web", "-o", f"templatefile={tmpl}") == "Pod/web\n"
    done = cli("get", "pod", "web", "-o", "go-template={{.metadata.name}} {{.metadata 1}}")
    assert done.returncode == 1
    assert done.stdout.startswith("web Error executing template: template: output:1:21: executing \"output\" at "
                                  "<.metadata>: metadata is not a method but has arguments. Printing more information")
    assert done.stderr == ('error: error executing template "{{.metadata.name}} {{.metadata 1}}": template: '
                           'output:1:21: executing "output" at <.metadata>: metadata is not a method but has '
                           "arguments\n")


def test_get_watch_prints_listed_objects_one_by_one(cli, manifest):
    """kubectl get -w prints each listed object with the template (PrintObj per item), never a List."""
    cli.ok("apply", "-f", manifest(json.dumps(WEB)))
    out = cli.ok("get", "pods", "-w", "-o", 'go-template={{.kind}} {{.metadata.name}}{{"\\n"}}',
                 "--request-timeout=1s")
    assert out.splitlines()[0] == "Pod web"
    assert "List" not in out
