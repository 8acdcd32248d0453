"""``minikctl serve``: the Kubernetes REST API over the store, for real kubectl and client libraries.

The same store, the same ``Api`` (admission, the registry) and the same engine as the command line: every
request is one short store transaction through ``minikctl.cluster.Cluster`` that first lets virtual time catch
up with the wall clock (× ``--speed``), so CLI commands run against the same store at the same time and
serialize with the server on the store's lock.

  server.py     the HTTP server (stdlib ``ThreadingHTTPServer``): routing, request bodies, Status errors
  rest.py       the verbs over a resource: get/list/create/update/patch/delete/deletecollection, subresources
  discovery.py  /api, /apis (legacy and aggregated discovery) from ``kube/kinds.py``
  openapi.py    /openapi/v2 and /openapi/v3 from ``schemas/``
  tables.py     ``as=Table`` server-side printing from the registry's COLUMNS/WIDE_COLUMNS/row
  watch.py      the watch hub: one pump moves virtual time in short steps and fans the change log out
  wsexec.py     exec/attach over WebSocket (``v5.channel.k8s.io``, ``v4.channel.k8s.io``)
  config.py     TLS (a self-signed certificate) and the kubeconfig ``--kubeconfig-out`` writes
"""
