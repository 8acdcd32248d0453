"""Pods of one template admitted once, then stamped: the create of the next pods of a manifest without admitting
each again.

``apply -f`` of a file of 10,000 pods that differ only by their names sends 10,000 requests that differ, as JSON,
only by ``metadata.name`` and by the name inside kubectl's last-applied-configuration annotation. Admission
(``Api.create``: the decoding checks, the strategy's PrepareForCreate, defaulting and the ServiceAccount, Priority
and DefaultTolerationSeconds plugins, validation, the create's managedFields entry) is a function of the request's
JSON, of the objects it reads (the Namespace, the ServiceAccount, PriorityClasses), of the clock (managedFields'
time) and of two counters (the uid, the token volume's five generated characters, see
``docs/ARCHITECTURE.md``'s field ownership and api/defaults.py ``_mount_service_account_token``). So once one
pod of a template is admitted, the next ones are that pod with their own name, uid, annotation and token volume
name put in, with the counters advanced exactly as admission advances them.

What makes two requests one template (``request_key``): their JSON with the name and the last-applied annotation
left out, the lengths of both (validation counts the annotations' bytes), the name a DNS label (a valid pod name
whatever its characters; a name that is not goes the general way and gets its own verdict), no generateName.
A request named by its generateName alone (``generated_key``: a controller's pods, whose names admission draws)
is a template by its whole JSON; its draw of the name is one more step of the suffix counter. A controller's pod
with one owner whose name and uid are its only difference from another's (a Job's pods, ``owner_tokens``: the
Job's name and uid in the labels, the controller reference and the generateName's head) is keyed with those two
strings marked, so the pods of Jobs of one pod template share a key; as the template's environment holds the clock
(``environment``), only the pods created at one instant share a template (the first pods of the Jobs 100 CronJobs
start in one minute: each minute's make a template of their own); the stamp puts the owner's strings where the
admitted pod has them (``_owner_places``, with the managedFields key of the controller reference), and a template
checked only against a pod of its own owner serves that owner alone (``Template.across``). What makes the
admitted pod reusable (``admitted``): admission moved only the uid counter (by one) and the
suffix counter (by one, or not at all), wrote nothing, warned of nothing; the objects admission reads did not change
since (``Tx.admission_writes``: a write of a Namespace or a ServiceAccount, store/db.py ``READ_BY_ADMISSION``, and
any step undone), the clock did not move, the validation mode and the field manager are the same. A template is
made from the first pod's text when a second pod of the key comes (``_Seen``), and used only after that second
pod went the general way and came out exactly as its stamp would have (``verified``): whatever admission would
copy from a pod's name or uid elsewhere makes that comparison fail, and the template is dropped for good.

``ENABLED`` (``MINIKCTL_NO_STAMP=1`` clears it; it also turns off apply's last-applied annotation marshalled once
per template, cli/writes.py ``_marshal``, a stream's documents alike decoded once, api/manifests.py ``_Alike``, and
the scheduler's status write spliced into the pod's text, engine/controllers/scheduler.py ``_status_text``, and
the store's read of a pod written in the same transaction without its row, store/db.py ``KNOWN_TEXTS``, and the
Job controller's read of an orphan pod's text without decoding it, engine/controllers/job.py ``_untracked``, and
the Job and CronJob controllers' status writes taking the object as stored from what their sync read, job.py and
cronjob.py ``_write_status``, and the Jobs a CronJob creates stamped from one admitted Job, ``job_key`` and
``JobTemplate``) lets
tests run the same commands through the general path and
compare the stores byte for byte (tests/unit/test_stamp_golden.py, tests/unit/test_deployment_stamp_golden.py,
tests/unit/test_job_stamp_golden.py, tests/unit/test_cronjob_status_golden.py, tests/unit/test_cronjob_job_stamp.py).

The Jobs of CronJobs (``job_key``): the CronJob controller creates, at the one instant of a scheduled minute, a Job
per CronJob whose request differs from another CronJob's of the same jobTemplate by the CronJob's name and uid
alone (the Job's name is ``<cronjob>-<minute>``, pkg/controller/cronjob/utils.go ``getJobFromTemplate2``).
Admission puts the Job's own uid in its generated selector and its pod template's labels and its name in the
``job-name`` labels (pkg/registry/batch/job/strategy.go ``PrepareForCreate``/``generateSelector``), so an admitted
Job is, as text, the next one with three strings exchanged. The same rules as for pods hold: the template made by
the first request of a key, trusted once a second one of another CronJob went the general way and came out as
its stamp, only while ``environment`` is unchanged, one uid drawn as admission draws it. A stamp's stored text is
the template's text with its values put in, around the creation time and resourceVersion the store sets
(``JobTemplate.stamped``, checked once against the encoder's; ``JOB_TEXTS``, MINIKCTL_NO_JOB_STAMP_TEXTS=1).
"""

