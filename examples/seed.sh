#!/bin/sh
# The seed scenario: an nginx:1.14.2 pod applied, listed, described, patched and force-deleted.
# Runs against the default store ($MINIKCTL_HOME, default ~/.minikctl) with the `minikctl` on PATH.
set -eu
here=$(dirname "$0")
run() { echo "\$ minikctl $*"; minikctl "$@"; echo; }
run apply -f "$here/nginx.yaml"
run get pods
run get pods
run describe pod nginx
run patch pod nginx -p '{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}'
run get pod nginx -o jsonpath='{.spec.containers[0].image}{"\n"}'
run delete pod nginx --grace-period=0 --force
run get pods
