from minikctl.cli.app import run

run()