from __future__ import annotations

import json
import marshal
import os
import re

from minikctl.api.speckey import _GENERATED
from minikctl.kube import jsontext
from minikctl.kube.treecopy import maker
from minikctl.store import history
from minikctl.store.splice import Checked

ENABLED = os.environ.get("MINIKCTL_NO_STAMP", "") in ("", "0")
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")  # a DNS-1123 label: always a valid pod name
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=True).encode
_dumps = jsontext.encoder()  # the store's
_COUNTERS = ("counter:uid", "counter:suffix")
# templates (and keys given up) a transaction keeps at most, the oldest let go first: a controller's pods are keyed
# by their whole request (``generated_key``), and a Job's pods whose Job's strings are elsewhere too are keyed with
# them, so a long advance over such CronJobs makes a key per run that is never used again (6,000 an hour for 100
# CronJobs: ~90 MB kept)
KEPT = 256
MAKE_AFTER = 32  # copies of a template's tree by marshal before one by a compiled function (``Template.stamp``)
MAKE_MAX = 64 * 1024  # the largest tree (marshalled bytes) compiled so: compiling costs about its size


def request_key(sent) -> tuple | None:
    """The template of a create request: (its JSON without the name and the last-applied annotation, the name's
    length, the annotation's length in characters and UTF-8 bytes); None when the request is not one stamping
    handles (no plain name, a generateName, not JSON)."""
    if type(sent) is not dict:
        return None
    meta = sent.get("metadata")
    if type(meta) is not dict or "generateName" in meta:
        return None
    name = meta.get("name")
    if type(name) is not str or not _LABEL.fullmatch(name):
        return None
    masked = {**meta, "name": ""}
    annotations = meta.get("annotations")
    applied = None
    if annotations is not None:
        if type(annotations) is not dict:
            return None
        applied = annotations.get(LAST_APPLIED)
        if applied is not None:
            if type(applied) is not str:
                return None
            masked["annotations"] = {**annotations, LAST_APPLIED: ""}
    try:
        text = _encode({**sent, "metadata": masked})
    except (TypeError, ValueError, RecursionError):
        return None
    if applied is None:
        return text, len(name), -1, -1
    return text, len(name), len(applied), len(applied.encode("utf-8", "surrogatepass"))


GENERATED = -2  # the name's length in the key of a request whose name admission generates (``generated_key``)


def generated_key(sent) -> tuple | None:
    """The template of a create request named by its ``generateName`` alone (the pods a controller makes from its
    template, pkg/controller/controller_utils.go ``GetPodFromTemplate``): its whole JSON. Admission completes the
    name (``generateName[:58]`` and five characters drawn from the suffix counter, names.SimpleNameGenerator)
    before anything else reads it, so the pods of one such request differ by that name, their uid and their token
    volume's name as the pods of a manifest do; the name's draw is one more step of the suffix counter
    (``admitted``). None when the request is not one (a name, no generateName, not JSON)."""
    if type(sent) is not dict:
        return None
    meta = sent.get("metadata")
    if type(meta) is not dict or "name" in meta or type(meta.get("generateName")) is not str \
            or not meta["generateName"]:
        return None
    owner = owner_tokens(sent)
    if owner is not None:
        keyed = _owner_masked(sent, owner)
        if keyed is not None:
            return keyed, GENERATED, len(owner[0]), len(owner[1])
    try:
        text = _encode(sent)
    except (TypeError, ValueError, RecursionError):
        return None
    return text, GENERATED, -1, -1


_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")  # Tx.new_uid's shape
# marks of the owner's name and uid in a request's key (``_owner_masked``) and in a template's pieces (``_pieces``)
_OWNER_MARKS = ("\x006\x00", "\x007\x00")
_OWNER_ESCAPED = tuple(_dumps(m)[1:-1] for m in _OWNER_MARKS)  # as the encoder writes them inside a string


def owned(key: tuple) -> bool:
    """Whether ``key`` is one of a request keyed without its owner's name and uid (``owner_tokens``)."""
    return key[1] == GENERATED and key[2] >= 0


