"""Admission plugins of a v1.32 API server, as pure functions over the (defaulted) object.

Each one mutates the object as the plugin does and returns the error the request fails with
(``None`` when admitted). The server calls them after defaulting and before validation, in the
order of the default mutating chain (… ServiceAccount, Priority, DefaultTolerationSeconds …).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~3 ms a command)
if TYPE_CHECKING:
    from typing import Any

from minikctl.kube import errors as E

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"  # api.MirrorPodAnnotationKey


def service_account_name(spec: Any) -> str:
    """The service account a pod names, as the API server reads it (Convert_v1_PodSpec_To_core_PodSpec: the
    deprecated ``serviceAccount`` is an alias of ``serviceAccountName``, which wins when both are set); ""
    when none is named."""
    if not isinstance(spec, dict):
        return ""
    name = spec.get("serviceAccountName") or spec.get("serviceAccount") or ""
    return name if isinstance(name, str) else ""


__all__ = ["MIRROR_POD_ANNOTATION", "SYSTEM_PRIORITY_CLASSES", "admit_priority", "lookup_service_account",
           "service_account_name", "validate_service_account"]

# pkg/apis/scheduling: SystemPriorityClasses(), created by every API server at start-up. Their
# PreemptionPolicy is defaulted (SetDefaults_PriorityClass) to PreemptLowerPriority.
SYSTEM_PRIORITY_CLASSES = {
    "system-node-critical": (2000001000, "PreemptLowerPriority"),
    "system-cluster-critical": (2000000000, "PreemptLowerPriority"),
}


def _forbidden(pod: dict, message: str, name: str | None = None) -> E.Forbidden:
    """admission.NewForbidden: ``pods "<name>" is forbidden: <err>`` (``pods is forbidden`` without a name).

    ``name`` is the one the request had (extractResourceName: the object's name, else its generateName; the
    name a server generates comes later), default the object's."""
    if name is None:
        name = ((pod.get("metadata") or {}).get("name") or "")
    head = f"pods {E.go_quote(name)} is forbidden" if name else "pods is forbidden"
    return E.Forbidden(f"{head}: {message}")


# ---- ServiceAccount (plugin/pkg/admission/serviceaccount/admission.go, v1.32) ------------------------------
ENFORCE_MOUNTABLE_SECRETS = "kubernetes.io/enforce-mountable-secrets"  # EnforceMountableSecretsAnnotation
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")  # strconv.ParseBool


def lookup_service_account(pod: dict, namespace: str, get: Any, name: str | None = None
                           ) -> tuple[dict | None, E.Forbidden | None]:
    """``Admit``'s lookup: the ServiceAccount the pod names (``default`` when none; a mirror pod has none and
    needs none) through ``get(namespace, name)``; a missing one refuses the pod (``getServiceAccount``'s
    NotFound: ``serviceaccount "<name>" not found``)."""
    annotations = (pod.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict) and MIRROR_POD_ANNOTATION in annotations:
        return None, None
    sa_name = service_account_name(pod.get("spec")) or "default"
    sa = get(namespace, sa_name)
    if sa is None:
        return None, _forbidden(pod, f"error looking up service account {namespace}/{sa_name}: "
                                     f"serviceaccount {E.go_quote(sa_name)} not found", name)
    return sa, None


def validate_service_account(pod: dict, sa: dict | None, name: str | None = None) -> E.Forbidden | None:
    """``Validate`` on create, after the mutation: a mirror pod may reference no service account, no secret
    and no token projection; a pod whose account carries ``kubernetes.io/enforce-mountable-secrets: "true"``
    may only use the secrets the account lists (``limitSecretReferences``)."""
    spec = pod.get("spec") or {}
    annotations = (pod.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict) and MIRROR_POD_ANNOTATION in annotations:
        if spec.get("serviceAccountName"):
            return _forbidden(pod, "a mirror pod may not reference service accounts", name)
        if _pod_secret_names(spec):
            return _forbidden(pod, "a mirror pod may not reference secrets", name)
        for v in spec.get("volumes") or []:
            for src in ((v.get("projected") or {}).get("sources") or []) if isinstance(v, dict) else []:
                if isinstance(src, dict) and src.get("serviceAccountToken") is not None:
                    return _forbidden(pod, "a mirror pod may not use ServiceAccountToken volume projections", name)
        return None
    if sa is None or ((sa.get("metadata") or {}).get("annotations") or {}).get(ENFORCE_MOUNTABLE_SECRETS) not in _GO_TRUE:
        return None
    msg = _limit_secret_references(sa, spec)
    return _forbidden(pod, msg, name) if msg else None


