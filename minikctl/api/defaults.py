"""Create-time defaulting, as a v1.32 API server with its default admission plugins does it.

``default_object(kind, obj, suffix=...)`` mutates ``obj`` in place:

* the v1 scheme defaults (``pkg/apis/core/v1/defaults.go``, ``apps/v1``, ``batch/v1``) for the
  object and every pod spec it embeds;
* for real Pods only, the mutating admission plugins that run on create:
  ServiceAccount (``serviceAccountName: default`` and the projected ``kube-api-access-xxxxx``
  volume mounted in every container), Priority (``priority: 0``,
  ``preemptionPolicy: PreemptLowerPriority``) and DefaultTolerationSeconds (the two 300 s
  NoExecute tolerations);
* what the registry strategies add before validation: Pod ``status`` (``phase: Pending`` and
  the QoS class), the Job's generated selector and labels, the Namespace finalizer and phase.

Quantities in container resources are rewritten to their canonical strings, as the API server
stores them. ``suffix(n)`` must return ``n`` deterministic random-looking characters; it names the
service-account token volume.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any, Callable

from minikctl.api.admission import MIRROR_POD_ANNOTATION, service_account_name

__all__ = [
    "default_object",
    "default_for_update",
    "default_pod_spec",
    "default_container",
    "image_pull_policy",
    "qos_class",
    "SERVICE_ACCOUNT_MOUNT_PATH",
]


def parse_quantity(value: Any):
    """kube.quantity's, imported when a quantity is met: fractions and decimal cost ~3 ms a command that has
    none (a label, most updates)."""
    from minikctl.kube import quantity

    return quantity.parse_quantity(value)


def canonical(value: Any) -> str:
    from minikctl.kube import quantity

    return quantity.canonical(value)


SERVICE_ACCOUNT_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_TOLERATION_SECONDS = 300
DAEMONSET_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _dict(parent: dict, key: str) -> dict:
    v = parent.get(key)
    if not isinstance(v, dict):
        v = {}
        parent[key] = v
    return v


def _items(parent: Any, key: str) -> list:
    v = parent.get(key) if isinstance(parent, dict) else None
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


# ---------------------------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------------------------


def _image_tag(image: str) -> str | None:
    """The tag ParseImageName reports: ``latest`` when neither tag nor digest is given,
    ``""`` with a digest, ``None`` when the reference does not parse."""
    if not image or image != image.strip() or any(c.isspace() for c in image):
        return None
    name = image
    digest = ""
    if "@" in name:
        name, digest = name.split("@", 1)
        if not digest:
            return None
    last = name.rsplit("/", 1)[-1]
    tag = ""
    if ":" in last:
        tag = last.rsplit(":", 1)[1]
        name = name[: len(name) - len(tag) - 1]
        if not tag:
            return None
    if not name or any(c.isupper() for c in name):
        return None
    if digest:
        return tag
    return tag or "latest"


def image_pull_policy(image: str) -> str:
    """SetDefaults_Container: ``Always`` for ``:latest`` or an untagged image, else ``IfNotPresent``."""
    return "Always" if _image_tag(image) == "latest" else "IfNotPresent"


def _default_handler(h: Any) -> None:
    if not isinstance(h, dict):
        return
    hg = h.get("httpGet")
    if isinstance(hg, dict):
        if not hg.get("path"):
            hg["path"] = "/"
        if not hg.get("scheme"):
            hg["scheme"] = "HTTP"


def _default_probe(p: Any) -> None:
    """SetDefaults_Probe, SetDefaults_HTTPGetAction, and zz_generated.defaults.go's
    ``if a.LivenessProbe.ProbeHandler.GRPC.Service == nil { ... = "" }`` (kubectl 1.32 describe
    dereferences that pointer)."""
    if not isinstance(p, dict):
        return
    for key, value in (("timeoutSeconds", 1), ("periodSeconds", 10), ("successThreshold", 1),
                       ("failureThreshold", 3)):
        if not p.get(key):
            p[key] = value
    _default_handler(p)
    grpc = p.get("grpc")
    if isinstance(grpc, dict) and grpc.get("service") is None:
        grpc["service"] = ""


def round_up_milli(value: Any) -> Any:
    """SetDefaults_ResourceList (pkg/apis/core/v1/defaults.go): ``val.RoundUp(milliScale)`` on every
    quantity, then the canonical string the server stores. ``0.0001`` and ``100u`` become ``1m``,
    ``2.0001`` becomes ``2001m`` (away from zero for negative values). A value already at milli
    precision keeps the form ``canonical`` gives it. Unparseable values are left for validation."""
    try:
        q = parse_quantity(value)
    except (ValueError, TypeError):
        return value
    milli = q * 1000
    if milli.denominator == 1:
        try:
            return canonical(value)
        except (ValueError, TypeError):
            return value
    n = -((-milli.numerator) // milli.denominator) if milli > 0 else milli.numerator // milli.denominator
    return canonical(f"{n}m")


def _round_resource_list(rl: Any) -> None:
    if isinstance(rl, dict):
        for name in list(rl):
            rl[name] = round_up_milli(rl[name])


def _canonical_resources(res: dict) -> None:
    for key in ("limits", "requests"):
        _round_resource_list(res.get(key))


def default_container(ctr: dict, *, pod: bool) -> None:
    """SetDefaults_Container and friends; ``pod`` adds SetDefaults_Pod's requests-from-limits."""
    if not ctr.get("imagePullPolicy"):
        ctr["imagePullPolicy"] = image_pull_policy(ctr.get("image") or "")
    if not ctr.get("terminationMessagePath"):
        ctr["terminationMessagePath"] = "/dev/termination-log"
    if not ctr.get("terminationMessagePolicy"):
        ctr["terminationMessagePolicy"] = "File"
    res = _dict(ctr, "resources")
    _canonical_resources(res)
    if pod and isinstance(res.get("limits"), dict):
        req = _dict(res, "requests")
        for name, value in res["limits"].items():
            if name not in req:
                req[name] = value
    for port in _items(ctr, "ports"):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for ev in _items(ctr, "env"):
        vf = ev.get("valueFrom")
        if isinstance(vf, dict) and isinstance(vf.get("fieldRef"), dict) and not vf["fieldRef"].get("apiVersion"):
            vf["fieldRef"]["apiVersion"] = "v1"
        if isinstance(vf, dict):
            _default_resource_field_ref(vf.get("resourceFieldRef"))
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(ctr.get(key))
    lc = ctr.get("lifecycle")
    if isinstance(lc, dict):
        _default_handler(lc.get("postStart"))
        _default_handler(lc.get("preStop"))