def owner_tokens(sent) -> tuple | None:
    """(name, uid) of the one owner of a controller's pod request whose pods differ by their owner alone: a Job's
    pods (pkg/controller/job ``getPodTemplate``/``GetPodFromTemplate``: the owner's name and uid in the labels the
    Job's selector and template carry, in the controller reference, the owner's name as the generateName's head).
    None unless the request has exactly one owner reference, a controller, whose name is a DNS-1123 label and
    uid of ``Tx.new_uid``'s shape, and whose generateName begins with that name."""
    meta = sent.get("metadata") if type(sent) is dict else None
    refs = meta.get("ownerReferences") if type(meta) is dict else None
    if type(refs) is not list or len(refs) != 1 or type(refs[0]) is not dict or refs[0].get("controller") is not True:
        return None
    name, uid = refs[0].get("name"), refs[0].get("uid")
    if type(name) is not str or type(uid) is not str or not _LABEL.fullmatch(name) or not _UID.fullmatch(uid) \
            or name in uid or uid in name:
        return None
    gen = meta.get("generateName")
    if type(gen) is not str or not gen.startswith(name):
        return None
    return name, uid


def _owner_masked(sent: dict, owner: tuple) -> str | None:
    """The key text of a request of ``owner_tokens``: its JSON with the owner's name and uid marked where the Job
    controller puts them (the controller reference, the labels whose value is one of them, the generateName's
    head); None when either also occurs anywhere else (the request is then keyed by its whole JSON: a stamp
    puts the owner's strings only in those places)."""
    name, uid = owner
    meta = sent["metadata"]
    ref = meta["ownerReferences"][0]
    masked = {**meta, "generateName": _OWNER_MARKS[0] + meta["generateName"][len(name):],
              "ownerReferences": [{**ref, "name": _OWNER_MARKS[0], "uid": _OWNER_MARKS[1]}]}
    places = [2, 1]  # marks put in: name (generateName, the reference), uid (the reference)
    labels = meta.get("labels")
    if labels is not None:
        if type(labels) is not dict:
            return None
        out = {}
        for k, v in labels.items():
            if v == name:
                v = _OWNER_MARKS[0]
                places[0] += 1
            elif v == uid:
                v = _OWNER_MARKS[1]
                places[1] += 1
            out[k] = v
        masked["labels"] = out
    try:
        text = _encode({**sent, "metadata": masked})
    except (TypeError, ValueError, RecursionError):
        return None
    if name in text or uid in text or text.count(_OWNER_ESCAPED[0]) != places[0] \
            or text.count(_OWNER_ESCAPED[1]) != places[1]:
        return None
    return text


# marks of a pod's own values in its template's stored text (control characters: the encoder escapes them, so no
# value of a document can be written as one): name, uid, last-applied annotation, token volume, creation time,
# resourceVersion
_MARKS = tuple(f"\x00{i}\x00" for i in range(6))
_MARKED = tuple(_dumps(m) for m in _MARKS)
# and of the owner's name and uid (``owner_tokens``), written inside strings (a generateName's head, a managedFields
# key), so matched without their quotes
_SPLIT = re.compile("(" + "|".join(re.escape(m) for m in _MARKED + _OWNER_ESCAPED) + ")")
_PIECE = {m: i for i, m in enumerate(_MARKED + _OWNER_ESCAPED)}


class _Seen:
    """A key's first admitted pod, as ``Template`` is made from it at the key's second pod: most keys have no second
    (a controller's pods are keyed by their whole request), and a template costs more to make than its text
    (decoded, copied, cut into pieces). ``owner``: the pod's ``owner_tokens`` when the key leaves them out."""

    __slots__ = ("env", "text", "namespace", "token_paths", "owner")
    verified = False

    def __init__(self, env: tuple, text: str, namespace: str, token_paths: list, owner: tuple | None) -> None:
        self.env, self.text, self.namespace, self.token_paths = env, text, namespace, token_paths
        self.owner = owner


