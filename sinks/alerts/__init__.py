"""Alerts from routing to their receivers, in one package:

- `subscriptions`: what each subscriber watches and where to tell them (SQL, YAML files);
- `state`: each alert's delivery state (pending, delivered, dead) in SQL;
- `channels`: webhook, email, file;
- `sender`: retries and concurrency gates around a channel;
- `deliver`: the one path from an alert to its recorded outcome, used by the worker and
  by ``wirewatch alerts retry``.

Which events deserve an alert, and to whom, is decided upstream by the routing stage
(`processors.alerting`, `processors.stages.route`).
"""