def _default_resource_field_ref(rf: Any) -> None:
    """ResourceFieldSelector.divisor is a non-pointer Quantity: it always serializes, as "0" when unset."""
    if isinstance(rf, dict):
        if rf.get("divisor") is None:
            rf["divisor"] = "0"
        else:
            try:
                rf["divisor"] = canonical(rf["divisor"])
            except (ValueError, TypeError):
                pass


def _default_downward_items(items: list) -> None:
    for it in items:
        fr = it.get("fieldRef")
        if isinstance(fr, dict) and not fr.get("apiVersion"):
            fr["apiVersion"] = "v1"
        _default_resource_field_ref(it.get("resourceFieldRef"))


def _default_pvc(pvc: dict) -> None:
    """A PersistentVolumeClaim embedded in a template (ephemeral volume, volumeClaimTemplates)."""
    spec = _dict(pvc, "spec")
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    res = spec.get("resources")
    if isinstance(res, dict):
        _canonical_resources(res)
        # dropDisabledDynamicResourceAllocationFields: always dropped from a volume claim template
        res.pop("claims", None)


# the VolumeSource union (k8s.io/api/core/v1 VolumeSource, v1.32)
VOLUME_SOURCES = (
    "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
    "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
    "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
    "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
)

# zz_generated.defaults.go's inline defaults of the volume sources (``if x == "" { x = ... }``)
_SOURCE_FIELD_DEFAULTS = {
    "iscsi": (("iscsiInterface", "default"),),
    "rbd": (("pool", "rbd"), ("user", "admin"), ("keyring", "/etc/ceph/keyring")),
    "scaleIO": (("storageMode", "ThinProvisioned"), ("fsType", "xfs")),
}
# ... and the pointer ones of AzureDisk (``if a.VolumeSource.AzureDisk.CachingMode == nil``)
_AZURE_DISK_DEFAULTS = (("cachingMode", "ReadWrite"), ("fsType", "ext4"), ("readOnly", False), ("kind", "Shared"))