class Template:
    """An admitted pod's JSON and where its own parts are: the token volume's name (paths into the object); the
    text the store writes for a pod stamped from it, cut around the pod's own values (``encode``)."""

    __slots__ = ("env", "text", "namespace", "token_paths", "verified", "applied", "pieces", "encoded", "tree",
                 "remade", "summary", "copies", "make", "owner", "owner_places", "across")

    def __init__(self, env: tuple, text: str, namespace: str, token_paths: list, owner: tuple | None = None) -> None:
        self.env, self.text, self.namespace, self.token_paths = env, text, namespace, token_paths
        self.verified = False
        tree = json.loads(text)
        # the owner's name and uid (``owner_tokens``) of the pod the text is from, and where they are in it
        self.owner = owner
        self.owner_places = _owner_places(tree, owner) if owner is not None else []
        # checked with a pod of another owner (``admitted``): stamped for any owner, not only the template's own
        self.across = owner is None
        self.applied = LAST_APPLIED in (tree["metadata"].get("annotations") or {})
        # the decoded text as marshal writes it: marshal.loads gives a new tree equal to json.loads(text), keys in
        # the same order, in a third of the time (kube/treecopy.py)
        self.tree = marshal.dumps(tree)
        # after MAKE_AFTER copies, the tree is copied by a function compiled from it (kube/treecopy.py ``maker``):
        # a template stamped for thousands of pods, not one made for a controller's pod or two
        self.copies = 0
        self.make = None
        self.pieces = self._pieces()
        self.encoded = Checked()  # ``encode``'s texts: the first compared with the store's encoder's (store/splice.py)
        self.remade = Checked()  # ``remaker``'s objects: the first compared with its stored text
        # the history summary of a stamp (store/history.py): of its status and deletionTimestamp, the template's
        self.summary = history.summary_text(tree)

    def _pieces(self) -> list | None:
        """The stored text of a stamp, as Tx.create fills it in (creationTimestamp, then resourceVersion, set on
        the metadata), with marks for the pod's own values: [text, index of a value, text, ...]; None unless each
        mark is where the stamp puts it and nowhere else."""
        obj = self.stamp(_MARKS[0], _MARKS[1], _MARKS[2] if self.applied else None,
                         _MARKS[3] if self.token_paths else None, _OWNER_MARKS if self.owner_places else None)
        meta = obj["metadata"]
        meta["creationTimestamp"] = _MARKS[4]
        meta["resourceVersion"] = _MARKS[5]
        parts = _SPLIT.split(_dumps(obj))
        marks = parts[1::2]
        want = (1, 1, 1 if self.applied else 0, len(self.token_paths), 1, 1,
                sum(1 for p in self.owner_places if p[2] == 0), sum(1 for p in self.owner_places if p[2] == 1))
        if any(marks.count(m) != n for m, n in zip(_MARKED + _OWNER_ESCAPED, want)):
            return None
        for i in range(1, len(parts), 2):
            parts[i] = _PIECE[parts[i]]
        return parts

    def encode(self, obj: dict) -> str:
        """The store's text of ``obj``, a stamp of this template whose creationTimestamp and resourceVersion the
        store has just set (Tx.create's ``encode``): each string value is encoded by itself, as the encoder does
        inside the object. The first time, it is compared with the encoder's own text (and given up if not
        the same)."""
        meta = obj["metadata"]
        pieces = self.pieces
        if pieces is None or self.encoded.off:
            return _dumps(obj)
        values = [_dumps(meta["name"]), _dumps(meta["uid"]),
                  _dumps(meta["annotations"][LAST_APPLIED]) if self.applied else "",
                  _dumps(_token_of(obj, self.token_paths[0])) if self.token_paths else "",
                  _dumps(meta["creationTimestamp"]), _dumps(meta["resourceVersion"])]
        if self.owner_places:  # written inside strings: without their quotes
            ref = meta["ownerReferences"][0]
            values += (_dumps(ref["name"])[1:-1], _dumps(ref["uid"])[1:-1])
        out = [pieces[0]]
        for i in range(1, len(pieces), 2):
            out.append(values[pieces[i]])
            out.append(pieces[i + 1])
        return self.encoded.text("".join(out), obj)

    def remaker(self, name: str, uid: str, applied: str | None, token: str | None, owner: tuple | None = None):
        """What makes a stamped pod again once the store has created it (Tx.create's ``remake``: its creation
        timestamp, resourceVersion and stored text), for the change that the scheduler reads it from: the stamp,
        with the two values set in the order Tx.create sets them. The first object made so is compared with
        the stored text, and the text is decoded instead from then on if they differ."""

        def remake(created: str, rv: str, body: str) -> dict:
            if self.remade.off:
                return json.loads(body)
            obj = self.stamp(name, uid, applied, token, owner)
            meta = obj["metadata"]
            meta["creationTimestamp"] = created
            meta["resourceVersion"] = rv
            return obj if self.remade.passes(lambda: _dumps(obj) == body) else json.loads(body)

        return remake

    def stamp(self, name: str, uid: str, applied: str | None, token: str | None, owner: tuple | None = None) -> dict:
        make = self.make
        if make is not None:
            obj = make()
        else:
            obj = marshal.loads(self.tree)
            self.copies += 1
            if self.copies == MAKE_AFTER and len(self.tree) <= MAKE_MAX:
                self.make = maker(obj)
        meta = obj["metadata"]
        meta["name"] = name
        meta["uid"] = uid
        if applied is not None:
            meta["annotations"][LAST_APPLIED] = applied
        for path in self.token_paths:
            node = obj
            for step in path:
                node = node[step]
            node["name"] = token
        if owner is not None and self.owner_places:
            _put_owner(obj, self.owner_places, self.owner, owner)
        return obj


