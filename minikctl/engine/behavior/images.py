"""The image catalog: which images exist, their digests, sizes, defaults and programs.

The facts live in ``images.json`` next to this file (data, not code). A store may add a
user catalog with the same layout (``$MINIKCTL_HOME/images.json``, beside the store file);
its entries win over the built-in ones.

Which references pull (``lookup_image``), in this order:

1. A reference the runtime cannot parse: ``InvalidImageName``.
2. A repository in ``missing_repositories``: the pull fails as its registry answers (as in 5).
3. A repository in ``repositories`` (catalogued): a tag exists when its ``tags`` lists it, or when the
   repository's upstream tag rules accept it: ``tag_releases`` (every published release ``X.Y.Z``, its moving
   lines ``X.Y`` and ``X``, each with the variant suffixes published for it, the aliases such as ``stable``,
   and a few other names; the facts are those of the Docker Official Images library files,
   github.com/docker-library/official-images ``library/<name>``), or ``tag_pattern`` (a release-shaped
   version, then words such as ``alpine3.20`` or ``bookworm``, each from the repository's own vocabulary). Any
   other tag does not exist: the registry answers 404 and the pull fails NotFound. Tags not listed in ``tags``
   get a derived digest (``derived_digest``) and the repository's settings. The rules are generous at their
   edges only: a variant is taken for every release between its first and its last (a few nginx tags such as
   ``1.23.0-alpine-slim`` pull that were never published), and a pattern takes any release-shaped number of the
   image's major lines (``redis:7.99``); a misspelt word, alias or major (``nginx:latestt``, ``nginx:2``) fails.
4. A Docker Hub official image (``docker.io/library/<name>``) exists only when ``<name>`` is one of the
   official images (``docker_hub_library``): a typo such as ``ngnix`` fails as Docker Hub answers for a
   repository it does not have (``pull access denied ... insufficient_scope``), whatever ``unknown_images``
   says. An official image the catalog does not describe runs as a generic image with any tag.
5. Anything else (``mycorp/app``, ``registry.example.com/x``) is unknown to the catalog. With
   ``"unknown_images": "run"`` (the default) it runs as a generic image: any tag, a derived digest, every
   command found. A catalog with ``"unknown_images": "fail"`` makes the catalog the whole world: these, and
   official images without an entry, fail to pull with the registry's answer for a repository it does not
   have (Docker Hub: ``pull access denied``; another registry: NotFound, the distribution spec's 404).

The failure texts are containerd's as the kubelet reports them: ``pull_not_found_message`` and
``pull_access_denied_message``.
"""

from __future__ import annotations

import json
import os
import re

from minikctl.kube.digest import sha256
from minikctl.kube.values import Frozen

_HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG_PATH = os.path.join(_HERE, "images.json")

_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_RELEASE = re.compile(r"^\d+(?:\.\d+)*(?:\.\{\d+\.\.\d+\})?$")
_RANGE = re.compile(r"^\d+(?:\.\d+)*\.\.(?:\d+(?:\.\d+)*)?$")
UNKNOWN_IMAGES = ("run", "fail")
DOCKER_HUB_LIBRARY = "docker.io/library/"
_DOMAIN = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$")


class ImageRef(Frozen):
    """A parsed reference: ``repository`` is fully qualified (``docker.io/library/nginx``)."""

    __slots__ = ("repository", "tag", "digest")
    _FIELDS = __slots__

    @property
    def normalized(self) -> str:
        """``docker.io/library/nginx:1.14.2`` (tag ``latest`` applied when neither tag nor digest)."""
        if self.digest and not self.tag:
            return f"{self.repository}@{self.digest}"
        s = f"{self.repository}:{self.tag or 'latest'}"
        return s + (f"@{self.digest}" if self.digest else "")


def parse_reference(ref: str) -> ImageRef:
    """Parse an image reference like the runtime does. Raises ``ValueError`` with the
    reference-parser message (``invalid reference format`` ...) when it cannot be parsed."""
    if not ref or ref != ref.strip():
        raise ValueError("invalid reference format")
    name, digest = ref, None
    if "@" in ref:
        name, digest = ref.split("@", 1)
        if not _DIGEST.match(digest):
            raise ValueError("invalid reference format")
    tag = None
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
        if not _TAG.match(tag):
            raise ValueError("invalid reference format")
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        domain, path = parts[0], parts[1:]
        if not _DOMAIN.match(domain):
            raise ValueError("invalid reference format")
        if domain in ("docker.io", "index.docker.io", "registry-1.docker.io"):
            domain = "docker.io"
            if len(path) == 1:
                path = ["library"] + path
    else:
        domain, path = "docker.io", parts
        if len(path) == 1:
            path = ["library"] + path
    for comp in path:
        if not _COMPONENT.match(comp):
            if comp.lower() != comp and _COMPONENT.match(comp.lower()):
                raise ValueError(f"invalid reference format: repository name ({'/'.join(path)}) must be lowercase")
            raise ValueError("invalid reference format")
    return ImageRef("/".join([domain] + path), tag, digest)


