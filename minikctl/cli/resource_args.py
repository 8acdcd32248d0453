"""kubectl's resource builder: TYPE [NAME...], TYPE/NAME..., TYPE1,TYPE2 and -f inputs, as (resource, names) requests."""

from __future__ import annotations

from minikctl.kube.errors import ClientError
from minikctl.kube.kinds import Resource, for_kind, resolve

NO_ARGS = (
    "You must provide one or more resources by argument or filename.\n"
    "Example resource specifications include:\n"
    "   '-f rsrc.yaml'\n"
    "   '--filename=rsrc.json'\n"
    "   '<resource> <name>'\n"
    "   '<resource>'"
)

class Request:
    """One resource type and the names asked for (none: all of them)."""

    __slots__ = ("res", "names")

    def __init__(self, res: Resource, names: list[str]) -> None:
        self.res, self.names = res, names

    def __repr__(self) -> str:
        return f"Request({self.res.kind}, {self.names})"


def from_args(args: list[str]) -> list[Request]:
    """Parse the positional arguments of get/describe/delete/wait/label/annotate."""
    if not args:
        return []
    slash = [a for a in args if "/" in a]
    if slash:
        if len(slash) != len(args):
            raise ClientError(
                "there is no need to specify a resource type as a separate argument when passing arguments in "
                "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource "
                "resource/<resource_name>'"
            )
        out: list[Request] = []
        for a in args:
            type_, _, name = a.partition("/")
            if not name:
                raise ClientError("arguments in resource/name form must have a single resource and name")
            out.append(Request(resolve(type_), [name]))
        return out
    # `all` is kubectl's category of workload types (the served kinds that list it among their categories)
    from minikctl.kube.kinds import in_category

    parts = [t for t in args[0].split(",") if t]
    names = args[1:]
    if names and len(parts) > 1 and "all" not in parts:
        # normalizeMultipleResourcesArgs: `get pods,nodes a b` is pods/a pods/b nodes/a nodes/b
        return [Request(resolve(t), [n]) for t in parts for n in names]
    types = []
    for t in parts:
        types += in_category("all") if t == "all" else [resolve(t)]
    if names and len(types) > 1:
        raise ClientError("arguments in resource/name form must have a single resource and name")
    return [Request(t, list(names)) for t in types]


def from_files(paths: list[str], recursive: bool, keep=None) -> list[tuple[Resource, dict, str]]:
    """Objects named in -f inputs, for verbs that act on existing objects (get/delete/describe -f); ``keep``:
    the -l filter of the documents (``label_filter``)."""
    out = []
    for obj, source in load(paths, recursive):
        if keep is not None and not keep(obj):
            continue
        res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
        if res is None:
            raise unknown_kind_error(obj, source)
        out.append((res, obj, source))
    return out


def local_from_files(paths: list[str], recursive: bool, namespace: str | None) -> list[tuple[Resource, dict]]:
    """The -f objects of a verb run with --local (a local builder: nothing is asked of the server), each a copy
    as the file has it. An explicit namespace (-n) is enforced as the builder's FilenameParam enforces it."""
    import copy

    from minikctl.kube.errors import ClientError

    out = []
    for res, obj, _source in from_files(paths, recursive):
        own = (obj.get("metadata") or {}).get("namespace")
        if res.namespaced and own and namespace and own != namespace:
            raise ClientError(f'the namespace from the provided object "{own}" does not match the namespace '
                              f'"{namespace}". You must pass \'--namespace={own}\' to perform this operation.')
        out.append((res, copy.deepcopy(obj)))
    return out


def live_from_files(api, paths: list[str], recursive: bool, namespace: str, verb: str = "",
                    keep=None) -> tuple[list, list]:
    """The stored objects that -f inputs name: ([(resource, live object)], [errors for the missing ones]).

    With ``verb`` the errors carry the source as kubectl's do (`error when deleting "f.yaml": ...`).
    """
    from minikctl.kube.errors import StatusError

    found, errors = [], []
    for res, obj, source in from_files(paths, recursive, keep):
        meta = obj.get("metadata") or {}
        try:
            found.append((res, api.get(res, meta.get("namespace") or namespace, meta.get("name", ""))))
        except StatusError as e:
            errors.append(e.with_source(verb, source) if verb else e)
    return found, errors


def read_stdin() -> str:
    """Standard input as text (UTF-8, bad bytes replaced as Go's decoder does); a closed stdin reads as empty."""
    import sys

    from minikctl.api.manifests import MAX_SOURCE_BYTES

    stream = sys.stdin
    if stream is None:
        return ""
    try:
        raw = stream.buffer.read(MAX_SOURCE_BYTES + 1) if hasattr(stream, "buffer") else stream.read().encode()
    except (OSError, ValueError):  # closed or unreadable descriptor: nothing to read, as kubectl sees it
        return ""
    if len(raw) > MAX_SOURCE_BYTES:
        raise ClientError(f"error reading STDIN: input is larger than {MAX_SOURCE_BYTES} bytes")
    return raw.decode("utf-8", errors="replace")


def load(paths: list[str], recursive: bool) -> list[tuple[dict, str]]:
    """Read -f inputs into (object, source) pairs: every document, List items flattened, basic checks done."""
    from minikctl.api import manifests

    sources = manifests.read_sources(paths, recursive, stdin_text=read_stdin)
    out: list[tuple[dict, str]] = []
    for source, text in sources:
        for obj in manifests.flatten_lists(manifests.parse_documents(text, source)):
            check_object(obj, source)
            out.append((obj, source))
    return out


