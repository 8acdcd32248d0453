"""A tiny virtual filesystem per pod.

Volumes (emptyDir, configMap, ... any ``spec.volumes`` entry) are shared between the
containers that mount them; everything else is private to one container (``/tmp`` too)
and is thrown away when the container restarts. Directories are implicit: any path
with files below it is a directory, plus paths created with ``mkdir``. Files hold text.
"""

from __future__ import annotations

import posixpath


def norm(path: str, cwd: str = "/") -> str:
    if not path.startswith("/"):
        path = posixpath.join(cwd or "/", path)
    p = posixpath.normpath(path)
    if p.startswith("//"):
        p = "/" + p.lstrip("/")
    return p


class _Store:
    """files: path -> text; dirs: set of paths (always absolute, normalised); owners: path -> [uid, gid] of what
    a process that is not root:root created (anything else is root's). ``seed``: the built-in catalog image whose
    files a container's private store started with ("" none of them)."""

    __slots__ = ("files", "dirs", "owners", "seed")

    def __init__(self, files: dict | None = None, dirs: set | None = None, owners: dict | None = None,
                 seed: str = "") -> None:
        self.files: dict[str, str] = dict(files or {})
        self.dirs: set[str] = set(dirs or ())
        self.owners: dict[str, list] = dict(owners or {})
        self.seed = seed

    def to_dict(self) -> dict:
        d = {"files": {k: self.files[k] for k in sorted(self.files)}, "dirs": sorted(self.dirs)}
        if self.owners:
            d["owners"] = {k: self.owners[k] for k in sorted(self.owners)}
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "_Store":
        return cls(d.get("files", {}), set(d.get("dirs", [])), d.get("owners"))

    def forget(self, p: str) -> None:
        """Drop the owners of ``p`` and of everything under it."""
        if self.owners:
            pre = p.rstrip("/") + "/"
            for k in [k for k in self.owners if k == p or k.startswith(pre)]:
                del self.owners[k]

    def is_dir(self, p: str) -> bool:
        if p == "/" or p in self.dirs:
            return True
        pre = p.rstrip("/") + "/"
        return any(k.startswith(pre) for k in self.files) or any(k.startswith(pre) for k in self.dirs)

    def listdir(self, p: str) -> list[str]:
        pre = "/" if p == "/" else p.rstrip("/") + "/"
        names = set()
        for k in list(self.files) + list(self.dirs):
            if k.startswith(pre) and k != p:
                names.add(k[len(pre):].split("/", 1)[0])
        return sorted(names)


def _etc_files(pod: dict) -> dict[str, str]:
    """Kubelet-managed files every container sees (best effort)."""
    meta = pod.get("metadata", {}) or {}
    spec = pod.get("spec", {}) or {}
    status = pod.get("status", {}) or {}
    name = meta.get("name", "") or ""
    hostname = spec.get("hostname") or name
    ip = status.get("podIP") or ""
    lines = ["# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback",
             "fe00::0\tip6-localnet", "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters"]
    if ip:
        fq = hostname
        if spec.get("subdomain"):
            fq = f"{hostname}.{spec['subdomain']}.{meta.get('namespace', 'default')}.svc.cluster.local\t{hostname}"
        lines.append(f"{ip}\t{fq}")
    aliases = spec.get("hostAliases") or []
    if aliases:
        lines.append("")
        lines.append("# Entries added by HostAliases.")
        for a in aliases:
            lines.append(f"{a.get('ip', '')}\t" + "\t".join(a.get("hostnames") or []))
    ns = meta.get("namespace", "default") or "default"
    sa = {}
    if spec.get("automountServiceAccountToken") is not False:
        # what the kube-api-access projected volume holds (a mounted volume of that name wins)
        d = "/var/run/secrets/kubernetes.io/serviceaccount/"
        sa = {d + "namespace": ns, d + "token": "eyJhbGciOiJSUzI1NiJ9.simulated-service-account-token.signature",
              d + "ca.crt": "-----BEGIN CERTIFICATE-----\nsimulated\n-----END CERTIFICATE-----\n"}
    return {
        **sa,
        "/etc/hosts": "\n".join(lines) + "\n",
        "/etc/hostname": hostname + "\n",
        "/etc/resolv.conf": f"search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        "/dev/termination-log": "",
    }


