"""Shared vocabulary of every layer: no I/O, no imports from the rest of minikctl.

errors (status errors and field errors in the API server's words), quantity (resource.Quantity),
selectors (label and field selectors, the one requirement matcher), timefmt (RFC 3339, Go durations,
kubectl's human durations), gofmt (Go's fmt and encoding/json text), kinds (the table of served kinds).
"""
