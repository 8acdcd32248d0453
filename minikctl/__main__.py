from minikctl.cli.app import main

raise SystemExit(main())