def _default_volume(vol: dict) -> None:
    # SetDefaults_Volume: a volume naming no source at all is an emptyDir
    if not any(vol.get(src) is not None for src in VOLUME_SOURCES):
        vol["emptyDir"] = {}
    for src, fields in _SOURCE_FIELD_DEFAULTS.items():
        body = vol.get(src)
        if isinstance(body, dict):
            for key, value in fields:
                if not body.get(key):
                    body[key] = value
    ad = vol.get("azureDisk")
    if isinstance(ad, dict):
        for key, value in _AZURE_DISK_DEFAULTS:
            if ad.get(key) is None:
                ad[key] = value
    for src in ("secret", "configMap", "downwardAPI", "projected"):
        body = vol.get(src)
        if isinstance(body, dict) and body.get("defaultMode") is None:
            body["defaultMode"] = 420
    if isinstance(vol.get("downwardAPI"), dict):
        _default_downward_items(_items(vol["downwardAPI"], "items"))
    if isinstance(vol.get("projected"), dict):
        for s in _items(vol["projected"], "sources"):
            if isinstance(s.get("downwardAPI"), dict):
                _default_downward_items(_items(s["downwardAPI"], "items"))
            sat = s.get("serviceAccountToken")
            if isinstance(sat, dict) and sat.get("expirationSeconds") is None:
                sat["expirationSeconds"] = 3600
    eph = vol.get("ephemeral")
    if isinstance(eph, dict) and isinstance(eph.get("volumeClaimTemplate"), dict):
        _default_pvc(eph["volumeClaimTemplate"])
    hp = vol.get("hostPath")
    if isinstance(hp, dict) and hp.get("type") is None:
        hp["type"] = ""
    ed = vol.get("emptyDir")
    if isinstance(ed, dict) and ed.get("sizeLimit") is not None:
        try:
            ed["sizeLimit"] = canonical(ed["sizeLimit"])
        except (ValueError, TypeError):
            pass


def default_pod_spec(spec: dict, *, pod: bool) -> None:
    """SetDefaults_PodSpec plus the container and volume defaults; ``pod`` adds SetDefaults_Pod."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for ctr in _items(spec, key):
            default_container(ctr, pod=pod and key != "ephemeralContainers")
    for vol in _items(spec, "volumes"):
        _default_volume(vol)
    _round_resource_list(spec.get("overhead"))  # SetDefaults_ResourceList(&in.Spec.Overhead)
    if isinstance(spec.get("resources"), dict):  # pod-level resources (dropped below on a 1.32 server)
        _canonical_resources(spec["resources"])
    drop_disabled_pod_fields(spec)
    prune_empty(spec, "spec")
    if pod:
        if spec.get("enableServiceLinks") is None:
            spec["enableServiceLinks"] = True
        if spec.get("hostNetwork") is True:
            for key in ("containers", "initContainers"):
                for ctr in _items(spec, key):
                    for port in _items(ctr, "ports"):
                        if not port.get("hostPort"):
                            port["hostPort"] = port.get("containerPort")


# ---------------------------------------------------------------------------------------------
# What the stored object keeps: disabled feature fields and empty omitempty collections
# ---------------------------------------------------------------------------------------------


def _all_containers(spec: Any) -> list[dict]:
    return [c for k in ("initContainers", "containers", "ephemeralContainers") for c in _items(spec, k)]


def drop_disabled_pod_fields(spec: dict, old_spec: dict | None = None) -> None:
    """podutil.DropDisabledPodFields / DropDisabledTemplateFields (pkg/api/pod/util.go), for the
    feature gates a v1.32 API server has off by default (pkg/features/versioned_kube_features.go at
    v1.32: UserNamespacesSupport beta/off, ProcMountType beta/off, InPlacePodVerticalScaling,
    DynamicResourceAllocation, SupplementalGroupsPolicy, SELinuxChangePolicy, ImageVolume,
    PodLevelResources and ClusterTrustBundleProjection alpha/off). Each field survives only when
    ``old_spec`` (the stored object of an update) already used it. Mutates ``spec``."""
    old = old_spec if isinstance(old_spec, dict) else {}
    old_sc = old.get("securityContext") if isinstance(old.get("securityContext"), dict) else {}
    sc = spec.get("securityContext") if isinstance(spec.get("securityContext"), dict) else None
    # hostUsers (UserNamespacesSupport)
    if old.get("hostUsers") is None:
        spec.pop("hostUsers", None)
    # dropDisabledProcMountField: forced to Default (not removed) unless a non-default one is in use
    if not any((c.get("securityContext") or {}).get("procMount") not in (None, "Default")
               for c in _all_containers(old)):
        for c in _all_containers(spec):
            csc = c.get("securityContext")
            if isinstance(csc, dict) and csc.get("procMount") is not None:
                csc["procMount"] = "Default"
    # InPlacePodVerticalScaling: resizePolicy
    if not any(c.get("resizePolicy") for c in _items(old, "containers")):
        for c in _all_containers(spec):
            c.pop("resizePolicy", None)
    # dropDisabledDynamicResourceAllocationFields
    if not old.get("resourceClaims"):
        for c in _all_containers(spec):
            if isinstance(c.get("resources"), dict):
                c["resources"].pop("claims", None)
        spec.pop("resourceClaims", None)
    # SupplementalGroupsPolicy and SELinuxChangePolicy
    if sc is not None:
        for key in ("supplementalGroupsPolicy", "seLinuxChangePolicy"):
            if old_sc.get(key) is None:
                sc.pop(key, None)
    # PodLevelResources: spec.resources
    if old.get("resources") is None:
        spec.pop("resources", None)
    # ImageVolume: image volumes go, and so do the mounts of them
    if not any(isinstance(v.get("image"), dict) for v in _items(old, "volumes")) and isinstance(spec.get("volumes"),
                                                                                               list):
        gone = {v.get("name") for v in _items(spec, "volumes") if v.get("image") is not None}
        if gone:
            spec["volumes"] = [v for v in spec["volumes"] if not (isinstance(v, dict) and v.get("image") is not None)]
            for c in _all_containers(spec):
                if isinstance(c.get("volumeMounts"), list):
                    c["volumeMounts"] = [m for m in c["volumeMounts"]
                                         if not (isinstance(m, dict) and m.get("name") in gone)]
    # ClusterTrustBundleProjection
    if not any(isinstance(src, dict) and src.get("clusterTrustBundle") is not None
               for v in _items(old, "volumes") for src in _items(v.get("projected"), "sources")):
        for v in _items(spec, "volumes"):
            for src in _items(v.get("projected"), "sources"):
                src.pop("clusterTrustBundle", None)


def drop_disabled_pod_status_fields(status: dict) -> None:
    """dropDisabledPodStatusFields for the same v1.32 gates: container statuses lose ``user``
    (SupplementalGroupsPolicy), ``allocatedResourcesStatus`` (ResourceHealthStatus), ``allocatedResources``
    and ``resources`` (InPlacePodVerticalScaling); the pod loses ``resize`` and ``resourceClaimStatuses``."""
    for key in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for cs in _items(status, key):
            for f in ("user", "allocatedResourcesStatus", "allocatedResources", "resources"):
                cs.pop(f, None)
    status.pop("resize", None)
    status.pop("resourceClaimStatuses", None)


# Go slices and maps serialized with `omitempty` vanish when empty; these are the exceptions (fields of
# k8s.io/api core/v1, apps/v1 and batch/v1 v1.32 whose json tag has no omitempty), by parent key.
_KEEP_EMPTY = {("spec", "containers"), ("projected", "sources"),
               ("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms"), ("rbd", "monitors"),
               ("cephfs", "monitors"), ("onExitCodes", "values"), ("podFailurePolicy", "rules"),
               ("successPolicy", "rules")}
# JSON objects that are Go maps (omitempty, so {} vanishes) rather than structs ({} stays: emptyDir: {})
_MAP_KEYS = frozenset({"labels", "annotations", "nodeSelector", "limits", "requests", "overhead", "matchLabels",
                       "volumeAttributes", "options", "data", "binaryData", "stringData"})


def prune_empty(value: Any, key: str = "") -> None:
    """Drop the empty lists and maps a v1.32 API server does not store (``args: []``, ``labels: {}``),
    as encoding/json's omitempty does when the server writes the object back. Mutates ``value``."""
    if isinstance(value, dict):
        for k in list(value):
            v = value[k]
            t = type(v)
            if t is str or t is int or t is bool or v is None:  # most fields: nothing to prune
                continue
            if isinstance(v, list):
                if v:
                    for item in v:
                        if isinstance(item, (dict, list)):  # scalars have nothing to prune
                            prune_empty(item, k)
                elif (key, k) not in _KEEP_EMPTY:
                    del value[k]
            elif isinstance(v, dict):
                if v:
                    prune_empty(v, k)
                if not v and k in _MAP_KEYS:
                    del value[k]
    elif isinstance(value, list):
        for v in value:
            prune_empty(v, key)