def _limit_secret_references(sa: dict, spec: dict) -> str:
    """limitSecretReferences: volumes, env and envFrom of init and regular containers, image pull secrets."""
    sa_name = (sa.get("metadata") or {}).get("name", "")
    mountable = {r.get("name") for r in sa.get("secrets") or [] if isinstance(r, dict)}
    for v in spec.get("volumes") or []:
        secret = v.get("secret") if isinstance(v, dict) else None
        if isinstance(secret, dict) and secret.get("secretName", "") not in mountable:
            return (f'volume with secret.secretName="{secret.get("secretName", "")}" is not allowed because service '
                    f"account {sa_name} does not reference that secret")
    for key, what in (("initContainers", "init container"), ("containers", "container")):
        for c in spec.get(key) or []:
            for env in c.get("env") or []:
                ref = ((env.get("valueFrom") or {}).get("secretKeyRef")) if isinstance(env, dict) else None
                if isinstance(ref, dict) and ref.get("name", "") not in mountable:
                    return (f'{what} {c.get("name", "")} with envVar {env.get("name", "")} referencing '
                            f'secret.secretName="{ref.get("name", "")}" is not allowed because service account '
                            f"{sa_name} does not reference that secret")
            for env_from in c.get("envFrom") or []:
                ref = env_from.get("secretRef") if isinstance(env_from, dict) else None
                if isinstance(ref, dict) and ref.get("name", "") not in mountable:
                    return (f'{what} {c.get("name", "")} with envFrom referencing secret.secretName='
                            f'"{ref.get("name", "")}" is not allowed because service account {sa_name} does not '
                            "reference that secret")
    pull = {r.get("name") for r in sa.get("imagePullSecrets") or [] if isinstance(r, dict)}
    for i, ref in enumerate(spec.get("imagePullSecrets") or []):
        if isinstance(ref, dict) and ref.get("name", "") not in pull:
            return (f'imagePullSecrets[{i}].name="{ref.get("name", "")}" is not allowed because service account '
                    f"{sa_name} does not reference that imagePullSecret")
    return ""


def _pod_secret_names(spec: dict) -> bool:
    """Whether podutil.VisitPodSecretNames finds any secret: pull secrets, containers' env/envFrom, volumes."""
    if spec.get("imagePullSecrets"):
        return True
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if any(isinstance(e, dict) and e.get("secretRef") for e in c.get("envFrom") or []):
                return True
            if any(isinstance(e, dict) and (e.get("valueFrom") or {}).get("secretKeyRef") for e in c.get("env") or []):
                return True
    for v in spec.get("volumes") or []:
        if not isinstance(v, dict):
            continue
        if v.get("secret") or any((v.get(k) or {}).get("secretRef") for k in
                                  ("azureFile", "cephfs", "cinder", "flexVolume", "iscsi", "rbd", "scaleIO",
                                   "storageos", "csi")):
            return True
        if any(isinstance(s, dict) and s.get("secret") for s in (v.get("projected") or {}).get("sources") or []):
            return True
    return False


def admit_priority(pod: dict, old: dict | None = None,
                   classes: dict[str, tuple[int, Any]] | None = None, name: str | None = None) -> E.Forbidden | None:
    """plugin/pkg/admission/priority/admission.go (v1.32) ``admitPod``.

    Create (``old`` is None): resolve ``spec.priorityClassName`` (the system classes, plus ``classes``:
    name -> (value, preemptionPolicy or None)); without a name there is no global default class here, so
    ``getDefaultPriority`` gives 0 and ``PreemptLowerPriority``. A client-set ``priority`` or
    ``preemptionPolicy`` that differs from the computed one is Forbidden; otherwise both are set.
    Update: an unset priority/preemptionPolicy is carried over from ``old``, nothing is refused.
    """
    spec = pod.setdefault("spec", {})
    if old is not None:
        old_spec = old.get("spec") or {}
        if spec.get("priority") is None and old_spec.get("priority") is not None:
            spec["priority"] = old_spec["priority"]
        if spec.get("preemptionPolicy") is None and old_spec.get("preemptionPolicy") is not None:
            spec["preemptionPolicy"] = old_spec["preemptionPolicy"]
        return None
    known = dict(SYSTEM_PRIORITY_CLASSES)
    known.update(classes or {})
    class_name = spec.get("priorityClassName") or ""
    if not class_name:
        # getDefaultPriority: no PriorityClass has globalDefault, so 0 and PreemptLowerPriority
        priority, policy = 0, "PreemptLowerPriority"
    elif class_name in known:
        priority, policy = known[class_name]
    else:
        return _forbidden(pod, f"no PriorityClass with name {class_name} was found", name)
    given = spec.get("priority")
    if given is not None and given != priority:
        return _forbidden(pod, f"the integer value of priority ({given}) must not be provided in pod spec; "
                               f"priority admission controller computed {priority} from the given PriorityClass name",
                          name)
    spec["priority"] = priority
    if policy is not None:
        given_policy = spec.get("preemptionPolicy")
        if given_policy is not None and given_policy != policy:
            return _forbidden(pod, f"the string value of PreemptionPolicy ({given_policy}) must not be provided in "
                                   f"pod spec; priority admission controller computed {policy} from the given "
                                   "PriorityClass name", name)
        spec["preemptionPolicy"] = policy
    return None
