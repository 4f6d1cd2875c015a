"""The storm soak (issue 22): the production stack on processes the soak owns, work that runs
the whole time, faults at random times from a seed, and the checks that nothing was lost or
sent twice. Run it with ``python -m bench.soak --minutes 30 --seed 7 --faults all``.

``timeline`` records what happened, ``stack`` starts and supervises the processes, ``sink`` is
the SMTP server that misbehaves on request, ``faults`` plans and injects the faults.
"""