# ---------------------------------------------------------------------------------------------
# Pod admission
# ---------------------------------------------------------------------------------------------


SERVICE_ACCOUNT_VOLUME = "kube-api-access"  # ServiceAccountVolumeName


def _service_account(obj: dict, spec: dict, suffix: Callable[[int], str], sa: dict | None) -> None:
    """The ServiceAccount admission plugin's mutation (plugin/pkg/admission/serviceaccount/admission.go v1.32,
    ``Admit``): ``default`` when the pod names no account; unless the pod or its account turns it off
    (``shouldAutomount``: the pod's ``automountServiceAccountToken`` wins, then the account's), the projected
    ``kube-api-access-xxxxx`` token volume mounted read-only in every init and regular container that has
    nothing at the token path (``mountServiceAccountToken``); the account's ``imagePullSecrets`` when the pod
    has none. ``sa`` is the pod's ServiceAccount (None: one with nothing set). Mirror pods are left alone.

    After conversion back to v1 the deprecated ``serviceAccount`` repeats ``serviceAccountName``."""
    spec["serviceAccountName"] = service_account_name(spec)
    annotations = (obj.get("metadata") or {}).get("annotations")
    mirror = isinstance(annotations, dict) and MIRROR_POD_ANNOTATION in annotations
    if not mirror and not spec["serviceAccountName"]:
        spec["serviceAccountName"] = "default"
    if spec["serviceAccountName"]:
        spec["serviceAccount"] = spec["serviceAccountName"]
    else:
        spec.pop("serviceAccountName", None)
        spec.pop("serviceAccount", None)
    if mirror:
        return
    automount = spec.get("automountServiceAccountToken")
    if automount is None and sa is not None:
        automount = sa.get("automountServiceAccountToken")
    if automount is not False:
        _mount_service_account_token(spec, suffix)
    pull = sa.get("imagePullSecrets") if sa is not None else None
    if not spec.get("imagePullSecrets") and isinstance(pull, list) and pull:
        spec["imagePullSecrets"] = [{"name": r["name"]} if isinstance(r, dict) and r.get("name") else {}
                                    for r in pull]


