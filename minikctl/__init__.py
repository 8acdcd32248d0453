"""minikctl: kubectl for Pods with no cluster."""

__version__ = "0.1.0"
