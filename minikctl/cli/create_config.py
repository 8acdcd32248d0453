"""kubectl create namespace|configmap|secret (generic|docker-registry|tls)|serviceaccount: one object from flags.

Ports of kubectl 1.32's ``pkg/cmd/create``: ``create_namespace.go``, ``create_configmap.go``, ``create_secret.go``,
``create_secret_docker.go``, ``create_secret_tls.go``, ``create_serviceaccount.go`` (and ``create.go``'s
``NameFromCommandArgs``). Each command builds the object kubectl's generator builds (a typed object: its JSON
prints in the Go struct's field order), adds the last-applied annotation with ``--save-config``
(``util.CreateOrUpdateAnnotation``), and then, as kubectl does:

* ``--dry-run=client``: prints it and sends nothing (the namespace is in it only when ``-n`` was given);
* otherwise: creates it through the API server (``--dry-run=server``: admitted, not stored) and prints what the
  server answered; the configmap, secret and serviceaccount commands wrap a server error in their own words
  (``failed to create configmap: ...``).
"""

from __future__ import annotations

from minikctl.cli import common as c
from minikctl.cli.spec import Arg, Group, Opt

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

# the -o formats of kubectl create's PrintFlags (NewPrintFlags("created"): json/yaml, name, templates, jsonpath)
FORMATS = ("go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "name",
           "template", "templatefile", "yaml")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

TEMPLATE = Opt(None, "--template", help="Template string or path to template file to use when -o=go-template, "
               "-o=go-template-file. The template format is golang templates "
               "[http://golang.org/pkg/text/template/#pkg-overview].")
ALLOW_MISSING = Opt(True, "--allow-missing-template-keys/--no-allow-missing-template-keys",
                    help="If true, ignore any errors in templates when a field or map key is missing in the template. "
                    "Only applies to golang and jsonpath output formats.")
SAVE_CONFIG = Opt(False, "--save-config", help="If true, the configuration of current object will be saved in its "
                  "annotation. Otherwise, the annotation will be unchanged. This flag is useful when you want to perform "
                  "kubectl apply on this object in the future.")
FIELD_MANAGER = Opt("kubectl-create", "--field-manager", help="Name of the manager used to track field ownership.")
FROM_FILE = Opt(None, "--from-file", help="Key file can be specified using its file path, in which case file basename "
                "will be used as the key, or optionally with a key and file path, in which case the given key will be "
                "used. Specifying a directory will iterate each named file in the directory whose basename is a valid "
                "key.")
FROM_LITERAL = Opt(None, "--from-literal", help="Specify a key and literal value to insert (i.e. mykey=somevalue).")
FROM_ENV_FILE = Opt(None, "--from-env-file", help="Specify the path to a file to read lines of key=val pairs.")
APPEND_HASH = Opt(False, "--append-hash", help="Append a hash of the object to its name.")


# ---- what every subcommand shares ---------------------------------------------------------------------
def usage_error(message: str, command: str):
    """cmdutil.UsageErrorf: the message and kubectl's hint, ``See '<cmd> -h' for help and examples``."""
    from minikctl.kube.errors import ClientError

    return ClientError(f"{message}\nSee 'minikctl create {command} -h' for help and examples")


def name_from_args(args: list[str] | None, command: str) -> str:
    """NameFromCommandArgs: exactly one NAME."""
    args = args or []
    if len(args) != 1:
        raise usage_error(f"exactly one NAME is required, got {len(args)}", command)
    return args[0]


def check_output(output: str | None) -> None:
    """PrintFlags.ToPrinter: create prints json, yaml, name, templates and jsonpath (no table, no -o wide)."""
    from minikctl.kube.errors import ClientError

    if output and output.partition("=")[0] not in FORMATS:
        raise ClientError(f'unable to match a printer suitable for the output format "{output}", allowed formats '
                          f"are: {','.join(FORMATS)}")


def object_meta(name: str, namespace: str | None) -> dict:
    """metav1.ObjectMeta{Name, Namespace} as kubectl's typed object prints it (creationTimestamp: null)."""
    return {"name": name, **({"namespace": namespace} if namespace else {}), "creationTimestamp": None}


def typed_json(obj: dict) -> str:
    """json.Marshal of kubectl's typed object: struct fields in order, compact (scheme.DefaultJSONEncoder)."""
    from minikctl.kube import gofmt

    return gofmt.json_marshal(obj, typed=True)