def _mount_service_account_token(spec: dict, suffix: Callable[[int], str]) -> None:
    """mountServiceAccountToken: a volume already named ``kube-api-access-*`` is the token volume; otherwise
    one is added (``TokenVolumeSource``: token, the root CA ConfigMap, the namespace) when a container needs it.
    Containers that already mount something at the token path are left alone."""
    volumes = spec.get("volumes") if isinstance(spec.get("volumes"), list) else []
    existing = next((v["name"] for v in volumes if isinstance(v, dict) and isinstance(v.get("name"), str)
                     and v["name"].startswith(SERVICE_ACCOUNT_VOLUME + "-")), None)
    containers = [c for k in ("initContainers", "containers") for c in _items(spec, k)]
    needing = [c for c in containers
               if not any(m.get("mountPath") == SERVICE_ACCOUNT_MOUNT_PATH for m in _items(c, "volumeMounts"))]
    if not needing:
        return
    name = existing or SERVICE_ACCOUNT_VOLUME + "-" + suffix(5)
    for c in needing:
        mounts = c.get("volumeMounts") if isinstance(c.get("volumeMounts"), list) else []
        mounts.append({"mountPath": SERVICE_ACCOUNT_MOUNT_PATH, "name": name, "readOnly": True})
        c["volumeMounts"] = mounts
    if existing is not None:
        return
    volumes.append({
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"items": [{"key": "ca.crt", "path": "ca.crt"}], "name": "kube-root-ca.crt"}},
                {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                                            "path": "namespace"}]}},
            ],
        },
    })
    spec["volumes"] = volumes


def _priority(pod: dict) -> None:
    """The Priority admission plugin's mutation (``admission.admit_priority``); its Forbidden errors are
    the server's to raise: call ``admit_priority`` again after ``default_object`` (it is idempotent)."""
    from minikctl.api.admission import admit_priority

    admit_priority(pod)