class Image(Frozen):
    """One catalog entry, resolved for a concrete reference.

    ``known``: the repository is in the catalog (built-in or user). Unknown references get a
    permissive default: they exist, have a derived digest, and run any command.
    ``exists``: False means pulls fail (ErrImagePull). ``invalid``: the reference cannot be
    parsed; ``invalid_message`` is the kubelet's InvalidImageName message.
    ``executables``: names (basenames and/or absolute paths) the image has; None = anything.
    ``programs``: image-specific program models (override the global ones by basename).
    ``accounts``: the image's ``/etc/passwd`` and ``/etc/group`` as far as the simulation needs them
    (``users``/``groups``: id -> name, ``memberships``: uid -> the supplementary groups ``/etc/group`` gives it);
    empty = only root.
    """

    __slots__ = ("ref", "known", "exists", "digest", "image_id", "size", "pull_ms", "entrypoint", "cmd",
                 "executables", "normalized", "repository", "env", "files", "programs", "invalid", "invalid_message",
                 "pull_error", "accounts")
    _FIELDS = __slots__
    _DEFAULTS = {"pull_ms": 1000, "entrypoint": list, "cmd": list, "executables": None, "normalized": "",
                 "repository": "", "env": dict, "files": dict, "programs": dict, "invalid": False,
                 "invalid_message": "", "pull_error": "", "accounts": dict}

    def has_executable(self, name: str) -> bool:
        """True when ``name`` (as written in argv) resolves in this image."""
        if self.executables is None:
            return True
        if name in self.executables:
            return True
        base = name.rsplit("/", 1)[-1]
        if "/" in name:
            # an absolute path resolves when the image lists the path or the basename
            return base in self.executables
        return base in self.executables

    def to_dict(self) -> dict:
        d = {
            "ref": self.ref, "known": self.known, "exists": self.exists, "digest": self.digest,
            "image_id": self.image_id, "size": self.size, "pull_ms": self.pull_ms,
            "entrypoint": list(self.entrypoint), "cmd": list(self.cmd),
            "executables": None if self.executables is None else sorted(self.executables),
            "normalized": self.normalized, "repository": self.repository, "env": dict(self.env),
            "files": dict(self.files), "programs": self.programs, "invalid": self.invalid,
            "invalid_message": self.invalid_message, "pull_error": self.pull_error,
        }
        if self.accounts:
            d["accounts"] = self.accounts
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Image":
        d = dict(d)
        ex = d.get("executables")
        d["executables"] = None if ex is None else frozenset(ex)
        return cls(**d)


_CACHE: dict[str, dict] = {}


def _load(path: str) -> dict:
    if path not in _CACHE:
        if path == CATALOG_PATH:
            with open(path, encoding="utf-8") as f:
                _CACHE[path] = json.load(f)
        else:
            _CACHE[path] = load_user_catalog(path)
    return _CACHE[path]


def _catalog_error(path: str, what: str) -> Exception:
    from minikctl.kube.errors import ClientError

    return ClientError(f'the image catalog "{path}" {what}: fix it or move it aside (the format is that of '
                       "minikctl/engine/behavior/images.json)")


def load_user_catalog(path: str) -> dict:
    """A user's ``images.json``, checked: whatever it holds ends in a message naming the file, never in a
    failure deep inside the simulation."""
    try:
        with open(path, "rb") as f:
            raw = f.read(16 * 1024 * 1024 + 1)
    except OSError as e:
        raise _catalog_error(path, f"cannot be read ({e.strerror})") from None
    if len(raw) > 16 * 1024 * 1024:
        raise _catalog_error(path, "is larger than 16 MiB")
    try:
        cat = json.loads(raw.decode("utf-8", errors="replace"))
    except ValueError as e:
        raise _catalog_error(path, f"is not valid JSON ({e})") from None
    except RecursionError:
        raise _catalog_error(path, "is nested too deeply") from None
    if not isinstance(cat, dict):
        raise _catalog_error(path, "is not a JSON object")
    problem = _catalog_problem(cat)
    if problem:
        raise _catalog_error(path, f"is not a valid catalog: {problem}")
    return cat


