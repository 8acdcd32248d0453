"""The simulated cluster behind the API: the loop, the scheduler, the kubelets and the controllers.

  loop.py          the one loop: changes from the store's change log and due timers to their owners
  nodes.py         what a node registers and each node's own state
  controllers/     the scheduler and the controllers (ordinary clients of the API)
  kubelet/         the node agent: pod workers, phases, probes, back-off, termination
  behavior/        what a container would do: a shell interpreter over a virtual filesystem, an image catalog

Nothing here is imported by the API server; ``minikctl/cluster.py`` puts the two together for a command.
"""