def _default_tolerations(spec: dict) -> None:
    tols = spec.get("tolerations") if isinstance(spec.get("tolerations"), list) else []
    not_ready = unreachable = False
    for t in tols:
        if not isinstance(t, dict):
            continue
        key, eff = t.get("key") or "", t.get("effect") or ""
        if eff in ("NoExecute", ""):
            if key in ("node.kubernetes.io/not-ready", ""):
                not_ready = True
            if key in ("node.kubernetes.io/unreachable", ""):
                unreachable = True
    if not not_ready:
        tols.append({"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists",
                     "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
    if not unreachable:
        tols.append({"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists",
                     "tolerationSeconds": DEFAULT_TOLERATION_SECONDS})
    spec["tolerations"] = tols


def qos_class(spec: dict) -> str:
    """GetPodQOS over containers and init containers (cpu and memory only)."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    guaranteed = True
    for ctr in _items(spec, "containers") + _items(spec, "initContainers"):
        res = ctr.get("resources") if isinstance(ctr.get("resources"), dict) else {}
        for name, q in sorted((res.get("requests") or {}).items()):
            if name not in ("cpu", "memory"):
                continue
            v = _q(q)
            if v > 0:
                requests[name] = requests.get(name, 0) + v
        found = set()
        for name, q in sorted((res.get("limits") or {}).items()):
            if name not in ("cpu", "memory"):
                continue
            v = _q(q)
            if v > 0:
                found.add(name)
                limits[name] = limits.get(name, 0) + v
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, req in requests.items():
            if limits.get(name) != req:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def _q(v: Any):
    try:
        return parse_quantity(v)
    except (ValueError, TypeError):
        return 0


def _default_pod(obj: dict, suffix: Callable[[int], str], service_account: dict | None = None) -> None:
    spec = _dict(obj, "spec")
    default_pod_spec(spec, pod=True)
    _service_account(obj, spec, suffix, service_account)
    _priority(obj)
    _default_tolerations(spec)
    status = _dict(obj, "status")
    status["phase"] = "Pending"
    status["qosClass"] = qos_class(spec)
    # podStrategy.PrepareForCreate (v1.32), after DropDisabledPodFields: mutatePodAffinity, applyAppArmorVersionSkew
    mutate_pod_affinity(obj)
    apply_apparmor_version_skew(obj)


APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def mutate_pod_affinity(pod: dict) -> None:
    """mutatePodAffinity (pkg/registry/core/pod/strategy.go; MatchLabelKeysInPodAffinity is beta/on in
    v1.32): each pod (anti-)affinity term's matchLabelKeys / mismatchLabelKeys become In / NotIn
    requirements on its labelSelector, with the pod's own label values."""
    labels = ((pod.get("metadata") or {}).get("labels") or {})
    aff = (pod.get("spec") or {}).get("affinity")
    if not isinstance(aff, dict):
        return
    for kind in ("podAffinity", "podAntiAffinity"):
        pa = aff.get(kind)
        if not isinstance(pa, dict):
            continue
        terms = [w.get("podAffinityTerm") for w in _items(pa, "preferredDuringSchedulingIgnoredDuringExecution")]
        terms += _items(pa, "requiredDuringSchedulingIgnoredDuringExecution")
        for term in terms:
            if not isinstance(term, dict) or not isinstance(term.get("labelSelector"), dict):
                continue
            sel = term["labelSelector"]
            for key_list, op in (("matchLabelKeys", "In"), ("mismatchLabelKeys", "NotIn")):
                for key in term.get(key_list) or []:
                    if key in labels:
                        exprs = sel.get("matchExpressions") if isinstance(sel.get("matchExpressions"), list) else []
                        exprs.append({"key": key, "operator": op, "values": [labels[key]]})
                        sel["matchExpressions"] = exprs


def _apparmor_annotation(prof: Any) -> str:
    """appArmorAnnotationForField."""
    t = prof.get("type") if isinstance(prof, dict) else None
    if t == "Unconfined":
        return "unconfined"
    if t == "RuntimeDefault":
        return "runtime/default"
    if t == "Localhost" and prof.get("localhostProfile") is not None:
        return "localhost/" + str(prof["localhostProfile"])
    return ""


def _apparmor_field(annotation: str) -> dict | None:
    """apparmorFieldForAnnotation, keeping only what ValidateAppArmorProfileField accepts."""
    if annotation == "unconfined":
        return {"type": "Unconfined"}
    if annotation == "runtime/default":
        return {"type": "RuntimeDefault"}
    if annotation.startswith("localhost/") and annotation[len("localhost/"):]:
        prof = annotation[len("localhost/"):]
        if prof.strip() == prof and len(prof) <= 4095:
            return {"type": "Localhost", "localhostProfile": prof}
    return None


def apply_apparmor_version_skew(pod: dict) -> None:
    """applyAppArmorVersionSkew (pkg/registry/core/pod/strategy.go v1.32): fields and the deprecated
    per-container annotations are synced both ways on create (not for windows pods)."""
    spec = pod.get("spec") or {}
    if (spec.get("os") or {}).get("name") == "windows":
        return
    pod_prof = (spec.get("securityContext") or {}).get("appArmorProfile")
    meta = _dict(pod, "metadata")
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for ctr in _items(spec, key):
            akey = APPARMOR_PREFIX + str(ctr.get("name") or "")
            annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
            ctr_prof = (ctr.get("securityContext") or {}).get("appArmorProfile") if isinstance(
                ctr.get("securityContext"), dict) else None
            if akey not in annotations:
                value = _apparmor_annotation(ctr_prof) if ctr_prof is not None else (
                    _apparmor_annotation(pod_prof) if pod_prof is not None else "")
                if value:
                    annotations[akey] = value
                    meta["annotations"] = annotations
            elif ctr_prof is None:
                field = _apparmor_field(str(annotations[akey]))
                if field is not None and field != pod_prof:
                    _dict(ctr, "securityContext")["appArmorProfile"] = field


# ---------------------------------------------------------------------------------------------
# Workloads
# ---------------------------------------------------------------------------------------------


def _default_template(tmpl: dict) -> None:
    meta = _dict(tmpl, "metadata")
    meta.setdefault("creationTimestamp", None)
    default_pod_spec(_dict(tmpl, "spec"), pod=False)


def _default_rolling_update(spec: dict, key: str, fields: tuple[tuple[str, Any], ...]) -> None:
    """A workload strategy: type RollingUpdate unless set; then each unset rollingUpdate field gets its default."""
    strat = _dict(spec, key)
    if not strat.get("type"):
        strat["type"] = "RollingUpdate"
    if strat["type"] == "RollingUpdate":
        ru = _dict(strat, "rollingUpdate")
        for name, value in fields:
            if ru.get(name) is None:
                ru[name] = value


def _prepare_workload_create(obj: dict) -> None:
    """The PrepareForCreate of the apps and batch strategies (pkg/registry/{apps,batch}/*/strategy.go):
    ``Generation = 1`` (pods, ConfigMaps, Secrets and ServiceAccounts get none in v1.32)."""
    _dict(obj, "metadata")["generation"] = 1


def _default_deployment(obj: dict, create: bool = True) -> None:
    if create:
        _prepare_workload_create(obj)
    spec = _dict(obj, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _default_rolling_update(spec, "strategy", (("maxUnavailable", "25%"), ("maxSurge", "25%")))
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    _default_template(_dict(spec, "template"))
    if create:
        obj.setdefault("status", {})


def _default_replicaset(obj: dict, create: bool = True) -> None:
    if create:
        _prepare_workload_create(obj)
    spec = _dict(obj, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _default_template(_dict(spec, "template"))
    if create:
        obj.setdefault("status", {"replicas": 0})


def _default_statefulset(obj: dict, create: bool = True) -> None:
    if create:
        _prepare_workload_create(obj)
    spec = _dict(obj, "spec")
    # dropStatefulSetDisabledFields: MaxUnavailableStatefulSet is alpha (off) in v1.32
    ru = _dict(spec, "updateStrategy").get("rollingUpdate")
    if isinstance(ru, dict):
        ru.pop("maxUnavailable", None)
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    _default_rolling_update(spec, "updateStrategy", (("partition", 0),))
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    pol = _dict(spec, "persistentVolumeClaimRetentionPolicy")
    if not pol.get("whenDeleted"):
        pol["whenDeleted"] = "Retain"
    if not pol.get("whenScaled"):
        pol["whenScaled"] = "Retain"
    _default_template(_dict(spec, "template"))
    for pvc in _items(spec, "volumeClaimTemplates"):
        pvc.setdefault("apiVersion", "v1")
        pvc.setdefault("kind", "PersistentVolumeClaim")
        _dict(pvc, "metadata").setdefault("creationTimestamp", None)
        _default_pvc(pvc)
        _dict(pvc, "status").setdefault("phase", "Pending")
    if create:
        obj.setdefault("status", {"availableReplicas": 0, "replicas": 0})


def _default_daemonset(obj: dict, create: bool = True) -> None:
    if create:
        _prepare_workload_create(obj)
    spec = _dict(obj, "spec")
    _default_rolling_update(spec, "updateStrategy", (("maxUnavailable", 1), ("maxSurge", 0)))
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    # daemonSetStrategy.PrepareForCreate: Spec.TemplateGeneration = 1, which apps/v1 carries in an annotation
    # (Convert_apps_DaemonSet_To_v1_DaemonSet writes it; a client-set value is overwritten)
    if create:
        _dict(_dict(obj, "metadata"), "annotations")[DAEMONSET_TEMPLATE_GENERATION] = "1"
    _default_template(_dict(spec, "template"))
    if create:
        obj.setdefault("status", {"currentNumberScheduled": 0, "desiredNumberScheduled": 0,
                                  "numberMisscheduled": 0, "numberReady": 0})


def _default_job_spec_fields(spec: dict) -> None:
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    if not spec.get("completionMode"):
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    pfp = spec.get("podFailurePolicy")
    if isinstance(pfp, dict):
        for rule in _items(pfp, "rules"):
            for pat in _items(rule, "onPodConditions"):
                if not pat.get("status"):
                    pat["status"] = "True"
    if not spec.get("podReplacementPolicy"):
        spec["podReplacementPolicy"] = "Failed" if isinstance(pfp, dict) else "TerminatingOrFailed"


def _default_job(obj: dict, create: bool = True) -> None:
    if create:
        _prepare_workload_create(obj)
    meta = _dict(obj, "metadata")
    spec = _dict(obj, "spec")
    _default_job_spec_fields(spec)
    tmpl = _dict(spec, "template")
    _default_template(tmpl)
    if create and spec.get("manualSelector") is not True:
        # JobStrategy.PrepareForCreate: generateSelector (needs metadata.uid to be set by the caller)
        uid = meta.get("uid") or ""
        name = meta.get("name") or ""
        tmeta = _dict(tmpl, "metadata")
        labels = tmeta.get("labels") if isinstance(tmeta.get("labels"), dict) else {}
        for key, value in (("batch.kubernetes.io/controller-uid", uid), ("batch.kubernetes.io/job-name", name),
                           ("controller-uid", uid), ("job-name", name)):
            labels.setdefault(key, value)
        tmeta["labels"] = labels
        sel = _dict(spec, "selector")
        ml = _dict(sel, "matchLabels")
        ml.setdefault("batch.kubernetes.io/controller-uid", uid)
    # SetDefaults_Job, applied again when the stored object is read back
    tlabels = _dict(tmpl, "metadata").get("labels")
    if isinstance(tlabels, dict) and tlabels and not meta.get("labels"):
        meta["labels"] = dict(tlabels)
    if create:
        obj.setdefault("status", {})


def _default_cronjob(obj: dict, create: bool = True) -> None:
    if create:
        _prepare_workload_create(obj)
    spec = _dict(obj, "spec")
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    jt = _dict(spec, "jobTemplate")
    _dict(jt, "metadata").setdefault("creationTimestamp", None)
    _default_template(_dict(_dict(jt, "spec"), "template"))
    if create:
        obj.setdefault("status", {})


def _default_namespace(obj: dict) -> None:
    meta = _dict(obj, "metadata")
    name = meta.get("name")
    if name:
        _dict(meta, "labels")["kubernetes.io/metadata.name"] = name
    spec = _dict(obj, "spec")
    if not spec.get("finalizers"):
        spec["finalizers"] = ["kubernetes"]
    status = _dict(obj, "status")
    if not status.get("phase"):
        status["phase"] = "Active"


# ---------------------------------------------------------------------------------------------
# ConfigMap, Secret, ServiceAccount
# ---------------------------------------------------------------------------------------------


def merge_string_data(secret: dict) -> None:
    """Convert_v1_Secret_To_core_Secret (pkg/apis/core/v1/conversion.go): ``stringData`` overwrites
    ``data`` key by key; what the server stores (and returns) is ``data`` in base64, never ``stringData``."""
    import base64

    sd = secret.pop("stringData", None)
    if isinstance(sd, dict) and sd:
        data = secret.get("data") if isinstance(secret.get("data"), dict) else {}
        for k, v in sd.items():
            data[k] = base64.b64encode(str("" if v is None else v).encode()).decode()
        secret["data"] = data


def _default_secret(obj: dict) -> None:
    merge_string_data(obj)
    if not obj.get("type"):
        obj["type"] = "Opaque"  # SetDefaults_Secret


def _default_service_account(obj: dict) -> None:
    """serviceAccountStrategy.PrepareForCreate: cleanSecretReferences keeps only each reference's name."""
    secrets = obj.get("secrets")
    if isinstance(secrets, list):
        obj["secrets"] = [{"name": s.get("name")} if s.get("name") else {} for s in secrets if isinstance(s, dict)]


def default_for_update(kind: str, obj: dict) -> None:
    """The scheme defaults decoding applies to the body of an update (SetDefaults_*, v1.32), without the
    create-only steps: no admission plugins (service account, priority, tolerations), no PrepareForCreate
    (status, generation, the Job's generated selector, the DaemonSet template generation). Run
    ``updates.prepare_for_update`` afterwards."""
    if kind == "Pod":
        if isinstance(obj.get("spec"), dict):
            default_pod_spec(obj["spec"], pod=True)
    elif kind in _WORKLOAD_DEFAULTS:
        _WORKLOAD_DEFAULTS[kind](obj, create=False)
    elif kind == "Secret":
        _default_secret(obj)
    elif kind == "ServiceAccount":
        _default_service_account(obj)
    elif kind == "Namespace":
        name = _dict(obj, "metadata").get("name")
        if name:
            _dict(obj["metadata"], "labels")["kubernetes.io/metadata.name"] = name
    prune_empty(obj)


def default_object(kind: str, obj: dict, *, suffix: Callable[[int], str],
                   service_account: dict | None = None) -> None:
    """Apply create-time defaults to ``obj`` (in place), ending with what the server's write-back drops
    (``prune_empty``). ``service_account`` is a Pod's ServiceAccount, for the ServiceAccount admission plugin
    (None: an account with nothing set)."""
    _default_kind(kind, obj, suffix, service_account)
    prune_empty(obj)


def _default_kind(kind: str, obj: dict, suffix: Callable[[int], str], service_account: dict | None = None) -> None:
    if kind == "Pod":
        _default_pod(obj, suffix, service_account)
    elif kind == "Deployment":
        _default_deployment(obj)
    elif kind == "ReplicaSet":
        _default_replicaset(obj)
    elif kind == "StatefulSet":
        _default_statefulset(obj)
    elif kind == "DaemonSet":
        _default_daemonset(obj)
    elif kind == "Job":
        _default_job(obj)
    elif kind == "CronJob":
        _default_cronjob(obj)
    elif kind == "Namespace":
        _default_namespace(obj)
    elif kind == "Secret":
        _default_secret(obj)
    elif kind == "ServiceAccount":
        _default_service_account(obj)
    # ConfigMap: SetDefaults_ConfigMap only turns a nil data into {} (omitted when stored)


_WORKLOAD_DEFAULTS: dict[str, Callable[..., None]] = {
    "Deployment": _default_deployment, "ReplicaSet": _default_replicaset, "StatefulSet": _default_statefulset,
    "DaemonSet": _default_daemonset, "Job": _default_job, "CronJob": _default_cronjob,
}