def _catalog_problem(cat: dict) -> str:
    def strings(v) -> bool:
        return isinstance(v, list) and all(isinstance(x, str) for x in v)

    def str_map(v) -> bool:
        return isinstance(v, dict) and all(isinstance(x, str) for x in v.values())

    def number(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1 << 53

    for key in ("executable_sets", "programs", "repositories", "missing_repositories", "defaults", "accounts"):
        if key in cat and not isinstance(cat[key], dict):
            return f'"{key}" must be an object'
    if "unknown_images" in cat and cat["unknown_images"] not in UNKNOWN_IMAGES:
        return '"unknown_images" must be "run" or "fail"'
    if "docker_hub_library" in cat and not strings(cat["docker_hub_library"]):
        return '"docker_hub_library" must be a list of strings'
    for name, items in (cat.get("executable_sets") or {}).items():
        if not strings(items):
            return f'executable_sets["{name}"] must be a list of strings'
    for name, acc in (cat.get("accounts") or {}).items():
        if name.startswith("_"):
            continue
        if not (isinstance(acc, dict) and str_map(acc.get("users", {})) and str_map(acc.get("groups", {}))
                and isinstance(acc.get("memberships", {}), dict)
                and all(isinstance(g, list) and all(number(x) for x in g) for g in acc.get("memberships", {}).values())):
            return (f'accounts["{name}"] must be {{"users": {{UID: NAME}}, "groups": {{GID: NAME}}, '
                    '"memberships": {UID: [GID, ...]}}')
    for name, model in (cat.get("programs") or {}).items():
        if not isinstance(model, dict):
            return f'programs["{name}"] must be an object'
    defaults = cat.get("defaults") or {}
    for key in ("size", "pull_ms"):
        if key in defaults and not number(defaults[key]):
            return f'defaults.{key} must be a whole number'
    if "env" in defaults and not str_map(defaults["env"]):
        return "defaults.env must map names to strings"
    for repo, entry in (cat.get("repositories") or {}).items():
        where = f'repositories["{repo}"]'
        if not isinstance(entry, dict):
            return f"{where} must be an object"
        tags = entry.get("tags", {})
        if not isinstance(tags, dict) or not all(isinstance(t, dict) for t in tags.values()):
            return f"{where}.tags must map tags to objects"
        for scope, obj in [(where, entry)] + [(f'{where}.tags["{t}"]', v) for t, v in tags.items()]:
            for key in ("entrypoint", "cmd", "executables"):
                if key in obj and obj[key] is not None and not strings(obj[key]):
                    return f"{scope}.{key} must be a list of strings"
            for key in ("size", "pull_ms"):
                if key in obj and not number(obj[key]):
                    return f"{scope}.{key} must be a whole number"
            for key in ("env", "files"):
                if key in obj and not str_map(obj[key]):
                    return f"{scope}.{key} must map names to strings"
            if "digest" in obj and not isinstance(obj["digest"], str):
                return f"{scope}.digest must be a string"
            if "programs" in obj and not (isinstance(obj["programs"], dict)
                                          and all(isinstance(m, dict) for m in obj["programs"].values())):
                return f"{scope}.programs must map names to objects"
        if "accounts" in entry and entry["accounts"] not in (cat.get("accounts") or {}) \
                and entry["accounts"] not in (_load(CATALOG_PATH).get("accounts") or {}):
            return f'{where}.accounts must name an entry of "accounts"'
        problem = _tag_rules_problem(entry, where)
        if problem:
            return problem
    return ""


def _tag_rules_problem(entry: dict, where: str) -> str:
    rel = entry.get("tag_releases")
    if rel is not None:
        if not isinstance(rel, dict):
            return f"{where}.tag_releases must be an object"
        for key in ("versions", "aliases", "names"):
            if key in rel and not (isinstance(rel[key], list) and all(isinstance(x, str) for x in rel[key])):
                return f"{where}.tag_releases.{key} must be a list of strings"
        for v in rel.get("versions", []):
            if not _RELEASE.match(v):
                return f'{where}.tag_releases.versions: "{v}" is not a version such as 1.27.3 or 1.27.{{0..5}}'
            m = re.search(r"\{(\d+)\.\.(\d+)\}$", v)
            if m and not 0 <= int(m.group(2)) - int(m.group(1)) <= 9999:
                return f'{where}.tag_releases.versions: "{v}" must count up, by at most 10000 releases'
        variants = rel.get("variants", {})
        if not isinstance(variants, dict) or not all(isinstance(r, str) for r in variants.values()):
            return f"{where}.tag_releases.variants must map suffixes to version ranges"
        for suffix, rng in variants.items():
            if not _RANGE.match(rng):
                return (f'{where}.tag_releases.variants["{suffix}"]: "{rng}" is not a range such as 1.8.1.. '
                        'or 1.22.1..1.25.1')
    pat = entry.get("tag_pattern")
    if pat is not None:
        if not (isinstance(pat, dict) and isinstance(pat.get("version"), str)
                and isinstance(pat.get("words", []), list) and all(isinstance(w, str) for w in pat.get("words", []))):
            return f'{where}.tag_pattern must be {{"version": REGEX, "words": [REGEX, ...]}}'
        for rx in [pat["version"]] + list(pat.get("words", [])):
            try:
                re.compile(rx)
            except re.error as e:
                return f'{where}.tag_pattern: "{rx}" is not a regular expression ({e})'
    return ""


def _merged_catalog(user_catalog: str | None) -> dict:
    base = _load(CATALOG_PATH)
    if not user_catalog or not os.path.exists(user_catalog):
        return base
    user = _load(user_catalog)
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for key in ("executable_sets", "programs", "repositories", "missing_repositories", "accounts"):
        merged = dict(base.get(key, {}))
        merged.update(user.get(key, {}))
        out[key] = merged
    if "defaults" in user:
        out["defaults"] = {**base.get("defaults", {}), **user["defaults"]}
    if "unknown_images" in user:
        out["unknown_images"] = user["unknown_images"]
    if "docker_hub_library" in user:
        out["docker_hub_library"] = list(base.get("docker_hub_library", [])) + list(user["docker_hub_library"])
    return out


def _expand_execs(items: list, sets: dict, seen: frozenset = frozenset()) -> set:
    out: set = set()
    for it in items:
        if it.startswith("@"):
            name = it[1:]
            if name in seen:
                continue
            out |= _expand_execs(sets.get(name, []), sets, seen | {name})
        else:
            out.add(it)
    return out


def derived_digest(normalized: str) -> str:
    return "sha256:" + sha256(normalized.encode("utf-8")).hexdigest()


def pull_not_found_message(normalized: str) -> str:
    """containerd's NotFound pull error as the kubelet reports it (lifecycle.md 2.2)."""
    return (f'rpc error: code = NotFound desc = failed to pull and unpack image "{normalized}": '
            f'failed to resolve reference "{normalized}": {normalized}: not found')


def pull_access_denied_message(normalized: str) -> str:
    """containerd's answer when the registry refuses a token for the repository, which is what Docker Hub does for
    a repository it does not have: the resolver's ``pull access denied, repository does not exist or may require
    authorization`` around the authorizer's ``server message: insufficient_scope: authorization failed``
    (containerd core/remotes/docker/resolver.go ``Resolve``, authorizer.go ``invalidAuthorization``), wrapped by
    the CRI's PullImage; not an errdefs class, so gRPC code Unknown. Observed in the kubelet's event as
    ``Failed to pull image "controller:latest": rpc error: code = Unknown desc = failed to pull and unpack image
    "docker.io/library/controller:latest": failed to resolve reference ...: pull access denied, ...``
    (github.com/pfnet/image-pull-secrets-provisioner issue 31)."""
    return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{normalized}": '
            f'failed to resolve reference "{normalized}": pull access denied, repository does not exist or may '
            'require authorization: server message: insufficient_scope: authorization failed')


