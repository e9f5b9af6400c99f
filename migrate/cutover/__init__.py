"""The second half of the pipeline: plan a staged cutover on a custom domain, run it, report it.

`model` holds the shapes plan, run and report share; `planfile` reads and writes them as commented
YAML; `strategies/` turns a share or route groups into AWS calls, a read-back and a rollback.
"""