def with_last_applied(obj: dict) -> dict:
    """util.CreateOrUpdateAnnotation(true, obj): the object's own JSON (without the annotation, with the encoder's
    trailing newline) stored in the last-applied annotation. ObjectMeta's annotations come after
    creationTimestamp."""
    meta = obj["metadata"]
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    plain = dict(obj, metadata={k: v for k, v in meta.items() if k != "annotations"})
    if annotations:
        plain["metadata"]["annotations"] = annotations
    encoded = typed_json(plain) + "\n"
    annotations = dict(sorted({**annotations, LAST_APPLIED: encoded}.items()))
    out_meta = {k: v for k, v in meta.items() if k != "annotations"}
    out_meta["annotations"] = annotations
    return dict(obj, metadata=out_meta)


def run_create(obj: dict, *, failure: str | None, namespace: str | None, output: str | None,
               dry_run: str | None, validate: str, save_config: bool, template: str | None,
               allow_missing_template_keys: bool, store: str | None, tick: str | None) -> None:
    """Send (or, with --dry-run=client, only print) one object kubectl's generator built.

    ``failure`` is the command's wrapping of a server error (``failed to create configmap: %v``); None: the
    server's error as it is."""
    from minikctl.api.server import normalize_validate
    from minikctl.kube.errors import ClientError, StatusError
    from minikctl.printers import output as printer

    mode = c.parse_dry_run(dry_run)
    output = printer.with_template(output, template)
    check_output(output)
    validate = normalize_validate(validate)
    if save_config:
        obj = with_last_applied(obj)
    if mode == "client":
        with c.session(store, tick) as cluster:
            now = cluster.now_ms
        _print(obj, output, mode, typed=True, now_ms=now, allow_missing=allow_missing_template_keys)
        return
    sent = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if v is not None}}
    from minikctl.kube.kinds import for_kind

    if for_kind(obj["apiVersion"], obj["kind"]).namespaced:
        sent["metadata"]["namespace"] = c.namespace_of(namespace)
    with c.session(store, tick, validate=validate) as cluster:
        try:
            created = cluster.api.create(sent, dry_run=mode != "none")
        except StatusError as e:
            if failure is None:
                raise
            raise ClientError(failure + e.server_message()) from None
        now = cluster.now_ms
        c.flush_warnings(cluster.api)
    _print(created, output, mode, typed=False, now_ms=now, allow_missing=allow_missing_template_keys)


def _print(obj: dict, output: str | None, mode: str, *, typed: bool, now_ms: int, allow_missing: bool) -> None:
    from minikctl.printers import output as printer

    if not output:
        c.out(printer.ref(obj) + " created" + c.dry_suffix(mode) + "\n")
    elif output == "name":
        c.out(printer.ref(obj) + "\n")
    elif output == "json" and typed:
        from minikctl.printers import serialize

        c.out(serialize.to_json(obj, typed=True))
    else:
        c.out(printer.render([obj], output, now_ms=now_ms, single=True, allow_missing_keys=allow_missing))


# ---- data sources: --from-file, --from-literal, --from-env-file (kubectl/pkg/util, cmd/util/env_file.go) -----
def split_slice(values: list[str] | None) -> list[str]:
    """pflag's StringSlice: every use of the flag is a CSV record (``--from-file=a,b`` is two sources)."""
    import csv

    out: list[str] = []
    for v in values or []:
        if v == "":
            continue
        out += next(csv.reader([v]), [])
    return out


def parse_literal_source(source: str) -> tuple[str, str]:
    """util.ParseLiteralSource: ``key=value`` split at the first ``=``; no key or no ``=`` is an error."""
    from minikctl.kube.errors import ClientError

    if source.startswith("=") or "=" not in source:
        raise ClientError(f"invalid literal source {source}, expected key=value")
    key, _, value = source.partition("=")
    return key, value