def _registry_answer(repository: str, normalized: str) -> str:
    """The pull error for a repository the registry does not have: Docker Hub refuses the token, another
    registry answers 404 (the distribution spec's NAME_UNKNOWN / MANIFEST_UNKNOWN)."""
    if repository.startswith("docker.io/"):
        return pull_access_denied_message(normalized)
    return pull_not_found_message(normalized)


def _vkey(v: str) -> tuple:
    return tuple(int(x) for x in v.split("."))


_RULES: dict[int, tuple] = {}


def _compiled_rules(entry: dict) -> tuple:
    """(versions, variants, aliases, names, pattern) of a repository entry, compiled once per entry object."""
    hit = _RULES.get(id(entry))
    if hit is not None and hit[0] is entry:
        return hit[1]
    rel = entry.get("tag_releases") or {}
    versions: list[tuple[str, tuple]] = []
    for v in rel.get("versions", []):
        m = re.match(r"^(.*)\.\{(\d+)\.\.(\d+)\}$", v)
        if m:
            line, first, last = m.group(1), int(m.group(2)), int(m.group(3))
            versions += [(f"{line}.{k}", _vkey(f"{line}.{k}")) for k in range(first, last + 1)]
        else:
            versions.append((v, _vkey(v)))
    variants = []
    for suffix, rng in (rel.get("variants") or {}).items():
        lo, hi = rng.split("..", 1)
        variants.append((suffix, _vkey(lo), _vkey(hi) if hi else None))
    variants.sort(key=lambda t: -len(t[0]))
    pattern = None
    pat = entry.get("tag_pattern")
    if pat:
        words = "(?:" + "|".join(f"(?:{w})" for w in pat.get("words", [])) + ")" if pat.get("words") else None
        # a version, or a word, then more words: VERSION(-WORD)* | WORD(-WORD)*
        rx = f"(?:(?:{pat['version']})|{words})(?:-{words})*" if words else f"(?:{pat['version']})"
        pattern = re.compile(rx)
    out = (versions, variants, frozenset(rel.get("aliases", [])), frozenset(rel.get("names", [])), pattern)
    _RULES[id(entry)] = (entry, out)
    return out


