"""The image catalog: which images exist, their digests, sizes, defaults and programs.

The facts live in ``images.json`` next to this file (data, not code). A store may add a
user catalog with the same layout; its entries win over the built-in ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field

_HERE = os.path.dirname(os.path.abspath(__file__))
CATALOG_PATH = os.path.join(_HERE, "images.json")

_COMPONENT = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_DOMAIN = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$")


@dataclass(frozen=True)
class ImageRef:
    """A parsed reference: ``repository`` is fully qualified (``docker.io/library/nginx``)."""

    repository: str
    tag: str | None
    digest: str | None

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


@dataclass(frozen=True)
class Image:
    """One catalog entry, resolved for a concrete reference.

    ``known``: the repository is in the catalog (built-in or user). Unknown references get a
    permissive default: they exist, have a derived digest, and run any command.
    ``exists``: False means pulls fail (ErrImagePull). ``invalid``: the reference cannot be
    parsed; ``invalid_message`` is the kubelet's InvalidImageName message.
    ``executables``: names (basenames and/or absolute paths) the image has; None = anything.
    ``programs``: image-specific program models (override the global ones by basename).
    """

    ref: str
    known: bool
    exists: bool
    digest: str
    image_id: str
    size: int
    pull_ms: int = 1000
    entrypoint: list = field(default_factory=list)
    cmd: list = field(default_factory=list)
    executables: frozenset | None = None
    normalized: str = ""
    repository: str = ""
    env: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    programs: dict = field(default_factory=dict)
    invalid: bool = False
    invalid_message: str = ""
    pull_error: str = ""

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

    for key in ("executable_sets", "programs", "repositories", "missing_repositories", "defaults"):
        if key in cat and not isinstance(cat[key], dict):
            return f'"{key}" must be an object'
    for name, items in (cat.get("executable_sets") or {}).items():
        if not strings(items):
            return f'executable_sets["{name}"] must be a list of strings'
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
    return ""


def _merged_catalog(user_catalog: str | None) -> dict:
    base = _load(CATALOG_PATH)
    if not user_catalog or not os.path.exists(user_catalog):
        return base
    user = _load(user_catalog)
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for key in ("executable_sets", "programs", "repositories", "missing_repositories"):
        merged = dict(base.get(key, {}))
        merged.update(user.get(key, {}))
        out[key] = merged
    if "defaults" in user:
        out["defaults"] = {**base.get("defaults", {}), **user["defaults"]}
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
    return "sha256:" + hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def pull_not_found_message(normalized: str) -> str:
    """containerd's NotFound pull error as the kubelet reports it (lifecycle.md 2.2)."""
    return (f'rpc error: code = NotFound desc = failed to pull and unpack image "{normalized}": '
            f'failed to resolve reference "{normalized}": {normalized}: not found')


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
    if repo in cat.get("missing_repositories", {}):
        return Image(ref=ref, known=True, exists=False, digest="", image_id="", size=0,
                     pull_ms=int(defaults.get("pull_ms", 1000)), normalized=norm, repository=repo,
                     env=env, pull_error=pull_not_found_message(norm))
    entry = cat.get("repositories", {}).get(repo)
    if entry is None:
        digest = parsed.digest or derived_digest(norm)
        return Image(ref=ref, known=False, exists=True, digest=digest, image_id=f"{repo}@{digest}",
                     size=int(defaults.get("size", 50000000)), pull_ms=int(defaults.get("pull_ms", 1000)),
                     entrypoint=[], cmd=[], executables=None, normalized=norm, repository=repo, env=env,
                     programs=dict(user_programs))
    tags = entry.get("tags", {})
    tag_entry = tags.get(tag) if tag is not None else {}
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
