"""Table rows of Services, Endpoints and EndpointSlices (minikctl/api/registry/{service,endpoints,endpointslice}.py)
against upstream pkg/printers/internalversion/printers.go (kubernetes v1.32): printService (makePortString,
getServiceExternalIP), formatEndpoints and TestPrintEndpointSlice's cases of printers_test.go; the Service
defaults of pkg/apis/core/v1/defaults.go (SetDefaults_Service)."""

from __future__ import annotations

from minikctl.api.registry import endpoints, endpointslice, service
from minikctl.kube.timefmt import rfc3339

NOW = 1_750_000_000_000


def test_endpointslice_rows_of_printers_test():
    two = [{"addresses": ["10.1.2.3", "2001:db8::1234:5678"]}, {"addresses": ["10.2.3.4", "2001:db8::2345:6789"]}]
    first = {"metadata": {"name": "abcslice.123", "creationTimestamp": rfc3339(NOW + 1900)}, "addressType": "IP",
             "ports": [{"name": "http", "port": 80, "protocol": "TCP"}], "endpoints": two[:1]}
    assert endpointslice.row(first, NOW, False) == ["abcslice.123", "IP", "80", "10.1.2.3,2001:db8::1234:5678", "0s"]
    second = {"metadata": {"name": "longerslicename.123", "creationTimestamp": rfc3339(NOW - 300_000)},
              "addressType": "IP", "endpoints": two,
              "ports": [{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "https", "port": 443}]}
    assert endpointslice.row(second, NOW, False)[2:] == [
        "80,443", "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more...", "5m"]
    multi = dict(second, ports=second["ports"] + [{"port": 3000}, {"port": 3001}])
    assert endpointslice.row(multi, NOW, False)[2] == "80,443,3000 + 1 more..."
    # the placeholder slice of a Service without endpoints
    assert endpointslice.row({"metadata": {"name": "x"}, "addressType": "IPv4"}, NOW, False)[1:4] == [
        "IPv4", "<unset>", "<unset>"]


def test_endpoints_cell():
    assert endpoints.format_endpoints({}) == "<none>"
    subsets = [{"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 5)],
                "ports": [{"name": "a", "port": 80}, {"name": "b", "port": 443}]}]
    assert endpoints.format_endpoints({"subsets": subsets}) == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 5 more..."
    # only not-ready addresses: an empty cell (formatEndpoints lists addresses only)
    assert endpoints.format_endpoints({"subsets": [{"notReadyAddresses": [{"ip": "10.0.0.1"}],
                                                    "ports": [{"port": 80}]}]}) == ""
    assert endpoints.format_endpoints({"subsets": [{"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 80}]}]}) \
        == "[fd00::1]:80"


def test_service_rows():
    base = {"metadata": {"name": "web", "creationTimestamp": rfc3339(NOW - 60_000)}}
    cip = dict(base, spec={"type": "ClusterIP", "clusterIPs": ["10.96.3.4"], "selector": {"b": "2", "a": "1"},
                           "ports": [{"port": 80, "protocol": "TCP"}, {"port": 53, "protocol": "UDP"}]})
    assert service.row(cip, NOW, True) == ["web", "ClusterIP", "10.96.3.4", "<none>", "80/TCP,53/UDP", "60s",
                                           "a=1,b=2"]
    np = dict(base, spec={"type": "NodePort", "clusterIPs": ["10.96.3.5"], "externalIPs": ["1.2.3.4"],
                          "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]})
    assert service.row(np, NOW, True)[2:5] == ["10.96.3.5", "1.2.3.4", "80:30080/TCP"]
    assert service.row(np, NOW, True)[6] == "<none>"
    lb = dict(base, spec={"type": "LoadBalancer", "clusterIPs": ["10.96.3.6"], "ports": []})
    assert service.row(lb, NOW, False)[3:5] == ["<pending>", "<none>"]
    lb["status"] = {"loadBalancer": {"ingress": [{"ip": "5.6.7.8"}, {"hostname": "lb.example.com"}]}}
    assert service.row(lb, NOW, False)[3] == "5.6.7.8,lb.example.com"
    ext = dict(base, spec={"type": "ExternalName", "externalName": "example.com"})
    assert service.row(ext, NOW, False)[1:5] == ["ExternalName", "<none>", "example.com", "<none>"]


def test_service_defaults():
    svc = {"spec": {"type": "NodePort", "ports": [{"port": 80}, {"port": 81, "targetPort": "http"}]}}
    service.set_defaults(svc)
    assert svc["spec"] == {"type": "NodePort", "sessionAffinity": "None", "externalTrafficPolicy": "Cluster",
                           "internalTrafficPolicy": "Cluster",
                           "ports": [{"port": 80, "protocol": "TCP", "targetPort": 80},
                                     {"port": 81, "targetPort": "http", "protocol": "TCP"}]}
    aff = {"spec": {"sessionAffinity": "ClientIP", "ports": [{"port": 80}]}}
    service.set_defaults(aff)
    assert aff["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    lb = {"spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}
    service.set_defaults(lb)
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True