def upstream_tag_exists(entry: dict, tag: str) -> bool:
    """True when the repository's upstream tag rules (``tag_releases``, ``tag_pattern``) accept ``tag``.

    ``tag_releases``: ``names`` and ``aliases`` are tags; so is ``BASE + SUFFIX`` for a ``variants`` suffix (``""``
    is the plain variant) whose range holds a release ``V`` when BASE is ``V`` or one of its moving lines (``1.27``
    and ``1`` for ``1.27.3``) or an alias (``stable-alpine``), and the suffix alone without its dash (``alpine``)."""
    versions, variants, aliases, names, pattern = _compiled_rules(entry)
    if tag in names or tag in aliases:
        return True
    if pattern is not None and pattern.fullmatch(tag):
        return True
    for suffix, lo, hi in variants:
        if suffix:
            if suffix.startswith("-") and tag == suffix[1:]:
                return True
            if not tag.endswith(suffix):
                continue
            base = tag[: -len(suffix)]
        else:
            base = tag
        if not base:
            continue
        if base in aliases:
            return True
        dotted = base + "."
        for v, k in versions:
            if (v == base or v.startswith(dotted)) and k >= lo and (hi is None or k <= hi):
                return True
    return False


def lookup_image(ref: str, user_catalog: str | None = None) -> Image:
    """Resolve ``ref`` (as written in the pod spec) against the catalog."""
    cat = _merged_catalog(user_catalog)
    defaults = cat.get("defaults", {})
    # a user catalog's global program models travel with the image (processes only see the image)
    user_programs: dict = {}
    if user_catalog and os.path.exists(user_catalog):
        user_programs = {k: v for k, v in (_load(user_catalog).get("programs") or {}).items() if isinstance(v, dict)}
    try:
        parsed = parse_reference(ref)
    except ValueError as e:
        msg = f'Failed to apply default image tag "{ref}": couldn\'t parse image name "{ref}": {e}'
        return Image(ref=ref, known=False, exists=False, digest="", image_id="", size=0,
                     pull_ms=int(defaults.get("pull_ms", 1000)), invalid=True, invalid_message=msg,
                     normalized=ref, repository=ref)
    norm = parsed.normalized
    repo = parsed.repository
    tag = parsed.tag or ("latest" if not parsed.digest else None)
    env = dict(defaults.get("env", {}))
    entry = cat.get("repositories", {}).get(repo)
    missing = cat.get("missing_repositories", {})
    absent = entry is None and repo in missing
    if entry is None and not absent:
        if repo.startswith(DOCKER_HUB_LIBRARY):
            official = repo[len(DOCKER_HUB_LIBRARY):] in (cat.get("docker_hub_library") or ())
            absent = not official or cat.get("unknown_images", "run") == "fail"
        else:
            absent = cat.get("unknown_images", "run") == "fail"
    if absent:
        return Image(ref=ref, known=repo in missing, exists=False, digest="", image_id="", size=0,
                     pull_ms=int(defaults.get("pull_ms", 1000)), normalized=norm, repository=repo, env=env,
                     pull_error=_registry_answer(repo, norm))
    if entry is None:
        digest = parsed.digest or derived_digest(norm)
        return Image(ref=ref, known=False, exists=True, digest=digest, image_id=f"{repo}@{digest}",
                     size=int(defaults.get("size", 50000000)), pull_ms=int(defaults.get("pull_ms", 1000)),
                     entrypoint=[], cmd=[], executables=None, normalized=norm, repository=repo, env=env,
                     programs=dict(user_programs))
    tags = entry.get("tags", {})
    tag_entry = tags.get(tag) if tag is not None else {}
    if tag_entry is None and upstream_tag_exists(entry, tag):
        tag_entry = {}
    exists = tag_entry is not None
    if tag_entry is None:
        tag_entry = {}
    digest = parsed.digest or tag_entry.get("digest") or derived_digest(norm)
    env.update(entry.get("env", {}))
    ex = entry.get("executables")
    executables = None if ex is None else frozenset(_expand_execs(ex, cat.get("executable_sets", {})))
    return Image(
        ref=ref, known=True, exists=exists, digest=digest if exists else "",
        image_id=f"{repo}@{digest}" if exists else "",
        size=int(tag_entry.get("size", entry.get("size", defaults.get("size", 50000000)))),
        pull_ms=int(tag_entry.get("pull_ms", entry.get("pull_ms", defaults.get("pull_ms", 1000)))),
        entrypoint=list(tag_entry.get("entrypoint", entry.get("entrypoint", []))),
        cmd=list(tag_entry.get("cmd", entry.get("cmd", []))),
        executables=executables, normalized=norm, repository=repo, env=env,
        files=dict(entry.get("files", {})), programs={**user_programs, **entry.get("programs", {})},
        accounts=dict((cat.get("accounts") or {}).get(entry.get("accounts", ""), {})),
        pull_error="" if exists else pull_not_found_message(norm),
    )