# volume types whose ownership the kubelet hands to the pod's fsGroup (``SetVolumeOwnership``: the volume root
# and its files get group fsGroup, directories the setgid bit, so files created there get that group too)
_OWNERSHIP_MANAGED = ("emptyDir", "configMap", "secret", "downwardAPI", "projected", "persistentVolumeClaim",
                      "ephemeral")


class PodFS:
    """One per pod. ``volumes``: name -> store; ``private``: container name -> store; ``fs_group``: the pod's
    fsGroup and the volumes it owns; ``empty_dirs``: the emptyDir volumes (mode 0777 at their root)."""

    def __init__(self) -> None:
        self.volumes: dict[str, _Store] = {}
        self.private: dict[str, _Store] = {}
        self.etc: dict[str, str] = {}
        self.fs_group: int | None = None
        self.group_volumes: set[str] = set()
        self.empty_dirs: set[str] = set()

    @classmethod
    def new(cls, pod: dict) -> "PodFS":
        fs = cls()
        spec = pod.get("spec", {}) or {}
        g = (spec.get("securityContext") or {}).get("fsGroup")
        fs.fs_group = g if isinstance(g, int) and not isinstance(g, bool) else None
        for v in spec.get("volumes") or []:
            if isinstance(v, dict) and v.get("name"):
                fs.volumes[v["name"]] = _Store()
                if "emptyDir" in v:
                    fs.empty_dirs.add(v["name"])
                if fs.fs_group is not None and any(k in v for k in _OWNERSHIP_MANAGED):
                    fs.group_volumes.add(v["name"])
        fs.etc = _etc_files(pod)
        return fs

    def populate(self, volume: str, files: dict[str, str]) -> None:
        """Fill a volume (configMap, secret, downwardAPI, projected ...) with files; keys are
        paths relative to the volume root (``color`` or ``sub/dir/key``)."""
        st = self.volumes.setdefault(volume, _Store())
        for rel, text in sorted(files.items()):
            st.files[norm("/" + rel)] = text

    def refresh_pod(self, pod: dict) -> None:
        """Regenerate kubelet-managed files (``/etc/hosts`` once the pod has an IP)."""
        self.etc = _etc_files(pod)

    def view(self, container_name: str, mounts: list[dict] | None, image=None) -> "ContainerFS":
        """The filesystem as ``container_name`` sees it. ``mounts`` = container["volumeMounts"].
        ``image`` (optional) seeds a new private FS with the catalog's image files."""
        if container_name not in self.private:
            self.private[container_name] = self._fresh(image)
        return ContainerFS(self, container_name, mounts or [])

    def _fresh(self, image) -> _Store:
        files = dict(self.etc)
        seed = ""
        if image is not None:
            extra = getattr(image, "files", {}) or {}
            files.update(extra)
            if extra and _catalog_files(getattr(image, "ref", None)) == extra:
                seed = image.ref
        return _Store(files, {"/tmp", "/var/log", "/etc", "/root", "/home", "/usr", "/var", "/dev", "/proc"}, seed=seed)

    # A container's private store starts as a copy of the kubelet-managed files and its image's files (nginx's
    # html pages): stored, it keeps only what differs from them as they are now (``base``: the seed image's
    # files, if any, over ``etc``) and the paths of those removed, and is made whole again when loaded.
    def _base(self, seed: str) -> dict[str, str]:
        base = dict(self.etc)
        if seed:
            base.update(_catalog_files(seed) or {})
        return base

    def _packed(self, st: _Store) -> dict:
        base = self._base(st.seed)
        files = {}
        for k in sorted(st.files):
            v = st.files[k]
            if base.get(k) != v:
                files[k] = v
        d = {"files": files, "dirs": sorted(st.dirs), "base": st.seed}
        if st.owners:
            d["owners"] = {k: st.owners[k] for k in sorted(st.owners)}
        gone = sorted(k for k in base if k not in st.files)
        if gone:
            d["gone"] = gone
        return d

    def _unpacked(self, d: dict) -> _Store:
        if "base" not in d:  # a record from before: whole
            return _Store.from_dict(d)
        seed = d.get("base") or ""
        files = self._base(seed)
        for k in d.get("gone") or ():
            files.pop(k, None)
        files.update(d.get("files") or {})
        return _Store({k: files[k] for k in sorted(files)}, set(d.get("dirs", [])), d.get("owners"), seed)

    def reset_container(self, container_name: str, image=None) -> None:
        """A restarted container gets a fresh private FS; volumes persist."""
        self.private[container_name] = self._fresh(image)

    def to_dict(self) -> dict:
        d = {
            "volumes": {k: self.volumes[k].to_dict() for k in sorted(self.volumes)},
            "private": {k: self._packed(self.private[k]) for k in sorted(self.private)},
            "etc": {k: self.etc[k] for k in sorted(self.etc)},
        }
        if self.fs_group is not None:
            d["fs_group"] = self.fs_group
            d["group_volumes"] = sorted(self.group_volumes)
        if self.empty_dirs:
            d["empty_dirs"] = sorted(self.empty_dirs)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "PodFS":
        fs = cls()
        fs.volumes = {k: _Store.from_dict(v) for k, v in (d.get("volumes") or {}).items()}
        fs.etc = dict(d.get("etc") or {})
        fs.fs_group = d.get("fs_group")
        fs.group_volumes = set(d.get("group_volumes") or ())
        fs.empty_dirs = set(d.get("empty_dirs") or ())
        fs.private = {k: fs._unpacked(v) for k, v in (d.get("private") or {}).items()}
        return fs