class OwnerSource:
    """What a pod stamped for an owner (``owner_tokens``) was made from, as the store's change names it
    (changelog.Remade ``source``): its template and its owner. A reader that keeps what is a function of the
    stamp's source keeps it per owner: the scheduler's printed row of a pod that fits nowhere shows its labels,
    which hold its owner's name and uid (engine/controllers/scheduler.py ``_row_stamp``). Equal for the pods of
    one owner and template."""

    __slots__ = ("template", "owner")

    def __init__(self, template: "Template", owner: tuple) -> None:
        self.template, self.owner = template, owner

    def __eq__(self, other) -> bool:
        return type(other) is OwnerSource and other.template is self.template and other.owner == self.owner

    def __hash__(self) -> int:
        return hash((id(self.template), self.owner))

    @property
    def remade(self) -> Checked:
        return self.template.remade


def _owner_places(tree: dict, owner: tuple) -> list:
    """Where a Job's pod (``owner_tokens``) holds its owner's name (0) and uid (1), once admitted: (the path of the
    map, its key, 0 or 1, what is there: "value" the string itself, "head" a string it begins (the
    generateName), "key" a managedFields key that holds the uid (the controller reference's ``k:{"uid":...}``,
    fieldmanager.py)). What the request had (``_owner_masked``) and what admission made of it; were the owner's
    strings anywhere else, the stamp of a second pod would differ from its admission, and the template would be
    refused then."""
    name, uid = owner
    meta = tree["metadata"]
    places = [(("metadata",), "generateName", 0, "head"),
              (("metadata", "ownerReferences", 0), "name", 0, "value"),
              (("metadata", "ownerReferences", 0), "uid", 1, "value")]
    for k, v in (meta.get("labels") or {}).items():
        if v == name or v == uid:
            places.append((("metadata", "labels"), k, 0 if v == name else 1, "value"))
    fskey = 'k:{"uid":"' + uid + '"}'
    for i, entry in enumerate(meta.get("managedFields") or []):
        refs = ((entry.get("fieldsV1") or {}).get("f:metadata") or {}).get("f:ownerReferences")
        if type(refs) is dict and fskey in refs:
            places.append((("metadata", "managedFields", i, "fieldsV1", "f:metadata", "f:ownerReferences"), fskey, 1,
                           "key"))
    return places


def _put_owner(obj: dict, places: list, was: tuple, owner: tuple) -> None:
    """The owner's name and uid of a stamp (``Template.stamp``) in the places where the template's pod has its own
    (``_owner_places``); a managedFields key is renamed where it is (the map keeps its order)."""
    for path, key, which, what in places:
        node = obj
        for step in path:
            node = node[step]
        if what == "value":
            node[key] = owner[which]
        elif what == "head":
            node[key] = owner[0] + node[key][len(was[0]):]
        else:
            items = list(node.items())
            node.clear()
            renamed = key.replace(was[1], owner[1])
            for k, v in items:
                node[renamed if k == key else k] = v


def _token_of(obj: dict, path: tuple) -> str:
    node = obj
    for step in path:
        node = node[step]
    return node["name"]