def program_model(image: Image | None, name: str, user_catalog: str | None = None) -> dict | None:
    """The catalog model for an executable (by basename), image-specific first."""
    base = name.rsplit("/", 1)[-1]
    if image is not None and base in image.programs:
        return image.programs[base]
    progs = _merged_catalog(user_catalog).get("programs", {})
    m = progs.get(base)
    return m if isinstance(m, dict) else None


# ---- a process's image in its record ------------------------------------------------------------------------
# A process keeps its image's description (``Process.image``: ``Image.to_dict()``, files and program names
# included, some kilobytes). When it is the built-in catalog's entry for its reference, the record stores the
# reference only (``{"catalog": ref}``) and loading finds the entry again: the catalog is part of the program, so
# the two are the same. An image from a user's catalog (or a record from before) is kept whole.
_CATALOG_DICTS: dict = {}


def catalog_dict(ref: str) -> dict:
    """The built-in catalog's image for ``ref`` as ``Image.to_dict()`` (shared: never change it)."""
    d = _CATALOG_DICTS.get(ref)
    if d is None:
        d = _CATALOG_DICTS[ref] = lookup_image(ref).to_dict()
    return d


_CATALOG_IMAGES: dict[str, tuple] = {}  # ref -> (the shared dict, its Image)


def image_of(d: dict) -> "Image":
    """``Image.from_dict(d)``; for a built-in catalog image's shared dict (``catalog_dict``), one Image per
    dict (a value that is never changed), not one per process that runs it."""
    ref = d.get("ref")
    if isinstance(ref, str) and _CATALOG_DICTS.get(ref) is d:
        got = _CATALOG_IMAGES.get(ref)
        if got is None or got[0] is not d:
            got = _CATALOG_IMAGES[ref] = (d, Image.from_dict(d))
        return got[1]
    return Image.from_dict(d)


def compact_image(image):
    """What a process record stores for ``image``."""
    if not isinstance(image, dict) or not image:
        return image
    ref = image.get("ref")
    if not isinstance(ref, str):
        return image
    try:
        same = catalog_dict(ref)
    except Exception:  # noqa: BLE001 -- an odd reference: kept whole
        return image
    if image is same or image == same:
        return {"catalog": ref}
    return image


def expand_image(image):
    """The image a process record stored (``compact_image``)."""
    if isinstance(image, dict) and len(image) == 1 and "catalog" in image:
        return catalog_dict(image["catalog"])
    return image