def parse_file_source(source: str) -> tuple[str, str]:
    """util.ParseFileSource: ``path`` (its basename is the key) or ``key=path``."""
    import posixpath

    from minikctl.kube.errors import ClientError

    n = source.count("=")
    if n == 0:
        return posixpath.basename(source.replace("\\", "/").rstrip("/")) or "/", source
    if n == 1 and source.startswith("="):
        raise ClientError(f"key name for file path {source[1:]} missing")
    if n == 1 and source.endswith("="):
        raise ClientError(f"file path for key name {source[:-1]} missing")
    if n > 1:
        raise ClientError("key names or file paths cannot contain '='")
    key, _, path = source.partition("=")
    return key, path


def go_os_error(e: OSError) -> str:
    """An *os.PathError's Err as Go prints it (syscall.Errno's text: strerror without the capital)."""
    import os

    text = os.strerror(e.errno) if e.errno else str(e)
    return text[:1].lower() + text[1:]


def stat_source(path: str) -> bool:
    """os.Stat, with the commands' ``error reading <path>: <err>``; True for a directory."""
    import os

    from minikctl.kube.errors import ClientError

    try:
        return os.path.isdir(path) if os.stat(path) else False
    except OSError as e:
        raise ClientError(f"error reading {path}: {go_os_error(e)}") from None


def read_file(path: str) -> bytes:
    """os.ReadFile: a failure is the *PathError's text (``open <path>: <err>``)."""
    from minikctl.kube.errors import ClientError

    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as e:
        raise ClientError(f"open {path}: {go_os_error(e)}") from None


def file_sources(sources: list[str], add: "Callable[[str, bytes], None]") -> None:
    """handleConfigMapFromFileSources / handleSecretFromFileSources: a file is one key; a directory gives a key
    per regular file in it (by name; subdirectories, symlinks, devices are skipped), and takes no key name."""
    import os

    from minikctl.kube.errors import ClientError

    for source in sources:
        key, path = parse_file_source(source)
        if stat_source(path):
            if "=" in source:
                raise ClientError("cannot give a key name for a directory path")
            try:
                entries = sorted(os.scandir(path), key=lambda e: e.name.encode("utf-8", "surrogateescape"))
            except OSError as e:
                raise ClientError(f"error listing files in {path}: open {path}: {go_os_error(e)}") from None
            for entry in entries:
                if entry.is_file(follow_symlinks=False):
                    add(entry.name, read_file(os.path.join(path, entry.name)))
        else:
            add(key, read_file(path))


def env_file_sources(sources: list[str], add: "Callable[[str, str], None]", what: str) -> None:
    """handle*FromEnvFileSources + cmdutil.AddFromEnvFile: ``KEY=value`` lines (leading blanks trimmed, ``#``
    comments and empty lines skipped, a UTF-8 BOM dropped from the first line, a line without ``=`` takes the
    value from the environment); keys must be environment variable names."""
    import os

    from minikctl.kube import gofmt
    from minikctl.kube.errors import ClientError

    for source in sources:
        if stat_source(source):
            raise ClientError(f"env {what} file cannot be a directory")
        data = read_file(source)
        lines = data.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()  # bufio.ScanLines: no empty token after the final newline
        for i, raw in enumerate(lines):
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ClientError(f"env file {source} contains invalid utf8 bytes at line {i + 1}: "
                                  f"[{' '.join(str(b) for b in raw)}]") from None
            if i == 0:
                line = line.removeprefix("\ufeff")
            line = line.lstrip(_GO_SPACES)
            if not line or line.startswith("#"):
                continue
            key, eq, value = line.partition("=")
            errs = is_env_var_name(key)
            if errs:
                raise ClientError(f"{gofmt.quote(key)} is not a valid key name: {';'.join(errs)}")
            add(key, value if eq else os.environ.get(key, ""))


# unicode.IsSpace
_GO_SPACES = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
             "\u2028\u2029\u202f\u205f\u3000"