def _token_paths(obj: dict) -> tuple[list, str | None]:
    """The places of the generated token volume's name (the volume, the mounts of it), as speckey finds them, and
    the name (None: no such volume). Were the name anywhere else too, the stamp of a second pod would differ
    from what its admission made, and the template would be refused then."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return [], None
    volumes = spec.get("volumes")
    token = None
    paths: list = []
    if isinstance(volumes, list):
        for i, v in enumerate(volumes):
            n = v.get("name") if isinstance(v, dict) else None
            if isinstance(n, str) and _GENERATED.fullmatch(n):
                token = n
                break
    if token is None:
        return [], None
    for i, v in enumerate(volumes):
        if isinstance(v, dict) and v.get("name") == token:
            paths.append(("spec", "volumes", i))
    for field in ("initContainers", "containers", "ephemeralContainers"):
        containers = spec.get(field)
        for j, c in enumerate(containers if isinstance(containers, list) else ()):
            mounts = c.get("volumeMounts") if isinstance(c, dict) else None
            for k, m in enumerate(mounts if isinstance(mounts, list) else ()):
                if isinstance(m, dict) and m.get("name") == token:
                    paths.append(("spec", field, j, "volumeMounts", k))
    return paths, token


class Watch:
    """What one general-path create of a keyed request did besides admitting: taken before admission, checked
    after it (``admitted``)."""

    __slots__ = ("key", "env", "template", "meta", "warnings", "feed", "changes")

    def __init__(self, key: tuple, env: tuple, template, api) -> None:
        tx = api.tx
        self.key, self.env, self.template = key, env, template
        self.meta = dict(tx._meta)
        self.warnings, self.feed, self.changes = len(api.warnings), len(tx.feed), len(tx._changes)


def watch(api, key: tuple) -> Watch | None:
    """What a general create of the request ``key`` is to record (None: the key's stamp proved wrong, or the
    transaction keeps no templates). Called before admission, as ``Watch`` takes its counts then."""
    templates = api.tx.stamps
    found = templates.get(key)
    if found is False:
        return None
    env = environment(api)
    return Watch(key, env, found if found is not None and found.env == env else None, api)


def environment(api) -> tuple:
    """What else admission depends on: the cluster's other objects (their writes counted), the clock (the
    managedFields' time), the validation mode and the field manager."""
    tx = api.tx
    return tx.admission_writes, tx.now_ms, api.validate_mode, api.field_manager


def usable(api, key: tuple, owner: tuple | None = None) -> Template | None:
    """The key's verified template when the transaction is still as it was when it was made; for a request of
    another owner (``owner_tokens``) only once a pod of another owner was checked against its stamp."""
    found = api.tx.stamps.get(key)
    if found and found.verified and found.env == environment(api) and (found.across or found.owner == owner):
        return found
    return None


def admitted(watch: Watch, api, obj: dict, name: str, applied: str | None, owner: tuple | None = None) -> None:
    """A general create of a keyed request admitted ``obj`` (not yet stored): record it as the key's template, or
    compare it with the template's stamp (and trust the template from then on, or never again)."""
    templates = api.tx.stamps
    moved = _counters_moved(watch, api)
    if moved is None:
        _keep(templates, watch.key, False)
        return
    uid_step, suffix_step = moved
    paths, token = _token_paths(obj)
    if uid_step != 1 or suffix_step != (1 if token is not None else 0) + (1 if watch.key[1] == GENERATED else 0):
        _keep(templates, watch.key, False)
        return
    text = _dumps(obj)
    template = watch.template
    if not owned(watch.key):
        owner = None  # a key with the owner's strings in it (``generated_key``): stamps put none in
    if template is None:
        _keep(templates, watch.key, _Seen(watch.env, text, obj["metadata"].get("namespace", ""), paths, owner))
        return
    if type(template) is _Seen:  # the key's second pod: its template made now, in the first one's place
        template = templates[watch.key] = Template(template.env, template.text, template.namespace,
                                                   template.token_paths, template.owner)
    if template.token_paths == paths and _dumps(template.stamp(name, obj["metadata"]["uid"], applied,
                                                               token, owner)) == text:
        template.verified = True
        # a pod of the template's own owner (a ReplicaSet's, a parallel Job's) proves nothing of what admission
        # does with the owner's strings: the template serves that owner alone until one of another is checked
        if owner is None or (owner[0] != template.owner[0] and owner[1] != template.owner[1]):
            template.across = True
    else:
        _keep(templates, watch.key, False)


def _keep(templates: dict, key: tuple, value) -> None:
    """``templates[key] = value``, the oldest entries let go while there are ``KEPT`` or more (a key let go is
    new again: its next request is admitted the general way)."""
    templates.pop(key, None)  # a key written again is the newest
    while len(templates) >= KEPT:
        del templates[next(iter(templates))]
    templates[key] = value


