"""The command groups of ``wirewatch``, one module each, in the order the data flows:
the broker (``kafka``), message contracts (``schema``), getting articles in (``feeds``:
feeds, collect, replay), running the pipeline (``pipeline``: worker, up), extraction
offline (``extraction``: extract, evaluate), what came out (``events``), and who is
told (``subscriptions``, ``alerts``). ``wirewatch.cli`` gathers them."""