def is_env_var_name(value: str) -> list[str]:
    """validation.IsEnvVarName (apimachinery v0.32)."""
    import re

    from minikctl.kube.selectors import regex_error

    errs = []
    if not re.fullmatch(r"[-._a-zA-Z][-._a-zA-Z0-9]*", value):
        errs.append(regex_error("a valid environment variable name must consist of alphabetic characters, digits, "
                                "'_', '-', or '.', and must not start with a digit", "[-._a-zA-Z][-._a-zA-Z0-9]*",
                                "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _hash(encoded: str) -> str:
    """hash.encodeHash(sha256 hex): the first 10 hex digits, with 0 1 3 a e turned into g h k m t."""
    import hashlib

    hexed = hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:10]
    return hexed.translate(str.maketrans("013ae", "ghkmt"))


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


# ---- configmap ----------------------------------------------------------------------------------------------
def build_configmap(name: str, namespace: str | None, files: list[str], literals: list[str], env_files: list[str],
                    append_hash: bool) -> dict:
    """ConfigMapOptions.createConfigMap: file sources, then literals, then env files; UTF-8 file content goes
    to data, anything else to binaryData; --append-hash names it ``<name>-<hash of kind, name, data>``."""
    from minikctl.api.validation import is_config_map_key
    from minikctl.kube import gofmt
    from minikctl.kube.errors import ClientError

    data: dict[str, str] = {}
    binary: dict[str, bytes] = {}

    def check(key: str) -> None:  # validateNewConfigMap
        errs = is_config_map_key(key)
        if errs:
            raise ClientError(f"{gofmt.quote(key)} is not a valid key name for a ConfigMap: {','.join(errs)}")
        if key in data:
            raise ClientError(f"cannot add key {gofmt.quote(key)}, another key by that name already exists in Data "
                              f"for ConfigMap {gofmt.quote(name)}")
        if key in binary:
            raise ClientError(f"cannot add key {gofmt.quote(key)}, another key by that name already exists in "
                              f"BinaryData for ConfigMap {gofmt.quote(name)}")

    def add_literal(key: str, value: str) -> None:
        check(key)
        data[key] = value

    def add_file(key: str, content: bytes) -> None:
        try:
            add_literal(key, content.decode("utf-8"))
        except UnicodeDecodeError:
            check(key)
            binary[key] = content

    if files:
        file_sources(files, add_file)
    for source in literals:
        add_literal(*parse_literal_source(source))
    if env_files:
        env_file_sources(env_files, add_literal, "config")
    if append_hash:
        # hash.ConfigMapHash: json.Marshal of {kind, name, data[, binaryData]} (sorted keys)
        encoded = {"data": data, "kind": "ConfigMap", "name": name}
        if binary:
            encoded["binaryData"] = {k: _b64(v) for k, v in binary.items()}
        name = f"{name}-{_hash(gofmt.json_marshal(encoded))}"
    obj: dict = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": object_meta(name, namespace)}
    if data:
        obj["data"] = dict(sorted(data.items()))
    if binary:
        obj["binaryData"] = {k: _b64(v) for k, v in sorted(binary.items())}
    return obj


def create_configmap(
    args: list[str] | None = Arg(None, help="NAME"),
    from_file: list[str] | None = FROM_FILE,
    from_literal: list[str] | None = FROM_LITERAL,
    from_env_file: list[str] | None = FROM_ENV_FILE,
    append_hash: bool = APPEND_HASH,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a config map from a local file, directory or literal value."""
    from minikctl.kube.errors import ClientError

    name = name_from_args(args, "configmap")
    _early_checks(dry_run, output, template, validate)
    files, env_files = split_slice(from_file), split_slice(from_env_file)
    if env_files and (files or from_literal):
        raise ClientError("from-env-file cannot be combined with from-file or from-literal")
    obj = build_configmap(name, namespace, files, from_literal or [], env_files, append_hash)
    run_create(obj, failure="failed to create configmap: ", namespace=namespace, output=output,
               dry_run=dry_run, validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)


def _early_checks(dry_run: str | None, output: str | None, template: str | None, validate: str) -> None:
    """What Complete refuses before anything is read: the dry-run value, the output format, --validate."""
    from minikctl.api.server import normalize_validate
    from minikctl.printers import output as printer

    c.parse_dry_run(dry_run)
    check_output(printer.with_template(output, template))
    normalize_validate(validate)


# ---- secret generic | docker-registry | tls --------------------------------------------------------------------
def new_secret(name: str, namespace: str | None, secret_type: str, data: dict[str, bytes], append_hash: bool) -> dict:
    """newSecretObj with its data, and --append-hash (hash.SecretHash: kind, name, type, data)."""
    from minikctl.kube import gofmt

    if append_hash:
        encoded = {"data": {k: _b64(v) for k, v in data.items()}, "kind": "Secret", "name": name,
                   "type": secret_type}
        name = f"{name}-{_hash(gofmt.json_marshal(encoded))}"
    obj: dict = {"kind": "Secret", "apiVersion": "v1", "metadata": object_meta(name, namespace)}
    if data:
        obj["data"] = {k: _b64(v) for k, v in sorted(data.items())}
    if secret_type:
        obj["type"] = secret_type
    return obj


def _secret_adder(data: dict[str, bytes]) -> "Callable[[str, bytes], None]":
    def add(key: str, value: bytes) -> None:  # addKeyFromLiteralToSecret
        from minikctl.api.validation import is_config_map_key
        from minikctl.kube import gofmt
        from minikctl.kube.errors import ClientError

        errs = is_config_map_key(key)
        if errs:
            raise ClientError(f"{gofmt.quote(key)} is not valid key name for a Secret {';'.join(errs)}")
        if key in data:
            raise ClientError(f"cannot add key {key}, another key by that name already exists")
        data[key] = value

    return add


def create_secret_generic(
    args: list[str] | None = Arg(None, help="NAME"),
    from_file: list[str] | None = FROM_FILE,
    from_literal: list[str] | None = FROM_LITERAL,
    from_env_file: list[str] | None = FROM_ENV_FILE,
    type_: str | None = Opt(None, "--type", help="The type of secret to create."),
    append_hash: bool = APPEND_HASH,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a secret from a local file, directory, or literal value."""
    from minikctl.kube.errors import ClientError

    name = name_from_args(args, "secret generic")
    _early_checks(dry_run, output, template, validate)
    files, env_files = split_slice(from_file), split_slice(from_env_file)
    if env_files and (files or from_literal):
        raise ClientError("from-env-file cannot be combined with from-file or from-literal")
    # CreateSecretOptions.createSecret: literals, then files, then env files
    data: dict[str, bytes] = {}
    add = _secret_adder(data)
    for source in from_literal or []:
        key, value = parse_literal_source(source)
        add(key, value.encode("utf-8", "surrogateescape"))
    if files:
        file_sources(files, add)
    if env_files:
        env_file_sources(env_files, lambda k, v: add(k, v.encode("utf-8")), "secret")
    obj = new_secret(name, namespace, type_ or "", data, append_hash)
    run_create(obj, failure="failed to create secret ", namespace=namespace,
               output=output, dry_run=dry_run, validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)


DOCKER_CONFIG_JSON_KEY = ".dockerconfigjson"  # corev1.DockerConfigJsonKey


def create_secret_docker_registry(
    args: list[str] | None = Arg(None, help="NAME"),
    docker_username: str = Opt("", "--docker-username", help="Username for Docker registry authentication"),
    docker_password: str = Opt("", "--docker-password", help="Password for Docker registry authentication"),
    docker_email: str = Opt("", "--docker-email", help="Email for Docker registry"),
    docker_server: str = Opt("https://index.docker.io/v1/", "--docker-server",
                             help="Server location for Docker registry"),
    from_file: list[str] | None = Opt(None, "--from-file", help="Key files can be specified using their file path, "
                                      "in which case a default name of .dockerconfigjson will be given to them, or "
                                      "optionally with a name and file path, in which case the given name will be "
                                      "used. For this command, the key should always be .dockerconfigjson."),
    append_hash: bool = APPEND_HASH,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a secret for use with a Docker registry."""
    from minikctl.kube import gofmt
    from minikctl.kube.errors import ClientError

    name = name_from_args(args, "secret docker-registry")
    _early_checks(dry_run, output, template, validate)
    files = [f if "=" in f else f"{DOCKER_CONFIG_JSON_KEY}={f}" for f in split_slice(from_file)]
    if not files and (not docker_username or not docker_password or not docker_server):
        raise ClientError("either --from-file or the combination of --docker-username, --docker-password and "
                          "--docker-server is required")
    data: dict[str, bytes] = {}
    if files:
        file_sources(files, _secret_adder(data))
    else:
        # handleDockerCfgJSONContent: DockerConfigJSON{Auths: {server: {username, password, email, auth}}}
        entry = {k: v for k, v in (("username", docker_username), ("password", docker_password),
                                   ("email", docker_email),
                                   ("auth", _b64(f"{docker_username}:{docker_password}".encode("utf-8")))) if v}
        data[DOCKER_CONFIG_JSON_KEY] = gofmt.json_marshal({"auths": {docker_server: entry}}, typed=True).encode("utf-8")
    obj = new_secret(name, namespace, "kubernetes.io/dockerconfigjson", data, append_hash)
    run_create(obj, failure="failed to create secret ", namespace=namespace,
               output=output, dry_run=dry_run, validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)


def create_secret_tls(
    args: list[str] | None = Arg(None, help="NAME"),
    cert: str = Opt("", "--cert", help="Path to PEM encoded public key certificate."),
    key: str = Opt("", "--key", help="Path to private key associated with given certificate."),
    append_hash: bool = APPEND_HASH,
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a TLS secret."""
    from minikctl.cli import tlspair
    from minikctl.kube.errors import ClientError

    name = name_from_args(args, "secret tls")
    _early_checks(dry_run, output, template, validate)
    if not key or not cert:
        raise ClientError("key and cert must be specified")

    def read(path: str) -> bytes:  # readFile
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except OSError as e:
            raise ClientError(f"Cannot read file {path}, open {path}: {go_os_error(e)}") from None

    tls_cert, tls_key = read(cert), read(key)
    problem = tlspair.x509_key_pair(tls_cert, tls_key)
    if problem:
        raise ClientError(problem)
    obj = new_secret(name, namespace, "kubernetes.io/tls", {"tls.crt": tls_cert, "tls.key": tls_key}, append_hash)
    run_create(obj, failure="failed to create secret ", namespace=namespace, output=output,
               dry_run=dry_run, validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)


SECRET_HELP = """Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.

Available Commands:
  docker-registry   Create a secret for use with a Docker registry
  generic           Create a secret from a local file, directory, or literal value
  tls               Create a TLS secret

Usage:
  minikctl create secret (docker-registry | generic | tls) [options]

Use "minikctl create secret <command> --help" for more information about a given command.
"""


def create_secret(
    args: list[str] | None = Arg(None, help="(docker-registry | generic | tls)"),
) -> int:
    """Create a secret using a specified subcommand."""
    from minikctl.kube.errors import ClientError

    if args:  # cmdutil.DefaultSubCommandRun: RequireNoArguments (with cobra's suggestions), then exit 1
        from minikctl.cli.suggest import in_group

        raise ClientError(in_group(f"unknown command {_go_quote(' '.join(args))}", args[0], SECRET.commands,
                                   "create secret"), plain=True)
    c.err(SECRET_HELP)
    return 1


def _go_quote(s: str) -> str:
    from minikctl.kube import gofmt

    return gofmt.quote(s)


SECRET = Group("Create a secret using a specified subcommand.",
               {"docker-registry": create_secret_docker_registry, "generic": create_secret_generic,
                "tls": create_secret_tls},
               callback=create_secret)


# ---- serviceaccount, namespace ---------------------------------------------------------------------------
def create_serviceaccount(
    args: list[str] | None = Arg(None, help="NAME"),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a service account with the specified name."""
    name = name_from_args(args, "serviceaccount")
    _early_checks(dry_run, output, template, validate)
    obj = {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": object_meta(name, namespace)}
    run_create(obj, failure="failed to create serviceaccount: ", namespace=namespace,
               output=output, dry_run=dry_run, validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)


def create_namespace(
    args: list[str] | None = Arg(None, help="NAME"),
    namespace: str | None = c.NAMESPACE,
    output: str | None = c.OUTPUT,
    template: str | None = TEMPLATE,
    allow_missing_template_keys: bool = ALLOW_MISSING,
    dry_run: str | None = c.DRY_RUN,
    validate: str = c.VALIDATE,
    save_config: bool = SAVE_CONFIG,
    field_manager: str = FIELD_MANAGER,
    store: str | None = c.STORE,
    tick: str | None = c.TICK,
) -> None:
    """Create a namespace with the specified name."""
    name = name_from_args(args, "namespace")
    _early_checks(dry_run, output, template, validate)
    obj = {"kind": "Namespace", "apiVersion": "v1", "metadata": object_meta(name, None), "spec": {}, "status": {}}
    run_create(obj, failure=None, namespace=None, output=output, dry_run=dry_run,
               validate=validate, save_config=save_config, template=template,
               allow_missing_template_keys=allow_missing_template_keys, store=store, tick=tick)