# ---- the Jobs a CronJob creates ---------------------------------------------------------------------------------
# marks of a Job's own uid, its owner's uid and its owner's name in a Job template's text (``JobTemplate``): control
# characters, which the encoder escapes inside strings, so no encoded text holds one; no letter or digit in them
# (an owner's name, a DNS label, is never found inside a mark)
_JOB_MARKS = ("\x00\x01\x00", "\x00\x02\x00", "\x00\x03\x00")
_LAX = json.JSONDecoder(strict=False)
# a stamped Job's stored text put together around its creation time and resourceVersion (``JobTemplate.stamped``);
# MINIKCTL_NO_JOB_STAMP_TEXTS=1 has the store encode it (tests/unit/test_job_stamp_texts.py compares the two)
JOB_TEXTS = os.environ.get("MINIKCTL_NO_JOB_STAMP_TEXTS", "") in ("", "0")


def job_owner(sent) -> tuple | None:
    """(name, uid) of the CronJob that made a Job request (pkg/controller/cronjob/utils.go ``getJobFromTemplate2``:
    one controller reference to it, the Job named ``<cronjob>-<scheduled minute>``); None unless the request has
    a plain name that is a DNS-1123 label, no generateName, a namespace, and exactly one owner reference, a CronJob
    controller, whose name is a DNS-1123 label that begins the Job's name and whose uid has ``Tx.new_uid``'s shape,
    neither within the other nor within the namespace."""
    meta = sent.get("metadata") if type(sent) is dict else None
    if type(meta) is not dict or "generateName" in meta:
        return None
    name = meta.get("name")
    refs = meta.get("ownerReferences")
    if type(name) is not str or not _LABEL.fullmatch(name) or type(refs) is not list or len(refs) != 1 \
            or type(refs[0]) is not dict or refs[0].get("controller") is not True or refs[0].get("kind") != "CronJob":
        return None
    owner, uid = refs[0].get("name"), refs[0].get("uid")
    if type(owner) is not str or type(uid) is not str or not _LABEL.fullmatch(owner) or not _UID.fullmatch(uid) \
            or owner in uid or uid in owner or not name.startswith(owner):
        return None
    namespace = meta.get("namespace")  # the same in every request of a key (``job_key``): neither string in it
    if type(namespace) is not str or owner in namespace or uid in namespace:
        return None
    return owner, uid


def job_key(sent) -> tuple | None:
    """The template of a CronJob's Job request (``job_owner``): its JSON with the owner's uid, then its name,
    marked wherever they occur, and the lengths of the owner's and the Job's names (validation looks at them: the
    Job's name is a label value of its pods). Two requests of one key are one another with the owner's name and
    uid exchanged, character for character (the marks are in no encoded text). None when the request is not one."""
    owner = job_owner(sent)
    if owner is None:
        return None
    try:
        text = _encode(sent)
    except (TypeError, ValueError, RecursionError):
        return None
    name = sent["metadata"]["name"]
    # the owner's name and uid only where the controller puts them (the Job's name, the owner reference): a
    # jobTemplate holding them elsewhere has them where admission may read more than their lengths (an image's
    # tag defaults imagePullPolicy, pkg/apis/core/v1/defaults.go SetDefaults_Container; a port's name must hold
    # a letter, k8s.io/apimachinery/pkg/util/validation IsValidPortName), which one checked stamp does not prove
    # for every name. Neither string holds a quote, so the text's occurrences are those of its fields added up.
    if text.count(owner[0]) != name.count(owner[0]) + 1 or text.count(owner[1]) != 1:
        return None
    return ("Job", text.replace(owner[1], _JOB_MARKS[1]).replace(owner[0], _JOB_MARKS[2]), len(owner[0]),
            len(name))