def _catalog_files(ref) -> dict | None:
    """The built-in catalog's files of image ``ref`` (shared: never changed), None when it cannot be told."""
    if not isinstance(ref, str) or not ref:
        return None
    from minikctl.engine.behavior.images import catalog_dict

    try:
        return catalog_dict(ref).get("files") or {}
    except Exception:  # noqa: BLE001 -- an odd reference: its files are stored whole
        return None


class FSError(Exception):
    """A filesystem operation failed; ``str(e)`` is the errno text (``Read-only file system``)."""


class ContainerFS:
    """What one container sees: mounts first (longest mountPath wins), then its private FS."""

    def __init__(self, podfs: PodFS, container: str, mounts: list[dict]) -> None:
        self.podfs = podfs
        self.container = container
        self.creds: dict | None = None  # the credentials of the process acting through this view (Process.step)
        ms = []
        for m in mounts:
            if not isinstance(m, dict) or not m.get("mountPath"):
                continue
            ms.append((norm(m["mountPath"]), m.get("name", ""), norm("/" + (m.get("subPath") or "")), bool(m.get("readOnly"))))
        ms.sort(key=lambda t: (-len(t[0]), t[0]))
        self.mounts = ms

    # -- resolution -------------------------------------------------------------------
    def _resolve(self, path: str) -> tuple[_Store, str, bool]:
        p = norm(path)
        for mp, vol, sub, ro in self.mounts:
            if p == mp or p.startswith(mp.rstrip("/") + "/"):
                rest = p[len(mp):] if mp != "/" else p
                st = self.podfs.volumes.setdefault(vol, _Store())
                return st, norm(sub + "/" + rest.lstrip("/")), ro
        st = self.podfs.private.setdefault(self.container, self.podfs._fresh(None))
        return st, p, False

    def is_mountpoint(self, path: str) -> bool:
        p = norm(path)
        return any(p == mp for mp, _, _, _ in self.mounts)

    def _holds_mount(self, path: str) -> bool:
        """A directory on the way to a mount point (``/data`` for ``/data/demo``): the runtime made it."""
        pre = norm(path).rstrip("/") + "/"
        return any(mp.startswith(pre) for mp, _, _, _ in self.mounts)

    def _volume_of(self, path: str) -> str | None:
        p = norm(path)
        for mp, vol, _sub, _ro in self.mounts:
            if p == mp or p.startswith(mp.rstrip("/") + "/"):
                return vol
        return None

    # -- ownership -------------------------------------------------------------------------
    def owner(self, path: str) -> tuple[int, int]:
        """(uid, gid) of a file or directory: what created it, else root; in a volume the pod's fsGroup owns,
        the group is fsGroup (its root is setgid)."""
        st, p, _ = self._resolve(path)
        o = st.owners.get(p)
        vol = self._volume_of(path)
        group = self.podfs.fs_group if vol is not None and vol in self.podfs.group_volumes else None
        if o is not None:
            return int(o[0]), int(o[1])
        return 0, (group if group is not None else 0)

    def dir_mode(self, path: str) -> str:
        """``ls -l``'s mode of a directory: an emptyDir's root is 0777 (setgid with fsGroup: ``drwxrwsrwx``), a
        directory made in a setgid one keeps the bit; anything else ``drwxr-xr-x``."""
        vol = self._volume_of(path)
        setgid = vol is not None and vol in self.podfs.group_volumes
        if self.is_mountpoint(path) and vol in self.podfs.empty_dirs:
            return "drwxrwsrwx" if setgid else "drwxrwxrwx"
        return "drwxr-sr-x" if setgid else "drwxr-xr-x"

    def _own(self, st: "_Store", p: str, path: str) -> None:
        """Record who created ``p``: the acting process's uid, and its gid unless the volume hands out fsGroup."""
        c = self.creds
        uid = int(c.get("uid", 0)) if c else 0
        gid = int(c.get("gid", 0)) if c else 0
        vol = self._volume_of(path)
        if vol is not None and vol in self.podfs.group_volumes and self.podfs.fs_group is not None:
            gid = self.podfs.fs_group
        if uid or gid != (self.podfs.fs_group if vol in self.podfs.group_volumes else 0):
            st.owners[p] = [uid, gid]

    # -- queries ------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        st, p, _ = self._resolve(path)
        return p in st.files or st.is_dir(p) or self.is_mountpoint(path) or self._holds_mount(path)

    def is_file(self, path: str) -> bool:
        st, p, _ = self._resolve(path)
        return p in st.files

    def is_dir(self, path: str) -> bool:
        st, p, _ = self._resolve(path)
        return (p not in st.files and st.is_dir(p)) or self.is_mountpoint(path) or self._holds_mount(path)

    def read(self, path: str) -> str | None:
        """File text, or None when there is no such file."""
        st, p, _ = self._resolve(path)
        return st.files.get(p)

    def listdir(self, path: str) -> list[str]:
        st, p, _ = self._resolve(path)
        names = set(st.listdir(p))
        base = norm(path).rstrip("/") + "/"
        for mp, _, _, _ in self.mounts:
            if mp.startswith(base) and mp != norm(path):
                names.add(mp[len(base):].split("/", 1)[0])
        return sorted(names)

    # -- changes (raise FSError) -------------------------------------------------------------
    def write(self, path: str, text: str, append: bool = False) -> None:
        st, p, ro = self._resolve(path)
        if ro:
            raise FSError("Read-only file system")
        if st.is_dir(p) and p not in st.files:
            raise FSError("Is a directory")
        if p not in st.files:
            self._own(st, p, path)
        if append:
            st.files[p] = st.files.get(p, "") + text
        else:
            st.files[p] = text

    def remove(self, path: str, recursive: bool = False) -> None:
        st, p, ro = self._resolve(path)
        if ro:
            raise FSError("Read-only file system")
        if p in st.files:
            del st.files[p]
            st.forget(p)
            return
        if st.is_dir(p):
            if not recursive:
                raise FSError("Is a directory")
            pre = p.rstrip("/") + "/"
            for k in [k for k in st.files if k.startswith(pre)]:
                del st.files[k]
            st.dirs = {d for d in st.dirs if not (d == p or d.startswith(pre))}
            st.forget(p)
            return
        raise FSError("No such file or directory")

    def mkdir(self, path: str) -> None:
        st, p, ro = self._resolve(path)
        if ro:
            raise FSError("Read-only file system")
        if p in st.files:
            raise FSError("File exists")
        if p not in st.dirs:
            self._own(st, p, path)
        st.dirs.add(p)
