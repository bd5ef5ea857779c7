"""The 15 commands of ``wirewatch``, one module per group, in the order the data flows:
the broker (``kafka``), message contracts (``schema``: schemas), getting articles in
(``feeds``: feeds, collect, replay), running the pipeline (``pipeline``: worker, up),
extraction offline (``extraction``: extract, evaluate), what came out (``events``,
``serve``), who is told (``subscriptions``, ``alerts``), and what went wrong or where
it stands (``dlq``, ``status``). ``wirewatch.cli`` gathers them."""