def load_each(paths: list[str], recursive: bool) -> list[tuple[dict | None, str, Exception | None]]:
    """Every -f document as kubectl's builder visits them with ContinueOnError: ``(object, source, None)`` for
    a document, ``(None, source, error)`` for one that fails. Files are independent; within a stream, a syntax
    or schema error ends that stream (what came before it stands), a document that fails to decode does not."""
    from minikctl.api import manifests
    from minikctl.kube.errors import MinikctlError

    out: list[tuple[dict | None, str, Exception | None]] = []
    for source, text in manifests.read_sources(paths, recursive, stdin_text=read_stdin):
        for value, err in manifests.iter_documents(text, source):
            if err is not None:
                out.append((None, source, err))
                continue
            stop = False
            for obj in manifests.flatten_lists([value]):
                try:
                    check_object(obj, source)
                except MinikctlError as e:
                    out.append((None, source, e))
                    stop = "unable to decode" not in e.render()  # schema validation ends the stream
                    if stop:
                        break
                    continue
                out.append((obj, source, None))
            if stop:
                break
    return out


def check_object(obj: object, source: str) -> None:
    """kubectl's client-side checks before anything reaches the server."""
    hint = "; if you choose to ignore these errors, turn validation off with --validate=false"
    if not isinstance(obj, dict):
        raise ClientError(f'error validating "{source}": error validating data: invalid object to validate{hint}')
    for key in ("apiVersion", "kind"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise ClientError(f'error validating "{source}": error validating data: {key} isn\'t string type{hint}')
    if not obj.get("apiVersion"):
        raise ClientError(f'error validating "{source}": error validating data: apiVersion not set{hint}')
    if not obj.get("kind"):
        raise ClientError(f'error validating "{source}": error validating data: kind not set{hint}')
    meta = obj.get("metadata", {})
    if meta is None:  # `metadata: null` decodes as an empty ObjectMeta
        meta = obj["metadata"] = {}
    if not isinstance(meta, dict):
        raise ClientError(f'error validating "{source}": error validating data: invalid object to validate{hint}')
    # kubectl decodes metadata itself, so wrong types there fail on the client (YAML 1.1: `name: y` is a bool)
    for key in ("name", "namespace", "generateName"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            raise ClientError(f'unable to decode "{source}": json: cannot unmarshal {_go_json_type(meta[key])} '
                              f"into Go struct field ObjectMeta.metadata.{key} of type string")
    for key in ("labels", "annotations"):
        values = meta.get(key)
        if values is not None and not isinstance(values, dict):
            raise ClientError(f'unable to decode "{source}": json: cannot unmarshal {_go_json_type(values)} '
                              f"into Go struct field ObjectMeta.metadata.{key} of type map[string]string")
        if isinstance(values, dict):
            for v in values.values():
                if v is not None and not isinstance(v, str):
                    raise ClientError(f'unable to decode "{source}": json: cannot unmarshal {_go_json_type(v)} '
                                      f"into Go struct field ObjectMeta.metadata.{key} of type string")


def _go_json_type(value: object) -> str:
    """The JSON type name encoding/json reports in an UnmarshalTypeError."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def unknown_kind_error(obj: dict, source: str) -> ClientError:
    meta = obj.get("metadata") or {}
    return ClientError(
        f'resource mapping not found for name: "{meta.get("name", "")}" namespace: "{meta.get("namespace", "")}" '
        f'from "{source}": no matches for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"\n'
        "ensure CRDs are installed first"
    )


def prepare(obj: dict, source: str, namespace: str | None):
    """Resolve the resource and namespace of a manifest object, as kubectl's builder does."""
    from minikctl.cli import common as c
    
    res = for_kind(obj.get("apiVersion", ""), obj.get("kind", ""))
    if res is None:
        raise unknown_kind_error(obj, source)
    obj = copy_document(obj)
    meta = obj.setdefault("metadata", {})
    if res.namespaced:
        own = meta.get("namespace")
        if own and namespace and own != namespace:
            raise ClientError(
                f'the namespace from the provided object "{own}" does not match the namespace "{namespace}". '
                f"You must pass '--namespace={own}' to perform this operation."
            )
        meta["namespace"] = own or c.namespace_of(namespace)
    return res, obj


def copy_document(obj):
    """A deep copy of a decoded document (JSON values only): a JSON round trip, several times faster than
    copy.deepcopy, which counted for a tenth of a big apply."""
    import json

    return json.loads(json.dumps(obj))


def label_filter(selector: str | None):
    """The -l of a verb that reads -f: a predicate on a document's labels, or None without -l.

    kubectl's resource builder (cli-runtime pkg/resource/builder.go, ``visitByPaths``) parses the selector and
    wraps the file visitors in ``FilterByLabelSelector``: documents whose labels do not match are skipped as if
    they were not in the files."""
    from minikctl.kube.errors import ClientError, StatusError
    from minikctl.kube.selectors import LabelSelector

    if not selector:
        return None
    try:
        parsed = LabelSelector.parse(selector)
    except StatusError as e:
        raise ClientError(f'the provided selector "{selector}" is not valid: {e.message}') from None
    return lambda obj: parsed.matches((obj.get("metadata") or {}).get("labels") or {})


def load_selected(filename, recursive, selector):
    """The -f documents (resource_args.load_each), without those -l leaves out (documents that failed to
    load stay: their errors are reported)."""
    keep = label_filter(selector)  # a bad selector fails before any file is read, as the builder's Do() does
    docs = load_each(filename, recursive)
    if keep is None:
        return docs
    return [d for d in docs if d[0] is None or keep(d[0])]
