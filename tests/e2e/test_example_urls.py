"""`-f https://k8s.io/examples/...` reads the bundled kubernetes.io examples (minikctl/k8s_examples, the one copy,
shipped in the wheel); any other URL is refused in kubectl's "unable to read URL" words with the honest reason:
no network is reached (cli-runtime resource/visitor.go readHttpWithRetries is where kubectl's text comes from)."""

from __future__ import annotations

from tests.conftest import CORPUS


def test_the_corpus_is_the_package_copy():
    import minikctl
    from pathlib import Path

    assert CORPUS == Path(minikctl.__file__).parent / "k8s_examples"
    assert (CORPUS / "README.md").read_text().count("CC BY 4.0") >= 1
    assert (CORPUS / "INDEX.tsv").exists() and (CORPUS / "pods" / "simple-pod.yaml").exists()


def test_tutorial_first_lines(cli):
    assert cli.ok("apply", "-f", "https://k8s.io/examples/pods/simple-pod.yaml") == "pod/nginx created\n"
    assert cli.ok("create", "-f", "https://kubernetes.io/examples/application/deployment.yaml") == \
        "deployment.apps/nginx-deployment created\n"
    assert cli.ok("get", "-f", "https://k8s.io/examples/pods/simple-pod.yaml", "-o", "name") == "pod/nginx\n"
    assert cli.ok("delete", "-f", "https://k8s.io/examples/pods/simple-pod.yaml") == 'pod "nginx" deleted\n'


def test_what_cannot_be_served(cli):
    done = cli("apply", "-f", "https://k8s.io/examples/no/such.yaml")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == ('error: unable to read URL "https://k8s.io/examples/no/such.yaml", the bundled copy of the '
                           'kubernetes.io examples has no "no/such.yaml" (minikctl does not reach the network)\n')
    for url in ("https://example.com/pod.yaml", "https://k8s.io/examples/../../etc/passwd",
                "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/simple-pod.yaml"):
        assert cli.fail("apply", "-f", url) == (
            f'error: unable to read URL "{url}", minikctl does not reach the network; it reads '
            "https://k8s.io/examples/... and https://kubernetes.io/examples/... from its bundled copy of the "
            "kubernetes.io examples\n")


def test_an_old_revision_is_named(cli):
    """INDEX.tsv marks the few stored revisions kubernetes.io has since corrected: reading one says so."""
    url = "https://k8s.io/examples/pods/inject/pod-single-secret-env-variable.yaml"
    err = cli.fail("apply", "-f", url)
    assert err.startswith(f"Warning: {url}: the bundled copy is an older revision of this example that kubernetes.io "
                          "has since corrected (missing-apiVersion)\nerror: error validating ")