class JobTemplate:
    """An admitted CronJob's Job as the store's encoder writes it (before the store sets its creation time and
    resourceVersion), with its own uid, its owner's uid and its owner's name marked wherever they occur: admission
    copies the Job's uid into the generated selector and the pod template's labels, its name into the
    ``job-name`` labels, the owner's uid into the managedFields key of the controller reference
    (pkg/registry/batch/job/strategy.go ``generateSelector``, fieldmanager.py). A stamp is the text with another
    Job's values put in, decoded; it is trusted once the Job of another owner went the general way and came out
    as its stamp (``admitted``): were any of the three strings part of what admission writes for every Job, or
    did admission look at more than their lengths, that comparison fails and the key is given up."""

    __slots__ = ("env", "text", "namespace", "owner", "verified", "across", "cut", "encoded")

    def __init__(self, env: tuple, text: str, namespace: str, owner: tuple) -> None:
        self.env, self.text, self.namespace, self.owner = env, text, namespace, owner
        self.verified = False
        self.across = False
        self.cut = None  # the text cut where Tx.create adds creationTimestamp and resourceVersion (``_cut``)
        self.encoded = Checked()  # ``stamped``'s texts: the first compared with the store's encoder's (store/splice.py)

    def stamp(self, uid: str, owner: tuple) -> dict:
        return json.loads(self._put(self.text, uid, owner))

    @staticmethod
    def _put(text: str, uid: str, owner: tuple) -> str:
        return text.replace(_JOB_MARKS[0], uid).replace(_JOB_MARKS[1], owner[1]).replace(_JOB_MARKS[2], owner[0])

    def _cut(self) -> tuple | bool:
        """(head, tail): the text cut at the end of the Job's metadata, where Tx.create, setting the two keys the
        text does not have, adds ``"creationTimestamp"`` then ``"resourceVersion"`` (the encoder writes a dict's
        keys in their order); False when the text does not begin with the Job's kind and metadata, or the
        metadata has either key or none at all."""
        text = self.text
        start = '{"apiVersion":"batch/v1","kind":"Job","metadata":'
        if not text.startswith(start):
            return False
        try:  # the marks are control characters, inside strings: read as such (strict=False)
            meta, end = _LAX.raw_decode(text, len(start))
        except ValueError:
            return False
        if type(meta) is not dict or not meta or "creationTimestamp" in meta or "resourceVersion" in meta \
                or text[end - 1] != "}":
            return False
        return text[:end - 1], text[end - 1:]

    def stamped(self, uid: str, owner: tuple):
        """The stamp and its ``encode`` for Tx.create: the store's text of the stamp once the store set its
        creationTimestamp and resourceVersion, the two texts around them with the Job's values put in (None: the
        store encodes it). The first time, it is compared with the encoder's own text (and given up if not the
        same). MINIKCTL_NO_JOB_STAMP_TEXTS=1: the store encodes every stamp."""
        cut = self.cut
        if cut is None:
            cut = self.cut = self._cut()
        if not cut or self.encoded.off or not JOB_TEXTS:
            return self.stamp(uid, owner), None
        head, tail = self._put(cut[0], uid, owner), self._put(cut[1], uid, owner)
        obj = json.loads(head + tail)
        encoded = self.encoded

        def encode(made: dict) -> str:
            meta = made["metadata"]
            return encoded.text(f'{head},"creationTimestamp":{_dumps(meta["creationTimestamp"])},'
                                f'"resourceVersion":{_dumps(meta["resourceVersion"])}{tail}', made)

        return obj, encode


def _counters_moved(watch: Watch, api) -> tuple[int, int] | None:
    """How far admission moved the uid and suffix counters since ``watch`` was taken; None when it did anything
    else a stamp does not (warned, fed a watcher, recorded a change, wrote another meta key)."""
    tx = api.tx
    meta = tx._meta
    before = watch.meta
    if (len(api.warnings) != watch.warnings or len(tx.feed) != watch.feed or len(tx._changes) != watch.changes
            or any(before.get(k) != v for k, v in meta.items() if k not in _COUNTERS)
            or any(k not in meta for k in before)):
        return None
    return (int(meta.get("counter:uid", "0")) - int(before.get("counter:uid", "0")),
            int(meta.get("counter:suffix", "0")) - int(before.get("counter:suffix", "0")))


def job_admitted(watch: Watch, api, obj: dict, owner: tuple) -> None:
    """A general create of a CronJob's Job request (``job_key``) admitted ``obj`` (not yet stored): record it as
    the key's template, or compare it with the template's stamp (and trust the template from then on, or never
    again). Admission must have drawn one uid and no name suffix."""
    templates = api.tx.stamps
    if _counters_moved(watch, api) != (1, 0):
        _keep(templates, watch.key, False)
        return
    text = _dumps(obj)
    uid = obj["metadata"]["uid"]
    template = watch.template
    if template is None:
        if "\x00" in text or not _UID.fullmatch(uid) or uid in owner[0] or owner[0] in uid:
            _keep(templates, watch.key, False)
            return
        marked = text.replace(uid, _JOB_MARKS[0]).replace(owner[1], _JOB_MARKS[1]).replace(owner[0], _JOB_MARKS[2])
        _keep(templates, watch.key, JobTemplate(watch.env, marked, obj["metadata"].get("namespace", ""), owner))
        return
    if _dumps(template.stamp(uid, owner)) == text:
        template.verified = True
        # checked with a Job of another owner: what admission does with the owner's strings is proved
        if owner[0] != template.owner[0] and owner[1] != template.owner[1]:
            template.across = True
    else:
        _keep(templates, watch.key, False)
